"""Uploads beyond one archive: the unit's folder (its files, each with its path in the folder, as the page's script
sends a folder picked or dropped), the self-assessment table sent beside the evidence, the check's progress
recorded by its callback, and the style sheet and script served by WhiteNoise.

Real checks of a sample unit (the CLI's code in the worker's child process, no OCR, no cache) on the test
service of tests/test_web.py; hostile folders are refused before anything is stored.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kiemchung.pipeline import archives
from tests import test_web
from tests.browser import Server
from tests.test_web import BATCH, CHECK, DATA, UNIT_A, People, logged_in, upload_file, zipped

# test_web's fixtures, under their names: each test on an empty service, with its people. Importing test_web
# also set Django up on its data folder, which what follows needs.
fresh_service = test_web.fresh_service
people = test_web.people

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from kiemchung.web.models import Status, Submission, Unit  # noqa: E402
from kiemchung.web.worker import LOG, check_submissions, claim, submission_folder  # noqa: E402

TABLE = "Bảng tự đánh giá Chỉ số CCHC 2023.xlsx"  # unit A's, at the top of its folder
STATIC = Path(__file__).resolve().parent.parent / "web" / "static" / "web"


def folder(unit: str, leave_out: tuple[str, ...] = ()) -> tuple[list[io.BytesIO], list[str]]:
    """A sample unit's folder as the page sends it: its files, and each one's path from the folder picked
    ("UBND xã Tân Lập/TC 1.1 - …/….docx", a file input's webkitRelativePath)."""
    paths = sorted(path for path in (BATCH / unit).rglob("*") if path.is_file() and path.name not in leave_out)
    files = [upload_file(path.read_bytes(), path.name) for path in paths]
    return files, [path.relative_to(BATCH).as_posix() for path in paths]


def send_folder(client: Client, unit: Unit, files: list[io.BytesIO], paths: list[str], **fields: Any) -> Any:
    return client.post(f"/units/{unit.code}/upload/", {"files": files, "paths": json.dumps(paths), **fields})


def checked(pk: int) -> Submission:
    """The queued submission `pk`, checked by the worker."""
    (taken,) = claim()
    assert taken.pk == pk
    check_submissions([taken], CHECK)
    taken.refresh_from_db()
    assert taken.status == Status.DONE, taken.message
    return taken


def report(submission: Submission) -> Any:
    return json.loads((DATA / submission.report_folder / "report.json").read_text("utf-8"))


def nothing_kept() -> bool:
    """No submission, nothing stored, no file left from the request."""
    stored, left = any((DATA / "archives").iterdir()), any((DATA / "tmp").iterdir())
    return not Submission.objects.exists() and not stored and not left


# ------------------------------------------------------------------------------------------------ a folder


def test_a_folder_keeps_its_paths_and_is_checked_as_its_archive_is(people: People) -> None:
    client = logged_in(people.clerk_a)
    page = client.get(f"/units/{people.unit_a.code}/").content.decode()
    # without the script: the archive field alone, required; the folder's fields wait for it, hidden
    assert re.search(r'<input type="file" id="archive" name="archive" accept="[^"]+" required>', page)
    assert page.count('class="folder-only" hidden') == 2 and "webkitdirectory" in page

    files, paths = folder(UNIT_A)
    response = send_folder(client, people.unit_a, files, paths)
    assert response.status_code == 302, response.content.decode()
    sent = Submission.objects.get()
    assert (sent.folder, sent.archive_name, sent.table_name) == (True, UNIT_A, "")
    stored = DATA / "archives" / sent.archive_sha256
    assert stored.stat().st_mode & 0o777 == 0o400
    with zipfile.ZipFile(stored) as packed:  # the folder as sent: every path, every byte
        assert packed.namelist() == sorted(paths)
        assert all(packed.read(path) == (BATCH / path).read_bytes() for path in paths)
    again = send_folder(client, people.unit_a, *folder(UNIT_A))
    assert again.status_code == 302
    assert {s.archive_sha256 for s in Submission.objects.all()} == {sent.archive_sha256}  # the same bytes, kept once
    assert list((DATA / "tmp").iterdir()) == []  # the request's files are gone once it is answered
    Submission.objects.exclude(pk=sent.pk).update(status=Status.FAILED)  # out of the queue: checked once is enough

    client.post(f"/units/{people.unit_a.code}/upload/", {"archive": upload_file(zipped(UNIT_A))})
    archived = Submission.objects.get(folder=False)
    as_folder, as_archive = report(checked(sent.pk)), report(checked(archived.pk))
    assert as_folder == as_archive
    assert as_folder["unit"] == UNIT_A and as_folder["summary"]["files"] == 17
    assert any(path.startswith("TC 1.1 - Kế hoạch CCHC/") for path in as_folder["criteria"][1]["evidence"])

    page = client.get(f"/submissions/{sent.pk}/").content.decode()
    assert "<dt>Thư mục</dt>" in page and "Đã kiểm tra xong" in page
    assert f"Thư mục {UNIT_A}" in client.get(f"/units/{people.unit_a.code}/").content.decode()


def test_files_dropped_without_a_folder_go_under_the_units_name(people: People) -> None:
    files, paths = folder(UNIT_A)
    loose = [path.split("/", 1)[1] for path in paths]  # the folder's content dropped, not the folder
    assert send_folder(logged_in(people.clerk_a), people.unit_a, files, loose).status_code == 302
    sent = Submission.objects.get()
    assert sent.archive_name == UNIT_A
    with zipfile.ZipFile(DATA / "archives" / sent.archive_sha256) as packed:
        assert packed.namelist() == sorted(f"{UNIT_A}/{path}" for path in loose)


def test_hostile_folders_are_refused_in_vietnamese(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    client = logged_in(people.clerk_a)

    def refused(files: list[io.BytesIO], paths: list[str], status: int, expected: str, **fields: Any) -> None:
        response = send_folder(client, people.unit_a, files, paths, **fields)
        assert response.status_code == status, (paths[:2], response.status_code)
        assert expected in response.content.decode(), paths[:2]
        assert nothing_kept(), paths[:2]

    for leaving in ("../../ngoai.txt", f"{UNIT_A}/../../ngoai.txt", "..\\..\\ngoai.txt", "C:/Windows/ngoai.txt"):
        refused([upload_file(b"x", "a.pdf"), upload_file(b"y", "ngoai.txt")], [f"{UNIT_A}/1.1/a.pdf", leaving], 400,
                f"Tên tệp «{leaving}» trỏ ra ngoài thư mục hồ sơ")
    assert not (DATA / "ngoai.txt").exists() and not (DATA.parent / "ngoai.txt").exists()
    refused([upload_file(b"x", "a.pdf")], [], 400, "Trình duyệt không gửi kèm đường dẫn")
    refused([upload_file(b"x", "a.pdf"), upload_file(b"y", "a.pdf")], [f"{UNIT_A}/a.pdf"] * 2, 400, "hai tệp cùng tên")

    # more files than an archive may hold members: refused by the service, or by Django past the form's own fields
    for count in (archives.MAX_MEMBERS + 1, archives.MAX_MEMBERS + 3):
        many = [upload_file(b"x", f"{index}.pdf") for index in range(count)]
        refused(many, [f"{UNIT_A}/1.1/{index}.pdf" for index in range(count)], 413,
                "Thư mục có quá nhiều tệp: tối đa 5.000 tệp")

    with override_settings(KIEMCHUNG_MAX_UPLOAD_BYTES=1000):  # the folder as a whole
        refused([upload_file(bytes(600), "a.pdf"), upload_file(bytes(600), "b.pdf")],
                [f"{UNIT_A}/a.pdf", f"{UNIT_A}/b.pdf"], 413, "lớn hơn giới hạn 0 MB")
    monkeypatch.setattr(archives, "MAX_MEMBER_BYTES", 1024 * 1024)  # one file (512 MB is too much for a test)
    refused([upload_file(bytes(1024 * 1024 + 1), "phim.mp4")], [f"{UNIT_A}/phim.mp4"], 413,
            f"Tệp «{UNIT_A}/phim.mp4» lớn hơn 1 MB")
    refused(*folder(UNIT_A), 400, "không nộp cả hai", archive=upload_file(zipped(UNIT_A)))


def test_a_locked_unit_takes_no_folder(people: People) -> None:
    Unit.objects.filter(pk=people.unit_a.pk).update(locked_at="2024-01-15T08:00:00+07:00", locked_by=people.council)
    response = send_folder(logged_in(people.clerk_a), people.unit_a, *folder(UNIT_A))
    assert response.status_code == 423 and "đã khóa hồ sơ" in response.content.decode()
    assert nothing_kept()


# ------------------------------------------------------------------------------- the self-assessment table


def test_a_table_sent_beside_a_folder_without_one_is_the_units(people: People) -> None:
    client = logged_in(people.clerk_a)
    files, paths = folder(UNIT_A, leave_out=(TABLE,))
    table = upload_file((BATCH / UNIT_A / TABLE).read_bytes(), TABLE)
    assert send_folder(client, people.unit_a, files, paths, table=table).status_code == 302
    apart = Submission.objects.get()
    assert apart.table_name == TABLE and (DATA / "archives" / apart.table_sha256).stat().st_mode & 0o777 == 0o400
    client.post(f"/units/{people.unit_a.code}/upload/", {"archive": upload_file(zipped(UNIT_A))})
    whole = Submission.objects.exclude(pk=apart.pk).get()
    # read as if it sat in the folder: the same report, to the scores and the explanations judged
    assert report(checked(apart.pk)) == report(checked(whole.pk))
    assert f"<dd>{TABLE} (nộp riêng)</dd>" in client.get(f"/submissions/{apart.pk}/").content.decode()


def test_a_table_sent_beside_an_archive_replaces_the_archives_own(people: People, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(BATCH / UNIT_A / TABLE)
    sheet = workbook.active
    assert sheet is not None and sheet["A9"].value == "1.1" and sheet["D9"].value == 2
    sheet["D9"] = 1.5  # the version the unit sends apart scores 1.1 lower
    given = tmp_path / "Bảng tự chấm điểm (bản nộp).xlsx"
    workbook.save(given)
    client = logged_in(people.clerk_a)
    sent = {"archive": upload_file(zipped(UNIT_A)), "table": upload_file(given.read_bytes(), given.name)}
    response = client.post(f"/units/{people.unit_a.code}/upload/", sent)
    assert response.status_code == 302
    written = report(checked(Submission.objects.get().pk))
    assert written["self_assessment"] == {"path": given.name}
    assert next(c for c in written["criteria"] if c["code"] == "1.1")["self_score"] == 1.5
    (choice,) = [f for f in written["findings"] if f["rule"] == "self-assessment-choice"]
    assert f"đã dùng “{given.name}” (bảng tự đánh giá được nộp riêng), không dùng “{TABLE}”" in choice["message"]


def test_a_table_in_another_format_is_refused(people: People) -> None:
    response = send_folder(logged_in(people.clerk_a), people.unit_a, *folder(UNIT_A),
                           table=upload_file(b"%PDF-1.7", "Bảng tự đánh giá.pdf"))
    assert response.status_code == 400
    assert "Tệp «Bảng tự đánh giá.pdf» không phải bảng tự đánh giá" in response.content.decode()
    assert nothing_kept()


def test_what_a_killed_server_left_in_tmp_is_removed_when_it_starts(tmp_path: Path) -> None:
    """A server killed in the middle of requests leaves their files in DATA/tmp (a file being received, a
    folder's zip being packed, an archive being inspected): the next `kiemchung serve` removes them before it
    serves, and keeps what the data folder holds besides."""
    data = tmp_path / "data"
    for name in ("upload-x1y2", "folder-a1b2.zip", "inspect-c3d4/a/1.pdf"):
        (data / "tmp" / name).parent.mkdir(parents=True, exist_ok=True)
        (data / "tmp" / name).write_bytes(b"half a file")
    (data / "tmp" / "upload-x1y2").chmod(0o400)  # as a received file is made read-only before it is stored
    (data / "archives").mkdir()
    (data / "archives" / ("0" * 64)).write_bytes(b"stored")
    server = Server(data, year=2023)
    try:
        assert list((data / "tmp").iterdir()) == []
        assert (data / "archives" / ("0" * 64)).read_bytes() == b"stored"
    finally:
        server.stop()


# ------------------------------------------------------------------------------------------------ progress


def test_progress_is_recorded_by_the_checks_callback(people: People) -> None:
    assert send_folder(logged_in(people.clerk_a), people.unit_a, *folder(UNIT_A)).status_code == 302
    (taken,) = claim()
    worker = threading.Thread(target=check_submissions, args=([taken], CHECK))
    started = time.monotonic()
    worker.start()
    seen: list[tuple[int, int]] = []
    while worker.is_alive():
        row = Submission.objects.values_list("progress_done", "progress_total").get(pk=taken.pk)
        if not seen or seen[-1] != row:
            seen.append(row)
        time.sleep(0.02)
    worker.join()
    elapsed = time.monotonic() - started
    connection.close()
    taken.refresh_from_db()
    assert taken.status == Status.DONE and (taken.progress_done, taken.progress_total) == (18, 18)
    counted = [row for row in seen if row[1]]
    assert counted[0][0] < 18 and counted[-1] == (18, 18), seen  # it moved, and ended at the total
    assert all(row[1] == 18 for row in counted) and [row[0] for row in counted] == sorted(row[0] for row in counted)
    assert len(counted) <= elapsed + 2, (seen, elapsed)  # written about once a second, not once a file
    log = (submission_folder(taken) / LOG).read_text("utf-8")
    assert "18/18 tệp · " in log  # the CLI's own lines, as ever, for whoever reads the log


# ---------------------------------------------------------------------------------------------- static files


def test_the_style_sheet_and_the_script_are_served_with_cache_headers(people: People) -> None:
    client = logged_in(people.clerk_a)
    page = client.get(f"/units/{people.unit_a.code}/").content.decode()
    css = re.search(r'href="(/static/web/style\.[0-9a-f]{12}\.css)"', page)
    js = re.search(r'src="(/static/web/upload\.[0-9a-f]{12}\.js)"', page)
    assert css and js  # names carrying a hash of the content: a new version is a new address
    anonymous = Client()
    for address, kind, source in ((css[1], "text/css", "style.css"), (js[1], "text/javascript", "upload.js")):
        served = anonymous.get(address)
        media_type, charset = served["Content-Type"].split("; ")
        assert served.status_code == 200 and media_type == kind and charset.replace('"', "") == "charset=utf-8"
        assert served["Cache-Control"] == "max-age=315360000, public, immutable"
        assert b"".join(served.streaming_content) == (STATIC / source).read_bytes()
        zipped_copy = anonymous.get(address, HTTP_ACCEPT_ENCODING="gzip")
        assert zipped_copy["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped_copy["Vary"]
    plain = anonymous.get("/static/web/upload.js")  # the name without its hash: kept a minute, then asked again
    assert plain.status_code == 200 and plain["Cache-Control"] == "max-age=60, public"


def test_no_upload_or_report_is_ever_served_as_a_static_file(people: People) -> None:
    assert send_folder(logged_in(people.clerk_a), people.unit_a, *folder(UNIT_A)).status_code == 302
    sha256 = Submission.objects.get().archive_sha256
    client = Client()
    for address in (f"/static/../archives/{sha256}", f"/static/%2e%2e/archives/{sha256}", f"/static/archives/{sha256}",
                    f"/static/..%2farchives/{sha256}", "/static/../secret-key", "/static/../kiemchung.sqlite3"):
        response = client.get(address)
        assert response.status_code == 404 and b"PK" not in response.content[:2], address
    collected = {path.relative_to(DATA / "static").parts[0] for path in (DATA / "static").rglob("*") if path.is_file()}
    assert collected == {"web", "admin", "staticfiles.json"}  # the packages' own files, and Django's manifest
