"""The web service as its users meet it: who sees what (every view and API route), an upload checked in the
background by the CLI's own code, hostile uploads refused, CSRF, login limits, headers, `kiemchung user add`.

Django runs on a real SQLite database in a temporary data folder; archives are made with zipfile from the
sample batch; one real check (one sample unit, no OCR, no cache) runs in the worker's child process.
"""

from __future__ import annotations

import atexit
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiemchung.web.boot import start_django

DATA = Path(tempfile.mkdtemp(prefix="kiemchung-web-test-"))
atexit.register(shutil.rmtree, DATA, ignore_errors=True)
start_django(DATA)

from django.conf import global_settings  # noqa: E402
from django.contrib.auth import authenticate  # noqa: E402  (Django is set up above, on DATA)
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from kiemchung.pipeline.cli import main  # noqa: E402
from kiemchung.web.accounts import add_user  # noqa: E402
from kiemchung.web.job import CheckSettings  # noqa: E402
from kiemchung.web.models import ApiToken, Membership, Status, Submission, Unit  # noqa: E402
from kiemchung.web.worker import check_submissions, claim, requeue_interrupted  # noqa: E402

setup_test_environment()  # the test client's host name, as Django's own runner allows it
# Accounts are made in every test: a fast hash here; the service keeps Django's default (PBKDF2, tested below).
override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()

ROOT = Path(__file__).resolve().parent.parent
BATCH = ROOT / "samples" / "batch"
UNIT_A, UNIT_B = "UBND xã Tân Lập", "UBND xã Cao An"
CHECK = CheckSettings(year=2023, ocr=False, no_cache=True, jobs=1)
REPORT_FILES = ("report.html", "report.json", "report.xlsx", "report.docx")


@dataclass
class People:
    clerk_a: User
    clerk_b: User
    council: User
    admin: User
    tokens: dict[str, str]  # user name -> API token
    unit_a: Unit
    unit_b: Unit


@pytest.fixture(autouse=True)
def fresh_service() -> Iterator[None]:
    """Each test on an empty database, data folder and login counter (ids are reused after a flush)."""
    yield
    call_command("flush", interactive=False, verbosity=0)
    cache.clear()
    for folder in ("archives", "reports"):
        shutil.rmtree(DATA / folder)
        (DATA / folder).mkdir()


@pytest.fixture
def people() -> People:
    tokens = {}
    for name, role, unit in (("clerk_a", "clerk", UNIT_A), ("clerk_b", "clerk", UNIT_B), ("council", "council", None),
                             ("admin", "admin", None)):
        account = add_user(name, role, unit, token=True)
        assert account.token
        tokens[name] = account.token
    Membership.objects.update(must_change_password=False)
    users = {user.username: user for user in User.objects.all()}
    return People(users["clerk_a"], users["clerk_b"], users["council"], users["admin"], tokens,
                  Unit.objects.get(name=UNIT_A), Unit.objects.get(name=UNIT_B))


