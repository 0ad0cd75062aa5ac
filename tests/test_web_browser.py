"""The web service end to end, in a real browser: `kiemchung serve` running as a process of its own, accounts
made with `kiemchung user add`, headless Chromium (Selenium, the system's chromedriver) doing what people do.

A clerk signs in (choosing their own password first), uploads their unit's zipped folder through the page's
form and watches the page until the check is over; another unit's clerk is refused that unit's pages; the
council dismisses a finding and scores a criterion; the clerk uploads a second round and sees what changed.
One server, one set of accounts and one first round serve the whole module (tests/browser.py).

The sample unit UBND xã Tân Lập, checked without OCR and without trust roots, as in tests/test_web*.py:
recommended total 5,5 of a self-assessed 46; 3.1 is zeroed by a notice whose date was left blank; 8.1 by an
unsigned copy (and a truncated file).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.browser import (
    BATCH,
    ONLY_EVIDENCE_OF_1_4,
    UNSIGNED_COPY,
    Person,
    Server,
    browser_missing,
    sample_server,
    zip_unit,
)

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

UNIT = BATCH / "UBND xã Tân Lập"
OTHER_UNIT = "UBND xã Cao An"
CODE = "ubnd-xa-tan-lap"
ARCHIVE_NAME = "Hồ sơ CCHC 2023 - Tân Lập.zip"  # the name the clerk gave the file, shown on the pages
PASSWORDS = {"tanlap": "Tân-Lập-CCHC-2023!", "caoan": "Cao-An-CCHC-2023!", "hoidong": "Hội-đồng-thẩm-định-1"}


@dataclass(frozen=True)
class Service:
    server: Server
    people: dict[str, Person]  # signed in, their own password chosen
    first_asked: dict[str, str]  # the heading of the page each was sent to after the first login


@dataclass(frozen=True)
class Round:
    pk: int
    progress: list[str]  # what the page showed while it was being checked: "status | progress"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service with a clerk of Tân Lập, a clerk of Cao An and a council member, each at their browser."""
    work = tmp_path_factory.mktemp("browser")
    server = sample_server(work)
    people: dict[str, Person] = {}
    try:
        accounts = (("tanlap", "clerk", UNIT.name), ("caoan", "clerk", OTHER_UNIT), ("hoidong", "council", None))
        asked = {}
        for name, role, unit in accounts:
            one_time = server.add_user(name, role, unit)
            people[name] = Person(server.url, name)
            asked[name] = people[name].sign_in(one_time, PASSWORDS[name])
        yield Service(server, people, asked)
    finally:
        for person in people.values():
            person.quit()
        server.stop()


