"""The API against a running server, as the provincial software and scripts meet it: `kiemchung serve` as a
process of its own, tokens from `kiemchung user add --token`, plain HTTP (urllib, a multipart upload, JSON bodies).

A clerk uploads the sample unit UBND xã Tân Lập and polls it to its report; another unit's clerk finds nothing
there; the council dismisses a finding and scores a criterion, and the final total moves; nobody without a token
gets anything. The routes' every refusal is tested in-process (tests/test_web.py, tests/test_web_api.py).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from tests.browser import BATCH, CHECK_SECONDS, UNSIGNED_COPY, Server, kiemchung, sample_server, zip_unit

UNIT = BATCH / "UBND xã Tân Lập"
CODE = "ubnd-xa-tan-lap"
_TOKEN = re.compile(r"Mã API \(chỉ hiện lần này, hãy lưu lại\): (\S+)")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the JSON answer
    headers: Message  # case-insensitive, as HTTP's names are


@dataclass(frozen=True)
class Live:
    server: Server
    tokens: dict[str, str]  # account name -> API token
    archive: Path


def call(live: Live, method: str, path: str, who: str | None, body: bytes | None = None,
         content_type: str = "application/json") -> Answer:
    """One HTTP request to the running server, as `who` (their token; None: no token)."""
    headers = {"Content-Type": content_type} if body is not None else {}
    if who is not None:
        headers["Authorization"] = f"Bearer {live.tokens[who]}"
    request = urllib.request.Request(live.server.url + path, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, json.loads(response.read()), response.headers)
    except urllib.error.HTTPError as refused:
        return Answer(refused.code, json.loads(refused.read()), refused.headers)


def upload(live: Live, code: str, who: str) -> Answer:
    """The archive posted as a multipart form, field `archive`, as curl -F does."""
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="archive"; filename="ho-so.zip"\r\n'
            "Content-Type: application/zip\r\n\r\n")
    body = head.encode() + live.archive.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    form = f"multipart/form-data; boundary={boundary}"
    return call(live, "POST", f"/api/v1/units/{code}/submissions", who, body, form)


def decide(live: Live, pk: int, route: str, decision: dict[str, Any]) -> Answer:
    return call(live, "POST", f"/api/v1/submissions/{pk}/{route}", "hoidong", json.dumps(decision).encode())


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    work = tmp_path_factory.mktemp("live-api")
    server = sample_server(work)
    try:
        tokens = {}
        for name, role, unit in (("tanlap", "clerk", UNIT.name), ("caoan", "clerk", "UBND xã Cao An"),
                                 ("hoidong", "council", None)):
            printed = kiemchung("user", "add", name, "--role", role, *(["--unit", unit] if unit else []), "--token",
                                "--data", str(server.data))
            token = _TOKEN.search(printed)
            assert token, printed
            tokens[name] = token.group(1)
        yield Live(server, tokens, zip_unit(UNIT, work / "ho-so.zip"))
    finally:
        server.stop()


def checked(live: Live, pk: int) -> Answer:
    """The submission polled until its check is over, as a script does it."""
    deadline = time.monotonic() + CHECK_SECONDS
    while time.monotonic() < deadline:
        answer = call(live, "GET", f"/api/v1/submissions/{pk}", "tanlap")
        if answer.body["status"] in ("done", "failed"):
            return answer
        time.sleep(1)
    raise AssertionError(f"submission {pk} not checked in {CHECK_SECONDS} s:\n{live.server.log()}")


def test_a_script_uploads_polls_and_the_council_decides(live: Live) -> None:
    queued = upload(live, CODE, "tanlap")
    assert queued.status == 201 and queued.body["status"] == "queued"
    pk = queued.body["id"]

    done = checked(live, pk)
    assert done.status == 200 and done.body["status"] == "done"
    assert done.body["progress"] == {"done": 18, "total": 18}
    report = done.body["report"]
    assert report["unit"] == UNIT.name and report["summary"]["recommended_score"] == 5.5
    zeroed = {criterion["code"] for criterion in report["criteria"] if criterion["zeroed"]}
    assert {"3.1", "8.1"} <= zeroed

    other = call(live, "GET", f"/api/v1/submissions/{pk}", "caoan")
    assert other.status == 404 and other.body["code"] == "not-found" and UNIT.name not in json.dumps(other.body)
    assert upload(live, CODE, "caoan").status == 404
    assert upload(live, CODE, "hoidong").status == 403
    assert call(live, "GET", "/api/v1/units", "caoan").body == {"units": [{"code": "ubnd-xa-cao-an",
                                                                          "name": "UBND xã Cao An"}]}

    dismissed = decide(live, pk, "decisions", {"code": "KC301", "criterion": None, "path": UNSIGNED_COPY,
                                               "verdict": "dismiss", "reason": "Bản sao đã có bản ký số trong hồ sơ"})
    assert dismissed.status == 201  # the unsigned copy's KC301 is there to dismiss (else 400 unknown-finding)
    scored = decide(live, pk, "scores", {"criterion": "8.1", "score": "1,5", "reason": "Đủ tài liệu kiểm chứng"})
    assert scored.status == 201 and scored.body["review"]["totals"] == {"self": 46.0, "recommended": 5.5,
                                                                        "final": 7.0}
    assert decide(live, pk, "scores", {"criterion": "8.1", "score": 9, "reason": "x"}).body["code"] == "invalid-score"
    seen_by_clerk = checked(live, pk).body["review"]
    assert seen_by_clerk == scored.body["review"]
    assert {(f["code"], f["verdict"]) for f in seen_by_clerk["findings"] if f["verdict"]} == {("KC301", "dismiss")}


def test_nothing_without_a_valid_token(live: Live) -> None:
    for who, tokens in ((None, live.tokens), ("tanlap", {**live.tokens, "tanlap": "kc_not-a-token"})):
        refused = call(Live(live.server, tokens, live.archive), "GET", "/api/v1/units", who)
        assert refused.status == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
        assert refused.body["code"] == "invalid-token" and "Authorization: Bearer" in refused.body["error"]