def zipped(unit: str) -> bytes:
    """A sample unit's folder as a clerk zips it: the folder itself at the top."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((BATCH / unit).rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(BATCH).as_posix())
    return buffer.getvalue()


def upload_file(content: bytes, name: str = "ho-so.zip") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def logged_in(user: User, **options: Any) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def checked_submission(unit: Unit, user: User) -> Submission:
    """A submission whose check is done, with report files of its own (for the permission matrix)."""
    submission = Submission.objects.create(unit=unit, uploader=user, archive_sha256="0" * 64,
                                           archive_name="ho-so.zip", archive_size=1, status=Status.DONE)
    folder = DATA / "reports" / str(submission.pk) / "out" / unit.name
    folder.mkdir(parents=True)
    for name in REPORT_FILES:
        (folder / name).write_text(json.dumps(tiny_report(unit.name)) if name.endswith(".json") else unit.name, "utf-8")
    submission.report_folder = str(folder.relative_to(DATA))
    submission.save()
    return submission


def tiny_report(unit: str) -> dict[str, Any]:
    """The least report.json the pages read: a unit with no criteria, no evidence, no findings."""
    summary = {"self_score": None, "recommended_score": None, "points_at_risk": None}
    return {"unit": unit, "summary": summary, "criteria": [], "evidence": [], "findings": []}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# ------------------------------------------------------------------------------------------------ who sees what

PAGES = {  # route name -> (method, address of unit B's data)
    "unit": ("get", "/units/{code}/"),
    "upload": ("post", "/units/{code}/upload/"),
    "lock": ("post", "/units/{code}/lock/"),
    "unlock": ("post", "/units/{code}/unlock/"),
    "submission": ("get", "/submissions/{id}/"),
    "report_file": ("get", "/submissions/{id}/report/{file}"),
    "decide": ("post", "/submissions/{id}/decide/"),  # the council's review (tests/test_web_review.py)
    "score": ("post", "/submissions/{id}/score/"),
}
API = {
    "api_submit": ("post", "/api/v1/units/{code}/submissions"),
    "api_submission": ("get", "/api/v1/submissions/{id}"),
    "api_decisions": ("post", "/api/v1/submissions/{id}/decisions"),  # the council's review (tests/test_web_api.py)
    "api_scores": ("post", "/api/v1/submissions/{id}/scores"),
}
WHOLE_BATCH = {  # route name -> (method, address): every unit at once, the council and administrators only
    "lock_batch": ("post", "/batch/lock/"),  # tests/test_web_rounds.py
    "unlock_batch": ("post", "/batch/unlock/"),
    "dashboard": ("get", "/dashboard/"),  # tests/test_web_review.py
    "dashboard_export": ("get", "/dashboard/export.xlsx"),
}
PUBLIC = {"login", "logout", "password", None}  # None: the admin (its own permissions) and the style sheets


def test_the_matrix_covers_every_route() -> None:
    names = {getattr(pattern, "name", None) for pattern in get_resolver().url_patterns}  # the admin: a resolver
    assert names - PUBLIC == set(PAGES) | set(API) | set(WHOLE_BATCH) | {"units", "api_units"}


def addresses(routes: dict[str, tuple[str, str]], submission: Submission) -> list[tuple[str, str]]:
    """Every route's address for `submission` (each report file for report_file)."""
    files = REPORT_FILES if routes is PAGES else ("",)
    return sorted({(method, address.format(code=submission.unit.code, id=submission.pk, file=name))
                   for method, address in routes.values() for name in files})


def test_anonymous_users_are_sent_to_login_and_the_api_answers_401(people: People) -> None:
    theirs = checked_submission(people.unit_b, people.clerk_b)
    client = Client()
    for method, address in [*addresses(PAGES, theirs), *WHOLE_BATCH.values(), ("get", "/")]:
        response = getattr(client, method)(address)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), address
    for method, address in [*addresses(API, theirs), ("get", "/api/v1/units")]:
        assert getattr(client, method)(address).status_code == 401, address
        assert getattr(client, method)(address, **bearer("kc_not-a-token")).status_code == 401, address


def test_a_clerk_never_sees_another_units_submissions_or_reports(people: People) -> None:
    theirs = checked_submission(people.unit_b, people.clerk_b)
    client = logged_in(people.clerk_a)
    for method, address in addresses(PAGES, theirs):
        response = getattr(client, method)(address)
        assert response.status_code == 404, address
        assert UNIT_B not in response.content.decode(), address
    for method, address in addresses(API, theirs):
        response = getattr(client, method)(address, **bearer(people.tokens["clerk_a"]))
        assert response.status_code == 404 and UNIT_B not in response.content.decode(), address
    assert UNIT_B not in client.get("/").content.decode()
    listed = client.get("/api/v1/units", **bearer(people.tokens["clerk_a"])).json()
    assert listed == {"units": [{"code": people.unit_a.code, "name": UNIT_A}]}


