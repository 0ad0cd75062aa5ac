// The upload form (web/templates/web/unit.html): besides the archive field, the unit's folder, picked
// (<input webkitdirectory>) or dropped on the drop zone, is sent as its files ("files") with each one's path in
// the folder ("paths", a JSON list in the same order): the server keeps the folder's structure, which tells the
// criteria apart. Without this script, or in a browser that cannot set a file field's files, the page shows
// the archive field alone, which works as before. The limits come from the page (the server's own); the
// server holds the folder to them again, whatever this script did.
"use strict";

(function () {
  const form = document.getElementById("upload-form");
  if (!form) {
    return;
  }
  const archive = document.getElementById("archive");
  const picker = document.getElementById("folder");
  const zone = document.getElementById("dropzone");
  const files = document.getElementById("files");
  const paths = document.getElementById("paths");
  const chosen = document.getElementById("chosen");
  if (!("webkitdirectory" in picker) || !canSetFiles()) {
    return;
  }
  for (const element of document.querySelectorAll(".folder-only")) {
    element.hidden = false;
  }
  archive.required = false;

  const limits = {
    files: Number(form.dataset.maxFiles),
    fileBytes: Number(form.dataset.maxFileBytes),
    bytes: Number(form.dataset.maxBytes),
  };
  const number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 }); // 5.000 tệp, 12,5 MB
  const megabytes = (bytes) => number.format(bytes / 1048576) + " MB";

  function canSetFiles() {
    try {
      files.files = new DataTransfer().files; // Safari before 14.1 has no DataTransfer constructor
      return true;
    } catch (error) {
      return false;
    }
  }

  function say(text, isError) {
    chosen.textContent = text;
    chosen.classList.toggle("error", isError);
  }

  function clearFolder() {
    files.files = new DataTransfer().files;
    paths.value = "";
    picker.value = "";
  }

  // The folder's files, each {file, path}: kept when within the limits, else refused with what to do.
  function choose(found) {
    clearFolder();
    if (found.length === 0) {
      say("Thư mục không có tệp nào. Hãy chọn thư mục hồ sơ có tài liệu.", true);
      return;
    }
    if (found.length > limits.files) {
      say(`Thư mục có ${number.format(found.length)} tệp, quá giới hạn ${number.format(limits.files)} tệp mỗi lần ` +
          "nộp. Hãy bỏ các tệp không phải tài liệu kiểm chứng rồi chọn lại.", true);
      return;
    }
    const large = found.find((item) => item.file.size > limits.fileBytes);
    if (large) {
      say(`Tệp «${large.path}» lớn hơn ${megabytes(limits.fileBytes)}. Hãy bỏ tệp đó rồi chọn lại.`, true);
      return;
    }
    const total = found.reduce((sum, item) => sum + item.file.size, 0);
    if (total > limits.bytes) {
      say(`Thư mục nặng ${megabytes(total)}, quá giới hạn ${megabytes(limits.bytes)}. Hãy bỏ các tệp không ` +
          "phải tài liệu kiểm chứng (bản trùng, video) hoặc chia hồ sơ.", true);
      return;
    }
    const transfer = new DataTransfer();
    for (const item of found) {
      transfer.items.add(item.file);
    }
    files.files = transfer.files;
    paths.value = JSON.stringify(found.map((item) => item.path));
    archive.value = "";
    const top = found[0].path.split("/")[0];
    const where = found.every((item) => item.path.startsWith(top + "/")) ? `thư mục «${top}»` : "các tệp đã thả";
    say(`Đã chọn ${where}: ${number.format(found.length)} tệp, ${megabytes(total)}.`, false);
  }

  picker.addEventListener("change", () => {
    choose(Array.from(picker.files, (file) => ({ file, path: file.webkitRelativePath || file.name })));
  });

  archive.addEventListener("change", () => {
    if (archive.files.length) {
      clearFolder();
      say("", false);
    }
  });

  // A dropped folder is read entry by entry (readEntries gives a directory's entries in batches).
  function fileOf(entry) {
    return new Promise((resolve, reject) => entry.file(resolve, reject));
  }

  function batchOf(reader) {
    return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
  }

  async function walk(entry, found) {
    if (entry.isFile) {
      found.push({ file: await fileOf(entry), path: entry.fullPath.replace(/^\/+/, "") });
      return;
    }
    const reader = entry.createReader();
    for (let batch = await batchOf(reader); batch.length; batch = await batchOf(reader)) {
      for (const child of batch) {
        await walk(child, found);
      }
    }
  }

  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    // the entries must be taken before the first await: the drop's data is gone after it
    const entries = Array.from(event.dataTransfer.items, (item) => item.webkitGetAsEntry && item.webkitGetAsEntry());
    const found = [];
    try {
      if (entries.every(Boolean)) {
        say("Đang đọc thư mục…", false);
        for (const entry of entries) {
          await walk(entry, found);
        }
      } else {
        found.push(...Array.from(event.dataTransfer.files, (file) => ({ file, path: file.name })));
      }
    } catch (error) {
      say("Không đọc được thư mục vừa thả. Hãy dùng nút chọn thư mục, hoặc nén thư mục rồi chọn tệp nén.", true);
      return;
    }
    choose(found);
  });
  // A file dropped beside the zone must not make the browser leave the page for it.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());

  form.addEventListener("submit", (event) => {
    if (!archive.files.length && !files.files.length) {
      event.preventDefault();
      say("Hãy chọn tệp nén hoặc thư mục hồ sơ của đơn vị.", true);
      return;
    }
    if (files.files.length) {
      say(`Đang gửi ${number.format(files.files.length)} tệp… Xin đừng đóng trang cho đến khi gửi xong.`, false);
    }
    form.querySelector("button[type=submit]").disabled = true; // one submission, not two
  });
})();