@pytest.fixture(scope="module")
def first_round(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Round:
    """The clerk's first upload of the unit, through the page's form, watched until it is checked."""
    clerk = service.people["tanlap"]
    pk = clerk.upload(CODE, zip_unit(UNIT, tmp_path_factory.mktemp("round-1") / ARCHIVE_NAME))
    return Round(pk, clerk.wait_until_checked())


def test_a_clerk_uploads_the_units_folder_and_reads_the_report(service: Service, first_round: Round) -> None:
    assert service.first_asked["tanlap"] == "Đặt mật khẩu của bạn"  # the printed password was one-time
    clerk = service.people["tanlap"]
    assert clerk.driver.current_url == f"{service.server.url}/submissions/{first_round.pk}/"
    # Sent to the page at once: waiting, then read file by file, the page reloading itself until done
    assert first_round.progress[0].split(" | ")[0] in ("Đang chờ kiểm tra", "Đang kiểm tra")
    assert first_round.progress[-1] == "Đã kiểm tra xong | 18/18 tệp", first_round.progress
    assert len(first_round.progress) >= 2
    progress = clerk.find("dl.facts progress")
    assert (progress.get_attribute("value"), progress.get_attribute("max")) == ("18", "18")
    assert (clerk.fact("Tệp") or "").startswith(f"{ARCHIVE_NAME} (")  # the name the clerk gave, then its size
    assert "Trang tự cập nhật" not in clerk.text("main")
    assert clerk.fact("Tổng điểm tự đánh giá") == "46" and clerk.fact("Tổng điểm đề xuất") == "5,5"
    assert clerk.cells(clerk.row("table.scores", "3.1 "))[:4] == ["3", "3", "0", "0"]  # max, self, recommended, final
    assert clerk.cells(clerk.row("table.scores", "1.2 "))[:4] == ["1,5", "1,5", "1,5", "1,5"]

    # The report itself, in the page's frame: 3.1 falls to 0, with the finding and the quoted line that proves it
    clerk.driver.switch_to.frame(clerk.find('iframe[title="Báo cáo kiểm tra"]'))
    try:
        criterion = clerk.find('article[id="tc-3.1"]')
        assert "0 điểm" in clerk.find("header", criterion).text
        assert "Điểm tự đánh giá: 3 · Điểm đề xuất: 0" in clerk.find("p.scores", criterion).text
        finding = clerk.find('li.finding[data-code="KC203"]', criterion)
        assert "Thiếu ngày ban hành" in finding.text
        assert "Ngày ban hành để trống phần ngày, tháng: “Tân Lập, ngày tháng năm 2023”." in finding.text
        assert clerk.find("q.proof", finding).text == "Tân Lập, ngày tháng năm 2023"  # quoted from page 1
        assert clerk.fact("Trang", "li.finding[data-code='KC203'] dl.facts") == "1"
        assert "TC 3.1 - Công khai TTHC/28-TB-UBND.pdf" in criterion.text
    finally:
        clerk.driver.switch_to.default_content()


def test_another_units_clerk_is_refused_that_units_pages(service: Service, first_round: Round) -> None:
    other = service.people["caoan"]
    assert other.open("/") == 200
    assert OTHER_UNIT in other.text("main") and UNIT.name not in other.text("main")
    refused = [
        f"/units/{CODE}/",
        f"/submissions/{first_round.pk}/",
        *(
            f"/submissions/{first_round.pk}/report/{name}"
            for name in ("report.html", "report.json", "report.xlsx", "report.docx")
        ),
    ]
    for path in refused:
        assert other.open(path) == 404, path
        page = other.text("main")
        assert page.startswith("Không tìm thấy, hoặc bạn không có quyền xem."), path
        assert UNIT.name not in page and ARCHIVE_NAME not in page and "5,5" not in page, path
    assert other.open("/units/ubnd-xa-cao-an/") == 200  # their own unit opens
    assert other.text("h1") == OTHER_UNIT


def test_the_council_dismisses_a_finding_and_scores_the_criterion(service: Service, first_round: Round) -> None:
    council = service.people["hoidong"]
    assert council.open(f"/submissions/{first_round.pk}/") == 200
    assert council.fact("Tổng điểm thẩm định") == "5,5"
    reason = "Bản sao trùng với văn bản đã ký số, không cần ký lại"
    finding = council.row("table.findings", f"Tệp {UNSIGNED_COPY}")
    assert "KC301 Không có chữ ký số" in finding.text and "chưa xem xét" in finding.text
    council.dismiss(f"Tệp {UNSIGNED_COPY}", reason)

    finding = council.row("table.findings", f"Tệp {UNSIGNED_COPY}")
    assert f"đã bác bỏ: {reason}" in finding.text
    assert "bác bỏ 1)" in council.text("section.review h3:nth-of-type(2)")
    # dismissing does not score by itself: the council gives 8.1 its score, in Vietnamese notation
    assert council.fact("Tổng điểm thẩm định") == "5,5"
    council.set_score("8.1", "1,5", "Văn bản gốc đã ký số; trừ 0,5 điểm vì nộp bản sao không ký")

    assert council.cells(council.row("table.scores", "8.1 "))[:4] == ["2", "2", "0", "1,5 (Hội đồng)"]
    assert council.fact("Tổng điểm đề xuất") == "5,5"
    assert council.fact("Tổng điểm thẩm định") == "7"  # 5,5 + 1,5

    clerk = service.people["tanlap"]  # the unit's clerk reads the decisions, and cannot take any
    clerk.open(f"/submissions/{first_round.pk}/")
    assert clerk.fact("Tổng điểm thẩm định") == "7"
    assert f"đã bác bỏ: {reason}" in clerk.row("table.findings", f"Tệp {UNSIGNED_COPY}").text
    assert not clerk.driver.find_elements("css selector", "table.findings button")


def test_a_second_round_shows_what_changed(
    service: Service, first_round: Round, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The clerk takes out the unsigned copy, and with it, by mistake, the only evidence of 1.4."""
    clerk = service.people["tanlap"]
    second = zip_unit(UNIT, tmp_path_factory.mktemp("round-2") / ARCHIVE_NAME, (UNSIGNED_COPY, ONLY_EVIDENCE_OF_1_4))
    clerk.upload(CODE, second)
    assert clerk.wait_until_checked()[-1] == "Đã kiểm tra xong | 16/16 tệp"

    changes = clerk.find("section.changes")
    assert clerk.text("section.changes h2") == f"Thay đổi so với lần nộp số {first_round.pk}"
    assert "Tổng điểm đề xuất: 5,5 → 3,5 điểm." in changes.text
    fixed = [item.text for item in changes.find_elements("css selector", "ul.fixed li")]
    assert fixed == [
        f"Tệp {UNSIGNED_COPY} · KC301 Không có chữ ký số: "
        "Văn bản không có chữ ký số (không phải văn bản điện tử được ký số)."
    ]
    new = [item.text.split(":")[0] for item in changes.find_elements("css selector", "ul.new li")]
    assert new == [
        "Tiêu chí 1.4 · KC401 Không có tài liệu kiểm chứng",
        "Tiêu chí 1.4 · KC403 Văn bản được trích dẫn không có trong hồ sơ",
        "Tiêu chí 8.1 · KC403 Văn bản được trích dẫn không có trong hồ sơ",
    ]
    assert clerk.cells(clerk.row("section.changes table", "1.4 ")) == ["2 → 0 điểm"]
    assert clerk.fact("Tổng điểm đề xuất") == "3,5" and clerk.fact("Tổng điểm thẩm định") == "3,5"

    clerk.open(f"/units/{CODE}/")  # both rounds listed, the newest first, under the name the clerk gave
    rounds = clerk.driver.find_elements("css selector", "main > table:not(.audit) tbody tr")
    assert [clerk.cells(row)[1:] for row in rounds] == [[ARCHIVE_NAME, "Đã kiểm tra xong"]] * 2