def test_a_clerk_sees_their_own_unit(people: People) -> None:
    own = checked_submission(people.unit_a, people.clerk_a)
    client = logged_in(people.clerk_a)
    for method, address in addresses(PAGES, own):
        response = getattr(client, method)(address)
        # an upload without a file is refused; locking is the council's
        expected = 200 if method == "get" else 400 if address.endswith("/upload/") else 403
        assert response.status_code == expected, address
    for method, address in WHOLE_BATCH.values():
        assert getattr(client, method)(address).status_code == 403, address
    for method, address in addresses(API, own):
        response = getattr(client, method)(address, **bearer(people.tokens["clerk_a"]))
        # an upload without a file is refused; deciding is the council's
        expected = 200 if method == "get" else 400 if address.endswith("/submissions") else 403
        assert response.status_code == expected, address
    assert not Unit.objects.filter(locked_at__isnull=False).exists()
    served = client.get(f"/submissions/{own.pk}/report/report.json").getvalue()
    assert served == json.dumps(tiny_report(UNIT_A)).encode()
    answer = client.get(f"/api/v1/submissions/{own.pk}", **bearer(people.tokens["clerk_a"])).json()
    assert answer["status"] == "done" and answer["report"] == tiny_report(UNIT_A)


@pytest.mark.parametrize("role", ["council", "admin"])
def test_the_council_and_administrators_see_every_unit(people: People, role: str) -> None:
    user = people.council if role == "council" else people.admin
    client = logged_in(user)
    for unit, clerk in ((people.unit_a, people.clerk_a), (people.unit_b, people.clerk_b)):
        shown = checked_submission(unit, clerk)
        for method, address in addresses(PAGES, shown):
            if method == "get":
                assert client.get(address).status_code == 200, address
        answer = client.get(f"/api/v1/submissions/{shown.pk}", **bearer(people.tokens[role]))
        assert answer.json()["report"] == tiny_report(unit.name)
        for route in ("decisions", "scores"):  # an empty body: refused as such to the council, 403 to the admin
            response = client.post(f"/api/v1/submissions/{shown.pk}/{route}", **bearer(people.tokens[role]))
            assert response.status_code == (400 if role == "council" else 403), route
    listed = client.get("/api/v1/units", **bearer(people.tokens[role])).json()["units"]
    assert {unit["name"] for unit in listed} == {UNIT_A, UNIT_B}
    assert {UNIT_A, UNIT_B} <= set(re.findall(r">(UBND [^<]+)</a>", client.get("/").content.decode()))


def test_a_council_member_of_a_batch_sees_locks_and_ranks_its_units_only(people: People) -> None:
    """A council per batch ("Cấp xã 2025"): the other batches' units do not exist for its members."""
    main(["user", "add", "lan", "--role", "council", "--batch", "Cấp xã 2025", "--data", str(DATA)])
    Membership.objects.update(must_change_password=False)
    member = Membership.objects.select_related("batch", "user").get(user__username="lan")
    assert member.batch is not None and member.batch.code == "cap-xa-2025"
    Unit.objects.filter(pk=people.unit_a.pk).update(batch=member.batch)
    token = ApiToken.issue(member.user)
    client = logged_in(member.user)
    theirs, own = checked_submission(people.unit_b, people.clerk_b), checked_submission(people.unit_a, people.clerk_a)
    for method, address in addresses(PAGES, theirs):
        response = getattr(client, method)(address)
        assert response.status_code == 404 and UNIT_B not in response.content.decode(), address
    for method, address in addresses(API, theirs):
        response = getattr(client, method)(address, **bearer(token))
        assert response.status_code == 404 and UNIT_B not in response.content.decode(), address
    assert client.get(f"/submissions/{own.pk}/").status_code == 200
    page = client.get("/").content.decode()
    assert "Đơn vị — Cấp xã 2025" in page and UNIT_A in page and UNIT_B not in page
    assert client.get("/api/v1/units", **bearer(token)).json() == {"units": [{"code": people.unit_a.code,
                                                                            "name": UNIT_A}]}
    assert UNIT_B not in client.get("/dashboard/").content.decode()

    assert client.post("/batch/lock/").status_code == 302
    assert {unit.name: unit.locked for unit in Unit.objects.all()} == {UNIT_A: True, UNIT_B: False}


