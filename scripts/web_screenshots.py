"""Screenshots of the web service's main pages, as its users see them, to docs/screenshots/web-*.png.

Usage: python scripts/web_screenshots.py [--out DIR] (the project's interpreter with its dev tools, e.g.
`.venv/bin/python scripts/web_screenshots.py`; headless Chromium and its driver: `apt-get install chromium
chromium-driver`).

It runs the real service (`kiemchung serve` with the web demo's settings, scripts/web-demo.toml) on a throwaway
data folder and the browser the tests use (tests/browser.py): two clerks sign in and upload their unit's zipped
folder through the page; one uploads a second round; the council dismisses a finding of it and scores a criterion.
Then it saves the council's list of units, a unit's page, the second round's changes, the council's score and
dismissal, and the dashboard: window-sized PNGs reduced to 256 colours, which keeps text sharp and files small.
With Debian's chromium-l10n installed, the browser's own words (the file chooser's button) are in Vietnamese.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script: the packages live at the repository root

from PIL import Image  # noqa: E402

from tests.browser import (  # noqa: E402
    BATCH,
    ONLY_EVIDENCE_OF_1_4,
    UNSIGNED_COPY,
    Person,
    Server,
    browser_missing,
    zip_unit,
)

WINDOW = (1280, 900)
SETTINGS = ROOT / "scripts" / "web-demo.toml"
PASSWORD = "Mật-khẩu-của-tôi-2023"  # what each person chooses at the first login
TAN_LAP, CAO_AN = "UBND xã Tân Lập", "UBND xã Cao An"


class Story:
    """The people at their browsers, on the service."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.people: dict[str, Person] = {}

    def sign_in(self, name: str, role: str, unit: str | None = None) -> Person:
        one_time = self.server.add_user(name, role, unit)
        self.people[name] = Person(self.server.url, name, WINDOW)
        self.people[name].sign_in(one_time, PASSWORD)
        return self.people[name]

    def close(self) -> None:
        for person in self.people.values():
            person.quit()
        self.server.stop()


def upload(clerk: Person, code: str, folder: Path, archive: Path, leave_out: tuple[str, ...] = ()) -> int:
    """The clerk uploads the unit's zipped folder through its page; the submission, once checked."""
    pk = clerk.upload(code, zip_unit(folder, archive, leave_out))
    assert clerk.wait_until_checked()[-1].startswith("Đã kiểm tra xong"), clerk.text("main")
    return pk


def shoot(person: Person, path: str, png: Path, anchor: str | None = None) -> None:
    person.open(path)
    person.screenshot(png, anchor)
    Image.open(png).convert("RGB").quantize(256).save(png, optimize=True)
    print(f"{png}: {png.stat().st_size // 1024} KB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where to write the PNGs")
    args = parser.parse_args(argv)
    missing = browser_missing()
    if missing is not None:
        print(missing, file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kiemchung-web-shots-") as scratch:
        work = Path(scratch)
        story = Story(Server(work / "data", SETTINGS))
        try:
            tan_lap = story.sign_in("tanlap", "clerk", TAN_LAP)
            cao_an = story.sign_in("caoan", "clerk", CAO_AN)
            council = story.sign_in("hoidong", "council")
            upload(tan_lap, "ubnd-xa-tan-lap", BATCH / TAN_LAP, work / "Hồ sơ CCHC 2023 - Tân Lập.zip")
            upload(cao_an, "ubnd-xa-cao-an", BATCH / CAO_AN, work / "Hồ sơ CCHC 2023 - Cao An.zip")
            again = work / "Hồ sơ CCHC 2023 - Tân Lập (nộp lại).zip"
            second = upload(tan_lap, "ubnd-xa-tan-lap", BATCH / TAN_LAP, again, (UNSIGNED_COPY, ONLY_EVIDENCE_OF_1_4))
            council.open(f"/submissions/{second}/")  # the council reviews the unit's latest round
            council.dismiss("Tiêu chí 8.1", "Báo cáo số 43/BC-UBND đã đối chiếu trên hệ thống quản lý văn bản")
            council.set_score("8.1", "1,5", "Báo cáo đúng, đã ký số; trừ 0,5 điểm vì nộp tệp lỗi")
            shoot(council, "/", args.out / "web-units.png")
            shoot(tan_lap, "/units/ubnd-xa-tan-lap/", args.out / "web-unit.png")
            shoot(tan_lap, f"/submissions/{second}/", args.out / "web-round.png")
            shoot(council, f"/submissions/{second}/", args.out / "web-review.png", "table.scores tr.decided")
            shoot(council, f"/submissions/{second}/", args.out / "web-findings.png", "tr.verdict-dismiss")
            shoot(council, "/dashboard/", args.out / "web-dashboard.png")
        finally:
            story.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
