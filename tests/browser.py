"""The web service as a person meets it: `kiemchung serve` running for real, accounts made with `kiemchung user
add`, and headless Chromium driven by Selenium through the system's chromedriver.

Shared by the browser tests (tests/test_web_browser.py) and the screenshots of the pages
(scripts/web_screenshots.py). Debian's `chromium-driver` is built from the same source as its `chromium`, so
the driver always matches the browser, and nothing is downloaded: Selenium is handed the driver's path, so its
own driver manager never runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
BATCH = ROOT / "samples" / "batch"
# In the sample unit UBND xã Tân Lập: a copy that is not signed (it zeroes 8.1, with a truncated file), and the
# only evidence of 1.4; a second round without both fixes the one and leaves 1.4 without evidence.
UNSIGNED_COPY = (
    "TC 8.1 - Kinh tế - xã hội/TLKC 8.1 - Báo cáo Tình hình kinh tế - xã hội 6 tháng đầu năm, "
    "nhiệm vụ 6 tháng cuối năm 2023 (2).pdf"
)
ONLY_EVIDENCE_OF_1_4 = "TC 1.4 - Tuyên truyền CCHC/36-BC-UBND.signed.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Headless, no sandbox (root in a container), no shared-memory file system assumed, and no background
# connections (this machine reaches no update or sync server; trying slows every start).
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
SERVER_START_SECONDS = 120
CHECK_SECONDS = 300  # one sample unit takes 10-20 s here; a loaded CI machine may take far longer
_PASSWORD = re.compile(r"Mật khẩu dùng một lần: (\S+)")


def browser_missing() -> str | None:
    """Why no browser can run here (None when one can)."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists():
            return f"{path} not found: apt-get install {package} (scripts/test.sh installs it)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def zip_unit(unit: Path, archive: Path, leave_out: Iterable[str] = ()) -> Path:
    """`unit`'s folder zipped as a clerk does it (the folder itself at the top), without the files at the
    `leave_out` paths (relative to the folder)."""
    skipped = set(leave_out)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(unit.rglob("*")):
            if path.is_file() and path.relative_to(unit).as_posix() not in skipped:
                out.write(path, path.relative_to(unit.parent).as_posix())
    return archive


