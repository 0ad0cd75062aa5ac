"""An upload, treated as hostile: refused with a reason the clerk can act on, or stored and queued.
A unit the council has locked takes none (423), whatever the files. An accepted upload is written in the audit log.

The evidence comes as an archive (.zip, .rar, .7z) or as the unit's folder (picked or dropped in the browser:
its files, each with its path in the folder). A folder is first held to the limits of an archive's members
(`kiemchung.pipeline.archives`: how many, how large, names that leave the folder), then packed by the service
into a zip of its own (stored, not compressed; fixed times and order, so the same folder gives the same bytes):
from there on it is an archive upload like any other. The archive is opened once at upload by the CLI's own
reader (`open_archive`, the same limits: members, sizes, bombs, nesting) so that what the check would refuse is
refused now, while the clerk is still there: not an archive, damaged, encrypted, names that leave the archive,
links, bombs. Accepted, it is stored under DATA/archives by its SHA-256, read-only and never changed; so is the
self-assessment table sent beside it, which the check then reads as the unit's (`check --self-assessment`).

Every file of a request is received into DATA/tmp and closed at once (`ReceivedFiles`), so a folder of thousands
of files holds no file open; what is not moved into the store is removed when the request ends, and what a server
killed in the middle of a request left there is removed when it starts again (`remove_leftovers`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from kiemchung.extractors.hashing import file_sha256
from kiemchung.extractors.models import ReadProblem
from kiemchung.pipeline import archives
from kiemchung.pipeline.archives import ARCHIVE_SUFFIXES, leaves_folder, normal_name, open_archive
from kiemchung.pipeline.table_choice import TABLE_SUFFIXES
from kiemchung.web.models import Action, Status, Submission, Unit
from kiemchung.web.review import record

_MIB = 1024 * 1024
_SUFFIXES = ", ".join(ARCHIVE_SUFFIXES)
_TABLE_SUFFIXES = ", ".join(TABLE_SUFFIXES)
_REFUSED_MEMBERS = (ReadProblem.UNSAFE, ReadProblem.LINK, ReadProblem.ENCRYPTED)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: a folder's zip does not depend on when it was sent


class UploadRefused(Exception):
    """Why an upload was not accepted: a code for scripts (the API's `"code"`, stable, in English), the message
    (Vietnamese, says what to do) and the HTTP status that goes with it."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ReceivedFile(UploadedFile):
    """A file of the request, written whole to DATA/tmp and closed: read it from `path`. Removed when the
    request ends (Django closes every uploaded file then) unless it was moved into the store first."""

    def __init__(self, path: Path, name: str, content_type: str, size: int, charset: str | None,
                 content_type_extra: dict[str, Any] | None) -> None:
        super().__init__(None, name, content_type, size, charset, content_type_extra)
        self.path = path

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


class ReceivedFiles(FileUploadHandler):
    """Django's upload handler for the service (FILE_UPLOAD_HANDLERS): each file to a temporary file of its own,
    closed as soon as it is written (Django's own handler keeps every file of a request open)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        descriptor, name = tempfile.mkstemp(prefix="upload-", dir=settings.FILE_UPLOAD_TEMP_DIR)
        self._path = Path(name)
        self._out: IO[bytes] = os.fdopen(descriptor, "wb")
        # a request that fails in the middle of this file leaves nothing behind
        self._removal = weakref.finalize(self, _discard, self._out, self._path)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._out.write(raw_data)

    def file_complete(self, file_size: int) -> ReceivedFile:
        self._removal.detach()
        self._out.close()
        return ReceivedFile(self._path, self.file_name, self.content_type, file_size, self.charset,
                            self.content_type_extra)


def _discard(out: IO[bytes], path: Path) -> None:
    out.close()
    path.unlink(missing_ok=True)


class RefuseOversizedBodies:
    """Middleware, before CSRF's (which reads the body): a request announced larger than the upload limit is
    answered 413 before any of it is read. (waitress refuses bodies past the same size whatever they announce.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.KIEMCHUNG_MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + _MIB:  # the form's other fields and the multipart framing
            return refusal_response(request, _too_big(limit))
        return self.get_response(request)


def refusal_response(request: HttpRequest, refusal: UploadRefused) -> HttpResponse:
    """A refused upload as the caller reads it: for the API, its message and its code (`api_refusal`)."""
    if request.path.startswith("/api/"):
        return api_refusal(refusal.status, refusal.code, refusal.message)
    return refused(request, refusal.message, refusal.status)


def api_refusal(status: int, code: str, message: str) -> JsonResponse:
    """A refusal through the API: what to do, in Vietnamese, and a code for scripts, stable and in English."""
    return JsonResponse({"error": message, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})


def refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A refusal (Vietnamese, what to do) as the caller reads it: JSON for the API, a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=status)
    return render(request, "web/refused.html", {"message": message}, status=status)


def accept(unit: Unit, user: AbstractBaseUser, upload: ReceivedFile | None,
           table: ReceivedFile | None = None) -> Submission:
    """Check an uploaded archive (and the table sent beside it), store them and queue the check; raises
    `UploadRefused`."""
    _admit(unit)
    if upload is None:
        raise UploadRefused("no-file", f"Chưa chọn tệp. Hãy chọn tệp nén ({_SUFFIXES}) hoặc thư mục hồ sơ của đơn vị.")
    name = PurePath(upload.name or "").name
    if PurePath(name).suffix.lower() not in ARCHIVE_SUFFIXES:
        raise UploadRefused(
            "not-an-archive",
            f"Tệp «{name}» không phải tệp nén. Hãy nén thư mục hồ sơ của đơn vị thành tệp {_SUFFIXES} rồi nộp lại."
        )
    if (upload.size or 0) > settings.KIEMCHUNG_MAX_UPLOAD_BYTES:
        raise _too_big(settings.KIEMCHUNG_MAX_UPLOAD_BYTES)
    table_name = _table_name(table)
    _inspect(upload.path, name, f"{name}{archives.SEPARATOR}")
    return _queue(unit, user, upload.path, name, table, table_name, folder=False)


def accept_folder(unit: Unit, user: AbstractBaseUser, files: Sequence[ReceivedFile], paths: str,
                  table: ReceivedFile | None = None) -> Submission:
    """Check an uploaded folder (`files` and, in `paths`, each one's path in it as a JSON list, in the same
    order) and the table sent beside it, pack and store them and queue the check; raises `UploadRefused`."""
    _admit(unit)
    names = _folder_names(unit, files, paths)
    table_name = _table_name(table)
    shown = PurePosixPath(normal_name(names[0])).parts[0]
    packed = _pack(zip(names, files, strict=True))
    try:
        _inspect(packed, shown, "")
        return _queue(unit, user, packed, shown, table, table_name, folder=True)
    finally:
        packed.unlink(missing_ok=True)


def locked_notice(unit: Unit) -> str:
    """Why a locked unit takes no upload, and what the clerk can still do."""
    when = timezone.localtime(unit.locked_at).strftime("%H:%M ngày %d/%m/%Y")
    return (f"Hội đồng thẩm định đã khóa hồ sơ của {unit.name} lúc {when} (đã hết hạn nộp), nên không nộp thêm "
            f"được. Nếu cần nộp bổ sung, hãy liên hệ Hội đồng để được mở khóa.")


@dataclass(frozen=True)
class FolderLimits:
    """What a folder upload is held to: an archive's limits on its members, and the upload's own size limit."""

    files: int
    file_bytes: int
    bytes: int  # in all


def folder_limits() -> FolderLimits:
    """The limits in force (the page hands them to its script, which refuses at once what the server would)."""
    return FolderLimits(archives.MAX_MEMBERS, archives.MAX_MEMBER_BYTES,
                        min(settings.KIEMCHUNG_MAX_UPLOAD_BYTES, archives.MAX_TOTAL_BYTES))


def too_many_files() -> str:
    """The refusal of a folder with more files than an archive may hold members (also when Django stops
    reading the request at that count, `views.bad_request`)."""
    most = f"{folder_limits().files:,}".replace(",", ".")  # 5.000, as Vietnamese write it
    return (f"Thư mục có quá nhiều tệp: tối đa {most} tệp mỗi lần nộp. Hãy bỏ các tệp không phải tài liệu kiểm "
            "chứng (bản trùng, ảnh chụp thừa) hoặc chia hồ sơ, rồi nộp lại.")


def folder_name(unit: Unit) -> str:
    """The unit's name as the name of a folder (its evidence's top folder, its archive in a check): no separator."""
    return unit.name.replace("/", "-").replace("\\", "-")


def stored_path(sha256: str) -> Path:
    """An upload kept in the store (an archive, a folder's zip, a self-assessment table), by its SHA-256."""
    return Path(settings.ARCHIVES) / sha256


def remove_leftovers() -> None:
    """Empty DATA/tmp of what requests left there when the server stopped in their middle (killed, a power cut).
    Called as the server starts, before it serves any request: nothing there then belongs to a live request (the
    service is one process per data folder, as its login counter also assumes)."""
    for entry in Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _admit(unit: Unit) -> None:
    """Refuse before anything is read: a locked unit, or one with too many submissions waiting."""
    if unit.locked:
        raise UploadRefused("locked", locked_notice(unit), 423)
    waiting = Submission.objects.filter(unit=unit, status__in=(Status.QUEUED, Status.READING)).count()
    if waiting >= settings.KIEMCHUNG_MAX_WAITING:
        raise UploadRefused(
            "too-many-waiting",
            f"Đơn vị đã có {waiting} lần nộp đang chờ kiểm tra. Hãy đợi các lần nộp đó kiểm tra xong rồi nộp lại.", 429
        )


def _too_big(limit: int) -> UploadRefused:
    return UploadRefused("too-large", f"Tệp nộp lớn hơn giới hạn {limit // _MIB} MB. Hãy bỏ các tệp không phải tài "
                         f"liệu kiểm chứng (bản trùng, video) hoặc chia hồ sơ, rồi nộp lại.", 413)


def _folder_names(unit: Unit, files: Sequence[ReceivedFile], paths: str) -> list[str]:
    """Each file's name in the folder's zip, held to an archive's limits: the path as sent (the check reads it
    as an archive member's, `normal_name`), under one folder at the top (the unit's name when the files sent
    share none)."""
    try:
        given = json.loads(paths)
    except ValueError:
        given = None
    if not isinstance(given, list) or len(given) != len(files) or not all(isinstance(p, str) for p in given):
        raise UploadRefused("no-paths", "Trình duyệt không gửi kèm đường dẫn của các tệp trong thư mục. Hãy tải lại "
                            f"trang rồi chọn lại thư mục, hoặc nén thư mục thành tệp {_SUFFIXES} rồi nộp tệp nén.")
    limits = folder_limits()
    if len(files) > limits.files:
        raise UploadRefused("too-many-files", too_many_files(), 413)
    for path, file in zip(given, files, strict=True):
        if not normal_name(path) or leaves_folder(normal_name(path)):
            raise UploadRefused("path-leaves-folder", f"Tên tệp «{path}» trỏ ra ngoài thư mục hồ sơ. Hãy chọn đúng "
                                "thư mục hồ sơ của đơn vị (không chọn tệp qua lối tắt), hoặc nén thư mục rồi nộp tệp "
                                "nén.")
        if file.size > limits.file_bytes:
            raise UploadRefused("file-too-large", f"Tệp «{path}» lớn hơn {limits.file_bytes // _MIB} MB. Hãy bỏ tệp đó "
                                "(tài liệu kiểm chứng không cần video hay bản quét độ phân giải quá cao) rồi nộp lại.",
                                413)
    if sum(file.size for file in files) > limits.bytes:
        raise _too_big(limits.bytes)
    if len(set(given)) != len(given):
        raise UploadRefused("path-twice", "Thư mục gửi lên có hai tệp cùng tên và cùng chỗ. Hãy tải lại trang rồi chọn "
                            "lại thư mục.")
    tops = {PurePosixPath(normal_name(path)).parts[0] for path in given}
    if len(tops) == 1 and all("/" in normal_name(path) for path in given):
        return given
    return [f"{folder_name(unit)}/{path}" for path in given]


def _pack(files: Iterator[tuple[str, ReceivedFile]]) -> Path:
    """The folder's files as a zip in DATA/tmp, in name order, stored as they are, each with the same time."""
    descriptor, name = tempfile.mkstemp(prefix="folder-", suffix=".zip", dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(descriptor, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as packed:
            for member, file in sorted(files, key=lambda pair: pair[0]):
                info = zipfile.ZipInfo(member, _ZIP_TIME)
                info.external_attr = 0o644 << 16
                with file.path.open("rb") as source, packed.open(info, "w") as target:
                    shutil.copyfileobj(source, target, _MIB)
    except BaseException:
        Path(name).unlink(missing_ok=True)  # a full disk, a file gone: nothing half-written is left
        raise
    return Path(name)


def _table_name(table: ReceivedFile | None) -> str:
    """The name of the self-assessment table sent beside the evidence ("" when none), refused unless it is one
    of the table formats the check reads."""
    if table is None:
        return ""
    name = PurePath(table.name or "").name
    if PurePath(name).suffix.lower() not in TABLE_SUFFIXES:
        raise UploadRefused("not-a-table", f"Tệp «{name}» không phải bảng tự đánh giá. Hãy chọn bảng tự đánh giá dạng "
                            f"{_TABLE_SUFFIXES}, hoặc để trống nếu bảng đã nằm trong hồ sơ.")
    if len(name.encode()) > 200:  # the check reads it under this name: within what every file system takes
        raise UploadRefused("table-name-too-long", f"Tên tệp «{name}» quá dài. Hãy đổi tên bảng tự đánh giá cho ngắn "
                            "hơn rồi nộp lại.")
    return name


def _queue(unit: Unit, user: AbstractBaseUser, evidence: Path, name: str, table: ReceivedFile | None,
           table_name: str, *, folder: bool) -> Submission:
    """Store the evidence (and the table) and queue their check, written in the audit log."""
    sha256, size = _store(evidence)
    table_sha256 = _store(table.path)[0] if table is not None else ""
    with transaction.atomic():
        submission = Submission.objects.create(unit=unit, uploader=user, archive_sha256=sha256,
                                               archive_name=name[:255], archive_size=size, folder=folder,
                                               table_sha256=table_sha256, table_name=table_name)
        sent = f"{name}/" if folder else name
        record(user, Action.UPLOAD, unit, submission, new=(f"{sent}; {table_name}" if table_name else sent)[:255])
    return submission


def _inspect(path: Path, name: str, prefix: str) -> None:
    """Open the archive as the check will, into a folder removed at once; refuse what it would refuse.
    `prefix` goes before a member's name in a refusal ("Hồ sơ.zip!/", nothing for a folder's own zip)."""
    work = Path(tempfile.mkdtemp(prefix="inspect-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        opened = open_archive(path, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if opened.problem is not None and opened.problem.problem is not ReadProblem.CORRUPT:
        raise _member_refusal(name, opened.problem.problem)
    if opened.problem is not None and not opened.members:
        raise UploadRefused(
            "damaged-archive",
            f"Tệp «{name}» không phải tệp nén {_SUFFIXES} hợp lệ hoặc đã bị hỏng. Hãy nén lại thư mục hồ sơ "
            f"(chuột phải vào thư mục → Nén / Send to → Compressed folder) rồi nộp lại."
        )
    for member in opened.members:
        if member.problem is not None and member.problem.problem in _REFUSED_MEMBERS:
            raise _member_refusal(f"{prefix}{member.name}", member.problem.problem)
    if not any(member.copy is not None for member in opened.members):
        raise UploadRefused("empty-archive", f"Tệp nén «{name}» không chứa tệp nào. Hãy nén thư mục hồ sơ có tài liệu "
                            "rồi nộp lại.")


def _member_refusal(where: str, problem: ReadProblem) -> UploadRefused:
    if problem is ReadProblem.ENCRYPTED:
        return UploadRefused("encrypted", f"«{where}» có mật khẩu nên không đọc được. Hãy nén lại không đặt mật khẩu "
                             "rồi nộp lại.")
    if problem is ReadProblem.LINK:
        return UploadRefused("link", f"«{where}» là một liên kết (shortcut), không phải tệp. Hãy đưa chính tệp vào tệp "
                             "nén rồi nộp lại.")
    return UploadRefused("unsafe-archive", f"«{where}» không an toàn để giải nén (tên tệp trỏ ra ngoài thư mục, tệp "
                         "nén lồng quá sâu hoặc giải nén ra quá lớn). Hãy nén lại trực tiếp thư mục hồ sơ của đơn vị "
                         "rồi nộp lại.")


def _store(received: Path) -> tuple[str, int]:
    """Keep a received file under its SHA-256, read-only (the same content sent twice is kept once); returns
    the SHA-256 and the size."""
    size, sha256 = file_sha256(received)
    target = stored_path(sha256)
    if not target.exists():
        received.chmod(0o400)
        os.replace(received, target)  # the same file system: the file appears whole or not at all
    return sha256, size
