"""The upload form's folder in a real browser: `kiemchung serve` as a process of its own and headless Chromium
(tests/browser.py) running the page's own script, static/web/upload.js.

A clerk picks the unit's folder (a webkitdirectory field), sends it and reads the check of it, whose findings
name the files by their paths in the folder; a folder dropped on the drop zone (DevTools' drag events, as a
person's mouse makes them) is the same zip as the folder picked; a folder of too many files is refused by the
page before anything is sent. Without the script the archive field works alone (tests/test_web_upload.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser import BATCH, UNSIGNED_COPY, Person, Server, browser_missing, sample_server

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))

UNIT = BATCH / "UBND xã Tân Lập"
CODE = "ubnd-xa-tan-lap"
CHOSEN = "Đã chọn thư mục «UBND xã Tân Lập»: 18 tệp, 0,9 MB."


@pytest.fixture(scope="module")
def clerk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Person]]:
    """The service and Tân Lập's clerk at their browser, signed in."""
    work = tmp_path_factory.mktemp("browser-upload")
    server = sample_server(work)
    person = None
    try:
        one_time = server.add_user("tanlap", "clerk", UNIT.name)
        person = Person(server.url, "tanlap")
        person.sign_in(one_time, "Tân-Lập-CCHC-2023!")
        yield server, person
    finally:
        if person is not None:
            person.quit()
        server.stop()


def sent(person: Person) -> int:
    """Send the upload form as it is; the new submission's id."""
    person.submit(person.find("#archive"))
    found = re.fullmatch(re.escape(person.url) + r"/submissions/(\d+)/", person.driver.current_url)
    assert found, person.text("main")
    return int(found.group(1))


def drop(person: Person, folder: Path) -> None:
    """Drag `folder` from the desktop onto the page's drop zone and let it go there."""
    zone = person.find("#dropzone")
    person.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", zone)  # WebDriver's script
    x, y = person.driver.execute_script(
        "const box = arguments[0].getBoundingClientRect(); return [box.x + box.width / 2, box.y + box.height / 2]", zone
    )
    data = {"items": [], "files": [str(folder)], "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        person.driver.execute_cdp_cmd("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})


def chosen(person: Person) -> str:
    """What the form says of the folder chosen, once it has read it."""
    shown = [""]

    def said(_: object) -> bool:
        shown[0] = person.text("#chosen")
        return bool(shown[0]) and not shown[0].startswith("Đang đọc")

    WebDriverWait(person.driver, 60, poll_frequency=0.2).until(said)
    return shown[0]


def test_a_folder_picked_keeps_its_structure_through_the_check(clerk: tuple[Server, Person]) -> None:
    _, person = clerk
    person.open(f"/units/{CODE}/")
    assert person.find("#folder").is_displayed() and person.find("#dropzone").is_displayed()  # the script ran
    person.find("#folder").send_keys(str(UNIT))
    assert chosen(person) == CHOSEN
    pk = sent(person)
    assert (person.fact("Thư mục") or "").startswith(f"{UNIT.name} (")
    assert person.wait_until_checked()[-1] == "Đã kiểm tra xong | 18/18 tệp"
    assert person.driver.current_url == f"{person.url}/submissions/{pk}/"
    # a finding names its file by its path in the folder: the folder's structure reached the check
    assert "KC301 Không có chữ ký số" in person.row("table.findings", f"Tệp {UNSIGNED_COPY}").text


def test_a_folder_dropped_is_the_folder_picked(clerk: tuple[Server, Person]) -> None:
    server, person = clerk
    for choose in (lambda: person.find("#folder").send_keys(str(UNIT)), lambda: drop(person, UNIT)):
        person.open(f"/units/{CODE}/")
        choose()
        assert chosen(person) == CHOSEN
        sent(person)
    assert len(list((server.data / "archives").iterdir())) == 1  # one zip, the same bytes


def test_a_folder_of_too_many_files_is_refused_before_it_is_sent(
    clerk: tuple[Server, Person], tmp_path: Path
) -> None:
    _, person = clerk
    folder = tmp_path / "Hồ sơ quá nhiều tệp"
    (folder / "1.1").mkdir(parents=True)
    for index in range(5001):
        (folder / "1.1" / f"{index}.pdf").write_bytes(b"%PDF-")
    person.open(f"/units/{CODE}/")
    person.find("#folder").send_keys(str(folder))
    assert chosen(person) == (
        "Thư mục có 5.001 tệp, quá giới hạn 5.000 tệp mỗi lần nộp. Hãy bỏ các tệp không phải tài liệu kiểm chứng "
        "rồi chọn lại."
    )
    assert person.driver.execute_script("return document.querySelector('#files').files.length") == 0
    person.find("#upload-form button[type=submit]").click()  # nothing chosen now: the page says so, sends nothing
    assert person.text("#chosen") == "Hãy chọn tệp nén hoặc thư mục hồ sơ của đơn vị."
    assert person.driver.current_url == f"{person.url}/units/{CODE}/"