def kiemchung(*args: str) -> str:
    """Run this checkout's `kiemchung` command; its standard output (raises with its error when it fails)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "kiemchung", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"kiemchung {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout


class Server:
    """`kiemchung serve` on a free port of this machine, its data in `data`, until `stop()`."""

    def __init__(self, data: Path, config: Path | None = None, year: int | None = None) -> None:
        self.data = data
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log = (data.parent / f"{data.name}-serve.log").open("w", encoding="utf-8")
        command = [sys.executable, "-m", "kiemchung", "serve", "--data", str(data), "--port", str(port)]
        if config is not None:
            command += ["--config", str(config)]
        if year is not None:
            command += ["--year", str(year)]
        self._process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"kiemchung serve stopped (exit {self._process.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/login/", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"kiemchung serve did not answer in {SERVER_START_SECONDS} s:\n{self.log()}")

    def add_user(self, name: str, role: str, unit: str | None = None) -> str:
        """`kiemchung user add` on the server's data; the one-time password it prints."""
        printed = kiemchung(
            "user", "add", name, "--role", role, *(["--unit", unit] if unit else []), "--data", str(self.data)
        )
        password = _PASSWORD.search(printed)
        assert password, printed
        return password.group(1)

    def log(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_text("utf-8")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


def sample_server(work: Path) -> Server:
    """`kiemchung serve` with its data in `work`, checking as the other web tests do: the samples' year, no OCR."""
    config = work / "kiemchung.toml"
    config.write_text('[ocr]\nmode = "off"\n', "utf-8")
    return Server(work / "data", config, year=2023)


def chromium(window: tuple[int, int] = (1280, 1000)) -> webdriver.Chrome:
    """Headless Chromium with a fresh profile; it keeps its network log, which `Person.open` reads. Its own words
    (the file chooser's) are Vietnamese where Debian's chromium-l10n is installed: headless Chromium takes its
    language from the environment, not from --lang."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--window-size={window[0]},{window[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = DriverService(CHROMEDRIVER, env={**os.environ, "LANGUAGE": "vi"})
    return webdriver.Chrome(options=options, service=driver)


class Person:
    """One person at their own browser, on the service at `url`."""

    def __init__(self, url: str, name: str, window: tuple[int, int] = (1280, 1000)) -> None:
        self.url = url
        self.name = name
        self.driver = chromium(window)

    def open(self, path: str) -> int:
        """Go to `path` as typed in the address bar; the HTTP status of the page that answered."""
        self._network()  # drop what earlier pages logged
        self.driver.get(self.url + path)
        statuses = [  # of the pages loaded: the last is the one shown (after any redirect)
            event["params"]["response"]["status"]
            for event in self._network()
            if event["method"] == "Network.responseReceived" and event["params"]["type"] == "Document"
        ]
        assert statuses, f"{path}: no page was loaded"
        return int(statuses[-1])

    def _network(self) -> list[dict[str, Any]]:
        """The DevTools network events logged since the last call (chromedriver's performance log, which
        Selenium leaves untyped)."""
        entries = self.driver.get_log("performance")  # type: ignore[no-untyped-call]
        return [json.loads(entry["message"])["message"] for entry in entries]

    def sign_in(self, one_time_password: str, new_password: str) -> str:
        """Log in with the printed one-time password, then choose one's own as the service asks first; the
        heading of the page that asked."""
        self.open("/")
        self.fill({"username": self.name, "password": one_time_password})
        self.submit(self.find("input[name=password]"))
        asked = self.text("h1")
        assert self.driver.current_url == f"{self.url}/password/", self.text("main")
        self.fill({"old_password": one_time_password, "new_password1": new_password, "new_password2": new_password})
        self.submit(self.find("input[name=new_password2]"))
        assert self.driver.current_url == f"{self.url}/", self.text("main")
        return asked

    def upload(self, unit_code: str, archive: Path) -> int:
        """Choose `archive` in the unit page's upload form and send it; the new submission's id (from the address
        of the page it leads to)."""
        self.open(f"/units/{unit_code}/")
        chooser = self.find("input[name=archive]")
        chooser.send_keys(str(archive))
        self.submit(chooser)
        found = re.fullmatch(re.escape(self.url) + r"/submissions/(\d+)/", self.driver.current_url)
        assert found, self.text("main")
        return int(found.group(1))

    def wait_until_checked(self) -> list[str]:
        """Stay on the submission's page, which reloads itself, until it says the check is over; the
        statuses and progress it showed meanwhile (each as "status | progress")."""
        seen: list[str] = []

        def over(_: Any) -> bool:
            shown = f"{self.fact('Trạng thái')} | {self.fact('Tiến độ') or ''}"
            if not seen or seen[-1] != shown:
                seen.append(shown)
            return shown.startswith(("Đã kiểm tra xong", "Không kiểm tra được"))

        # while the page reloads, what was read is gone, or not there yet, or the page cannot be asked at all
        waiting = WebDriverWait(
            self.driver, CHECK_SECONDS, poll_frequency=0.5, ignored_exceptions=(WebDriverException,)
        )
        waiting.until(over)
        return seen

    # ------------------------------------------------------------------------------------ reading the page

    def find(self, selector: str, within: WebElement | None = None) -> WebElement:
        return (within or self.driver).find_element(By.CSS_SELECTOR, selector)

    def text(self, selector: str) -> str:
        return self.find(selector).text

    def fact(self, term: str, within: str = "dl.facts") -> str | None:
        """The value of `term` in the first list of facts (`<dt>term</dt><dd>value</dd>`) that has it."""
        for facts in self.driver.find_elements(By.CSS_SELECTOR, within):
            for name in facts.find_elements(By.TAG_NAME, "dt"):
                if name.text == term:
                    return name.find_element(By.XPATH, "following-sibling::dd[1]").text
        return None

    def row(self, table: str, heading: str) -> WebElement:
        """The row of the (first) `table` whose heading cell starts with `heading`."""
        assert '"' not in heading  # an XPath string literal
        rows = self.find(table).find_elements(By.XPATH, f'./tbody/tr[starts-with(normalize-space(th), "{heading}")]')
        assert rows, f"no row {heading!r} in {table}"
        return rows[0]

    @staticmethod
    def cells(row: WebElement) -> list[str]:
        return [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]

    # ------------------------------------------------------------------------------------------ acting

    def fill(self, fields: dict[str, str], within: WebElement | None = None) -> None:
        for name, value in fields.items():
            field = self.find(f'[name="{name}"]', within)
            field.clear()
            field.send_keys(value)

    def submit(self, field: WebElement, button: str = "") -> None:
        """Click the submit button of `field`'s form (the one whose text is `button`, else the first) and wait
        for the page it leads to."""
        form = field.find_element(By.XPATH, "./ancestor::form")
        buttons = [
            one
            for one in form.find_elements(By.CSS_SELECTOR, "button[type=submit]")
            if one.text == button or not button
        ]
        assert buttons, f"no button {button!r}"
        buttons[0].click()
        # The form's page has gone and the next one is loaded. A page being replaced may not answer at all
        # ("cannot find context"): then ask again.
        next_page = WebDriverWait(self.driver, 60, ignored_exceptions=(WebDriverException,))
        next_page.until(lambda driver: staleness_of(form)(driver) and _ready(driver))

    def dismiss(self, place: str, reason: str) -> None:
        """On a submission's page, dismiss the finding at `place` ("Tệp …", "Tiêu chí 1.1") for `reason`."""
        finding = self.row("table.findings", place)
        self.fill({"reason": reason}, finding)
        self.submit(self.find('[name="reason"]', finding), "Bác bỏ")

    def set_score(self, criterion: str, score: str, reason: str) -> None:
        """On a submission's page, give `criterion` its final `score` ("1,5") for `reason`."""
        row = self.row("table.scores", f"{criterion} ")
        self.fill({"score": score, "reason": reason}, row)
        self.submit(self.find('[name="score"]', row))

    def screenshot(self, png: Path, anchor: str | None = None) -> None:
        """A window-sized PNG of the page: its top, or the element `anchor` (a CSS selector) in the middle."""
        if anchor is not None:  # WebDriver's script, not the page's: the page's policy allows none
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", self.find(anchor))
        self.driver.save_screenshot(str(png))

    def quit(self) -> None:
        self.driver.quit()


def _ready(driver: webdriver.Chrome) -> bool:
    return bool(driver.execute_script("return document.readyState") == "complete")