def test_the_council_reviews_but_does_not_upload(people: People) -> None:
    client = logged_in(people.council)
    response = client.post(f"/units/{people.unit_b.code}/upload/", {"archive": upload_file(zipped(UNIT_B))})
    assert response.status_code == 403
    response = client.post(f"/api/v1/units/{people.unit_b.code}/submissions",
                           {"archive": upload_file(zipped(UNIT_B))}, **bearer(people.tokens["council"]))
    assert response.status_code == 403
    assert not Submission.objects.exists()


# ------------------------------------------------------------------------------------ upload, check, report


def test_an_upload_is_checked_in_the_background_and_its_report_served(people: People) -> None:
    client = logged_in(people.clerk_a)
    content = zipped(UNIT_A)
    response = client.post(f"/units/{people.unit_a.code}/upload/", {"archive": upload_file(content)})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert response["Location"] == f"/submissions/{submission.pk}/"
    stored = DATA / "archives" / submission.archive_sha256
    assert stored.read_bytes() == content and stored.stat().st_mode & 0o777 == 0o400
    page = client.get(response["Location"]).content.decode()
    assert "Đang chờ kiểm tra" in page and 'http-equiv="refresh"' in page

    taken = claim()
    assert taken == [submission] and claim() == []
    check_submissions(taken, CHECK)

    submission.refresh_from_db()
    assert submission.status == Status.DONE, submission.message
    assert submission.progress_total == submission.progress_done == 18
    folder = DATA / submission.report_folder
    assert folder.name == UNIT_A and stored.read_bytes() == content  # the stored archive is unchanged
    written = json.loads((folder / "report.json").read_text("utf-8"))
    answer = client.get(f"/api/v1/submissions/{submission.pk}", **bearer(people.tokens["clerk_a"])).json()
    assert answer["status"] == "done" and answer["progress"] == {"done": 18, "total": 18}
    assert answer["report"] == written
    assert client.get(f"/submissions/{submission.pk}/report/report.json").getvalue() == (
        folder / "report.json").read_bytes()

    page = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Đã kiểm tra xong" in page and "http-equiv" not in page
    assert f'src="/submissions/{submission.pk}/report/report.html"' in page
    report = client.get(f"/submissions/{submission.pk}/report/report.html")
    assert report["Content-Security-Policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
    html = report.getvalue().decode()
    zeroed = [criterion["code"] for criterion in written["criteria"] if criterion["zeroed"]]
    assert zeroed and all(f'class="zeroed-link">{code}<' in html for code in zeroed)
    download = client.get(f"/submissions/{submission.pk}/report/report.xlsx")
    assert download["Content-Disposition"].startswith("attachment") and download.getvalue()[:2] == b"PK"


def test_the_api_queues_an_upload(people: People) -> None:
    client = Client()
    response = client.post(f"/api/v1/units/{people.unit_a.code}/submissions",
                           {"archive": upload_file(zipped(UNIT_A))}, **bearer(people.tokens["clerk_a"]))
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert response.json() == {"id": submission.pk, "status": "queued"}
    answer = client.get(f"/api/v1/submissions/{submission.pk}", **bearer(people.tokens["clerk_a"])).json()
    assert answer["status"] == "queued" and answer["progress"] == {"done": 0, "total": 0} and answer["report"] is None


def test_work_interrupted_by_a_restart_is_queued_again(people: People) -> None:
    reading = checked_submission(people.unit_a, people.clerk_a)
    Submission.objects.filter(pk=reading.pk).update(status=Status.READING, progress_done=3, progress_total=9)
    assert requeue_interrupted() == 1
    reading.refresh_from_db()
    assert (reading.status, reading.progress_done, reading.started) == (Status.QUEUED, 0, None)
    assert claim() == [reading] and claim() == []


# -------------------------------------------------------------------------------------------- hostile uploads


def refusal(people: People, content: bytes, name: str = "ho-so.zip") -> tuple[int, str, int, str]:
    """The page's and the API's answer to an upload: (status, text) each."""
    page = logged_in(people.clerk_a).post(f"/units/{people.unit_a.code}/upload/",
                                          {"archive": upload_file(content, name)})
    api = Client().post(f"/api/v1/units/{people.unit_a.code}/submissions", {"archive": upload_file(content, name)},
                        **bearer(people.tokens["clerk_a"]))
    return page.status_code, page.content.decode(), api.status_code, api.json()["error"]


def test_a_file_that_is_not_an_archive_is_refused(people: People) -> None:
    pdf = next((BATCH / UNIT_A).rglob("*.pdf")).read_bytes()
    expectations = (("ho-so.zip", "không phải tệp nén .zip, .rar, .7z hợp lệ"), ("ho-so.pdf", "không phải tệp nén"))
    for name, expected in expectations:
        page_status, page, api_status, api = refusal(people, pdf, name)
        assert (page_status, api_status) == (400, 400)
        assert expected in page and expected in api
    assert not Submission.objects.exists() and not any((DATA / "archives").iterdir())


def test_an_archive_with_a_name_leaving_it_is_refused(people: People) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("1.1/ke-hoach.txt", "evidence")
        archive.writestr("../../ngoai.txt", "outside")
    page_status, page, api_status, api = refusal(people, buffer.getvalue())
    assert (page_status, api_status) == (400, 400)
    assert "ho-so.zip!/ngoai.txt" in api and "không an toàn" in api and "không an toàn" in page
    assert not Submission.objects.exists() and not (DATA / "ngoai.txt").exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(people: People) -> None:
    with override_settings(KIEMCHUNG_MAX_UPLOAD_BYTES=1000):
        page_status, page, api_status, api = refusal(people, b"PK" + bytes(2 * 1024 * 1024))
    assert (page_status, api_status) == (413, 413)
    assert "lớn hơn giới hạn" in page and "lớn hơn giới hạn" in api
    assert not Submission.objects.exists()


def test_a_unit_cannot_flood_the_queue(people: People) -> None:
    content = zipped(UNIT_A)
    client = logged_in(people.clerk_a)
    statuses = [client.post(f"/units/{people.unit_a.code}/upload/", {"archive": upload_file(content)}).status_code
                for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len({submission.archive_sha256 for submission in Submission.objects.all()}) == 1  # stored once


def test_upload_refusals_through_the_api_carry_a_stable_code(people: People) -> None:
    """Every refused upload: the message in Vietnamese for the clerk and, through the API, a code in English for
    the script, as the API's other refusals."""
    unsafe = io.BytesIO()
    with zipfile.ZipFile(unsafe, "w") as archive:
        archive.writestr("../../ngoai.txt", "outside")
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    client, token = Client(), bearer(people.tokens["clerk_a"])

    def sent(fields: dict[str, Any]) -> tuple[int, str, str]:
        response = client.post(f"/api/v1/units/{people.unit_a.code}/submissions", fields, **token)
        answer = response.json()
        assert set(answer) == {"error", "code"}, answer
        assert "hãy" in answer["error"].lower() and not response.content.isascii(), answer  # what to do, as written
        return response.status_code, answer["code"], answer["error"]

    pdf = next((BATCH / UNIT_A).rglob("*.pdf")).read_bytes()
    assert sent({})[:2] == (400, "no-file")
    assert sent({"archive": upload_file(pdf, "ho-so.pdf")})[:2] == (400, "not-an-archive")
    assert sent({"archive": upload_file(pdf)})[:2] == (400, "damaged-archive")
    assert sent({"archive": upload_file(unsafe.getvalue())})[:2] == (400, "unsafe-archive")
    assert sent({"archive": upload_file(empty.getvalue())})[:2] == (400, "empty-archive")
    with override_settings(KIEMCHUNG_MAX_UPLOAD_BYTES=1000):
        assert sent({"archive": upload_file(b"PK" + bytes(2000))})[:2] == (413, "too-large")  # read, then refused
        assert sent({"archive": upload_file(b"PK" + bytes(2 * 1024 * 1024))})[:2] == (413, "too-large")  # unread
    for _ in range(3):
        assert client.post(f"/api/v1/units/{people.unit_a.code}/submissions",
                           {"archive": upload_file(zipped(UNIT_A))}, **token).status_code == 201
    status, code, message = sent({"archive": upload_file(zipped(UNIT_A))})
    assert (status, code) == (429, "too-many-waiting") and "đang chờ kiểm tra" in message
    Unit.objects.filter(pk=people.unit_a.pk).update(locked_at="2024-01-15T08:00:00+07:00", locked_by=people.council)
    status, code, message = sent({"archive": upload_file(zipped(UNIT_A))})
    assert (status, code) == (423, "locked") and "đã khóa hồ sơ" in message
    assert Submission.objects.count() == 3


# ----------------------------------------------------------------------------------- CSRF, login, headers


def test_every_form_needs_its_csrf_token(people: People) -> None:
    client = logged_in(people.clerk_a, enforce_csrf_checks=True)
    upload = f"/units/{people.unit_a.code}/upload/"
    refused = client.post(upload, {"archive": upload_file(zipped(UNIT_A))})
    assert refused.status_code == 403 and "Hãy tải lại trang" in refused.content.decode()  # in Vietnamese
    assert client.post("/logout/").status_code == 403
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "clerk_a", "password": "x"}).status_code == 403
    client.get(f"/units/{people.unit_a.code}/")
    token = client.cookies["csrftoken"].value
    response = client.post(upload, {"archive": upload_file(zipped(UNIT_A)), "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Submission.objects.count() == 1


def test_logins_are_refused_after_repeated_failures() -> None:
    add_user("lan", "council", token=False)
    user = User.objects.get(username="lan")
    user.set_password("mật-khẩu-đúng-1")
    user.save()
    client = Client()
    for _ in range(5):
        assert client.post("/login/", {"username": "lan", "password": "sai"}).status_code == 200
    response = client.post("/login/", {"username": "lan", "password": "mật-khẩu-đúng-1"})
    assert response.status_code == 429 and "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_shares_the_limit_and_its_counter(people: People) -> None:
    people.admin.set_password("mật-khẩu-đúng-1")
    people.admin.save()
    client = Client()
    for _ in range(3):  # failures on the pages' login count for the admin's, and the other way round
        assert client.post("/login/", {"username": "admin", "password": "sai"}).status_code == 200
    for _ in range(2):
        assert client.post("/admin/login/", {"username": "admin", "password": "sai"}).status_code == 200
    for address in ("/admin/login/", "/login/"):
        response = client.post(address, {"username": "admin", "password": "mật-khẩu-đúng-1"})
        assert response.status_code == 429 and "Đăng nhập sai quá nhiều lần" in response.content.decode(), address
    assert "_auth_user_id" not in client.session
    cache.clear()  # the window over
    response = client.post("/admin/login/", {"username": "admin", "password": "mật-khẩu-đúng-1", "next": "/admin/"})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


def test_admin_login_failures_from_one_address_are_limited_whatever_the_name(people: People) -> None:
    client = Client()
    for name in ("admin", "root", "quantri", "council", "clerk_a"):
        assert client.post("/admin/login/", {"username": name, "password": "sai"}).status_code == 200
    assert client.post("/admin/login/", {"username": "khac", "password": "sai"}).status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert elsewhere.post("/admin/login/", {"username": "khac", "password": "x"}).status_code == 200


def test_the_one_time_password_is_changed_at_the_first_login(people: People) -> None:
    account = add_user("minh", "clerk", UNIT_A)
    client = Client()
    assert client.post("/login/", {"username": "minh", "password": account.password}).status_code == 302
    assert client.get(f"/units/{people.unit_a.code}/")["Location"] == "/password/"
    new = "Hồ-sơ-CCHC-2024!"
    response = client.post("/password/", {"old_password": account.password, "new_password1": new,
                                          "new_password2": new})
    assert response.status_code == 302
    assert client.get(f"/units/{people.unit_a.code}/").status_code == 200
    assert authenticate(username="minh", password=new) is not None


def test_pages_carry_the_security_headers(people: People) -> None:
    for response in (Client().get("/login/"), logged_in(people.clerk_a).get(f"/units/{people.unit_a.code}/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)  # the service's own files, no inline code
        assert all(re.search(r'src="/static/web/[\w.]+\.js"', attributes) and not body for attributes, body in scripts)
        assert html.count("<script") == len(scripts) and not re.search(r"\son[a-z]+=", html)
    assert Client().get("/static/web/style.css").status_code == 200


def test_sessions_end_after_a_working_day_and_passwords_are_hashed_by_django() -> None:
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    from kiemchung.web import settings as service

    assert not hasattr(service, "PASSWORD_HASHERS")  # Django's default: PBKDF2-SHA256, salted
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        account = add_user("thu", "council")
        stored = User.objects.get(username="thu").password
    assert stored.startswith("pbkdf2_sha256$") and account.password not in stored


# ------------------------------------------------------------------------------------------ the command line


def test_user_add_prints_a_one_time_password_and_a_token() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["user", "add", "hoa", "--role", "clerk", "--unit", UNIT_B, "--token", "--data", str(DATA)])
    assert code == 0
    printed = out.getvalue()
    unit = Unit.objects.get(name=UNIT_B)
    assert f"Đã tạo đơn vị {UNIT_B} (mã {unit.code})" in printed and unit.code == "ubnd-xa-cao-an"
    password = re.search(r"Mật khẩu dùng một lần: (\S+)", printed)
    token = re.search(r"Mã API \(chỉ hiện lần này, hãy lưu lại\): (\S+)", printed)
    assert password and token
    user = authenticate(username="hoa", password=password.group(1))
    assert user is not None and not user.is_staff
    assert Membership.objects.get(user=user).unit == unit
    assert ApiToken.objects.get(user=user).digest == ApiToken.hash(token.group(1))  # only the hash is kept
    listed = Client().get("/api/v1/units", **bearer(token.group(1))).json()
    assert listed == {"units": [{"code": "ubnd-xa-cao-an", "name": UNIT_B}]}


def test_user_add_refuses_a_clerk_without_a_unit_and_a_name_taken(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "hoa", "--role", "clerk", "--data", str(DATA)]) == 2
    assert "cần --unit" in capsys.readouterr().err
    assert main(["user", "add", "hoa", "--role", "council", "--data", str(DATA)]) == 0
    assert main(["user", "add", "hoa", "--role", "council", "--data", str(DATA)]) == 2
    assert "đã có người dùng 'hoa'" in capsys.readouterr().err
    assert main(["user", "add", "root2", "--role", "admin", "--batch", "Cấp xã 2025", "--data", str(DATA)]) == 2
    assert "quản trị viên không thuộc đợt thẩm định nào" in capsys.readouterr().err


def test_user_add_puts_a_clerk_s_new_unit_in_the_batch_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "hoa", "--role", "clerk", "--unit", UNIT_A, "--batch", "Cấp xã 2025",
                 "--data", str(DATA)]) == 0
    printed = capsys.readouterr().out
    assert "Đã tạo đợt thẩm định Cấp xã 2025 (mã cap-xa-2025)" in printed and f"Đã tạo đơn vị {UNIT_A}" in printed
    assert Unit.objects.get(name=UNIT_A).batch.name == "Cấp xã 2025"  # type: ignore[union-attr]
    main(["user", "add", "nam", "--role", "clerk", "--unit", UNIT_B, "--data", str(DATA)])  # no batch
    assert main(["user", "add", "mai", "--role", "clerk", "--unit", UNIT_B, "--batch", "cap-xa-2025",
                 "--data", str(DATA)]) == 2
    assert f"đơn vị '{UNIT_B}' chưa thuộc đợt nào, không thuộc đợt 'Cấp xã 2025'" in capsys.readouterr().err
    assert not Membership.objects.filter(user__username="mai").exists()


def test_the_check_command_does_not_load_django() -> None:
    code = "import sys\nfrom kiemchung.pipeline.cli import main\nmain(['rules'])\nassert 'django' not in sys.modules\n"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_the_migrations_describe_the_models() -> None:
    """A model changed without its migration would fail at the first start on a real database."""
    call_command("makemigrations", "web", check=True, dry_run=True, verbosity=0)
