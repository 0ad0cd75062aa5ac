"""Check the bundled sample batch, write its web reports and save screenshots of them to docs/screenshots/.

Usage: python scripts/screenshot.py [--out DIR] [--chromium /usr/bin/chromium]
(run from anywhere with the project's interpreter, e.g. `.venv/bin/python scripts/screenshot.py`).

Headless Chromium renders the pages (Debian: `apt-get install chromium` gives /usr/bin/chromium), driven
over the DevTools protocol on a pipe, with a fresh profile and background networking off: it fetches
nothing, and the pages fetch nothing either (their Content-Security-Policy forbids it). Screenshots are
1280x1600 PNGs: the top of one unit's page, the same page at a criterion zeroed by a document, and the
batch index.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script: the packages live at the repository root

from kiemchung.pipeline.config import load_config  # noqa: E402
from kiemchung.pipeline.labels import Lang  # noqa: E402
from kiemchung.pipeline.reports.html import INDEX_NAME, PAGE_NAME, write_batch_index, write_unit_page  # noqa: E402
from kiemchung.pipeline.run import check  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
WINDOW = (1280, 1600)
UNIT = "UBND xã Cao An"  # the sample with the widest mix of findings
CRITERION = "tc-1.2"  # the id of a criterion zeroed by a "số a, b" document: shows a finding with its proof
# Who answers for what in the sample commune: makes the "per responsible person" section appear.
ASSIGNMENTS = (
    "Người phụ trách,Tiêu chí\n"
    'Đ/c Nguyễn Văn An - Chủ tịch UBND,"1; 2"\n'
    'Văn phòng - Thống kê,"3; 7"\n'
    'Tư pháp - Hộ tịch,"4; 5"\n'
    'Tài chính - Kế toán,"6; 8"\n'
)
# Headless, no sandbox (root in a container), and no background connections: without these flags
# Chromium's own update and sync traffic is refused here and slows every start.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def generate(out: Path) -> None:
    """Run the real pipeline on samples/batch and write every unit's report.html and the index."""
    table = out.parent / "phân công.csv"
    table.write_text(ASSIGNMENTS, encoding="utf-8")
    config = load_config(
        year=2023,
        trust_roots=(ROOT / "samples" / "trust" / "test-root.pem",),
        criteria_file=ROOT / "criteria_map" / "sample-commune.yaml",
        assignments_file=table,
    )
    result = check(ROOT / "samples" / "batch", config, out, progress="quiet")
    for unit in result.units:
        links = {"report.json": "report.json", "Tổng hợp các đơn vị": f"../{INDEX_NAME}"}
        write_unit_page(unit, out / unit.unit / PAGE_NAME, Lang.VI, links)
    write_batch_index(result.units, out, Lang.VI)


class _Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4): stdlib only, no port.

    `--screenshot URL#fragment` paints only the part of the page that was on screen before the jump, so
    a shot of a criterion further down needs the protocol: load, find the element's box, capture a clip.
    """

    def __init__(self, chromium: str, profile: str) -> None:
        to_browser, self._commands = os.pipe()
        self._replies, from_browser = os.pipe()

        def wire() -> None:  # in the child: Chromium reads commands on fd 3 and answers on fd 4
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self._process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,  # single-threaded script: safe; the pipe ends must land on fds 3 and 4
            pass_fds=(3, 4),
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and wait for its answer, keeping the events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append(reply)

    def wait_for(self, event: str, session: str) -> None:
        while not any(e.get("method") == event and e.get("sessionId") == session for e in self._events):
            self._events.append(self._read())

    def _read(self, timeout: float = 60.0) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._replies], [], [], timeout)
            chunk = os.read(self._replies, 1 << 16) if ready else b""
            if not chunk:
                raise RuntimeError("Chromium stopped answering")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        reply: dict[str, Any] = json.loads(message)
        return reply

    def screenshot(self, url: str, png: Path, element_id: str | None = None) -> None:
        """A window-sized PNG of the page's top, or starting just above the element with that id."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=session)
        metrics = {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1, "mobile": False}
        self.call("Emulation.setDeviceMetricsOverride", metrics, session)
        self.call("Page.navigate", {"url": url}, session)
        self.wait_for("Page.loadEventFired", session)
        top = 0.0
        if element_id is not None:  # the DOM domain, not page script: the page's CSP forbids scripts
            root = self.call("DOM.getDocument", session=session)["root"]["nodeId"]
            found = self.call("DOM.querySelector", {"nodeId": root, "selector": f'[id="{element_id}"]'}, session)
            box = self.call("DOM.getBoxModel", {"nodeId": found["nodeId"]}, session)["model"]["border"]
            top = max(0.0, box[1] - 16)
        clip = {"x": 0, "y": top, "width": WINDOW[0], "height": WINDOW[1], "scale": 1}
        shot = self.call(
            "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session
        )
        png.write_bytes(base64.b64decode(shot["data"]))
        self.call("Target.closeTarget", {"targetId": target})

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):  # it may close the pipe before answering
            self.call("Browser.close")
        self._process.wait(timeout=30)
        os.close(self._commands)
        os.close(self._replies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="where to write the reports (default: a temporary folder)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        print(f"Chromium not found at {args.chromium}: apt-get install chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kiemchung-shots-") as scratch:
        out = (args.out or Path(scratch) / "report").resolve()
        generate(out)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page = (out / UNIT / PAGE_NAME).as_uri()
        shots = {
            "unit-report.png": (page, None),
            "unit-criterion.png": (page, CRITERION),
            "batch-index.png": ((out / INDEX_NAME).as_uri(), None),
        }
        with tempfile.TemporaryDirectory(prefix="kiemchung-chromium-") as profile:
            browser = _Chromium(args.chromium, profile)
            try:
                for name, (url, element) in shots.items():
                    browser.screenshot(url, SHOTS / name, element)
                    print(f"{SHOTS / name}: {(SHOTS / name).stat().st_size // 1024} KB")
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
