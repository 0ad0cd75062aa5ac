"""Vietnamese first: what the council and the operator read is Vietnamese, English only with `--lang en`.

The sample batch is checked once, as the demo does but without trust roots (so the no-roots warning
shows), and every report a unit gets is read back: the findings' messages in report.json, every cell
of report.xlsx, the text of report.html. The Word documents are checked by tests/test_report_docx.py
with the same word list (tests/english.py). The libraries' own words stay in report.json as each
finding's `detail`.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kiemchung.extractors.models import ReadProblem
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.config import load_config
from kiemchung.pipeline.labels import Lang, has_label
from kiemchung.pipeline.messages import lang_of, usage_error
from kiemchung.pipeline.run import check
from kiemchung.validators.registry import RULES
from tests.english import english_words

ROOT = Path(__file__).parent.parent
BATCH = ROOT / "samples" / "batch"
CRITERIA = ROOT / "criteria_map" / "sample-commune.yaml"
REPORT_FILES = ("report.json", "report.xlsx", "report.html", "report.docx")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vi") / "out"
    config = load_config(None, year=2023, criteria_file=CRITERIA, no_cache=True, ocr="off")
    check(BATCH, config, folder, progress="quiet")
    return folder


def reports(out: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text("utf-8")) for path in sorted(out.glob("*/report.json"))]


def own_strings(report: dict[str, Any]) -> set[str]:
    """What the unit's files and the program's identifiers put in a report: not wording to translate."""
    own = {rule.name for rule in RULES} | set(REPORT_FILES) | {report["unit"]}
    for item in report["evidence"]:
        own.add(item["path"])
        own.update(signature["field"] or "" for signature in item["signatures"])
    return own


def all_messages(report: dict[str, Any]) -> list[str]:
    findings = [*report["findings"], *(f for c in report["criteria"] for f in c["findings"])]
    findings += [f for item in report["evidence"] for f in item["findings"]]
    return [f["message"] for f in findings]


def html_text(path: Path) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text("utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def workbook_text(path: Path) -> str:
    workbook = openpyxl.load_workbook(path, read_only=True)
    cells = [cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]
    return "\n".join([*workbook.sheetnames, *(cell for cell in cells if isinstance(cell, str))])


def test_no_english_in_the_messages_the_workbook_or_the_page(out: Path) -> None:
    for report in reports(out):
        folder, own = out / report["unit"], own_strings(report)
        for message in all_messages(report):
            assert not english_words(message, own), message
        assert not english_words(workbook_text(folder / "report.xlsx"), own), report["unit"]
        assert not english_words(html_text(folder / "report.html"), own), report["unit"]


def test_the_libraries_words_stay_in_report_json(out: Path) -> None:
    """The encrypted sample's finding explains itself in Vietnamese and keeps pypdf's words as its detail."""
    items = [item for report in reports(out) for item in report["evidence"] if item["read_error"]]
    encrypted = next(item for item in items if item["read_error"]["problem"] == "encrypted")
    (finding,) = [f for f in encrypted["findings"] if f["rule"] == "unreadable"]
    assert "mật khẩu" in finding["message"] and "Đơn vị cần nộp lại" in finding["message"]
    assert finding["detail"] == f"encrypted: {encrypted['read_error']['detail']}" and finding["proof"] is None
    truncated = next(item for item in items if item["read_error"]["problem"] == "truncated")
    assert "EOF" in truncated["findings"][0]["detail"] and "EOF" not in truncated["findings"][0]["message"]


def test_no_trust_roots_is_said_once_per_unit(out: Path) -> None:
    for report in reports(out):
        intact = [(s["integrity"], s["trust"]) for i in report["evidence"] for s in i["signatures"]]
        assert ("intact", "no-roots") in intact and all(trust == "no-roots" for _, trust in intact)
        signed = [
            item["path"]
            for item in report["evidence"]
            if any(s["integrity"] == "intact" for s in item["signatures"])
        ]
        (warning,) = [f for f in report["findings"] if f["rule"] == "trust-roots-missing"]
        assert sorted(warning["proof"]["text"].split("; ")) == sorted(signed) and len(signed) > 1
        assert f"{len(signed)} tệp" in warning["message"] and warning["detail"] == "no trust roots configured"
        per_file = [f for item in report["evidence"] for f in item["findings"] if f["rule"] == "signature-untrusted"]
        assert per_file == []


def test_lang_en_gives_english_reports(out: Path, tmp_path: Path) -> None:
    """The same unit with `--lang en`: the word list catches its English, so its silence above means something."""
    del out  # the Vietnamese run is the fixture's; this one is English
    config = load_config(None, year=2023, criteria_file=CRITERIA, no_cache=True, ocr="off", lang="en")
    check(BATCH / "UBND xã Cao An", config, tmp_path, progress="quiet")
    (report,) = reports(tmp_path)
    folder, own = tmp_path / report["unit"], own_strings(report)
    assert len(english_words(workbook_text(folder / "report.xlsx"), own)) > 10
    assert len(english_words(html_text(folder / "report.html"), own)) > 10
    assert not english_words(" ".join(all_messages(report)), own)  # findings are the council's, in Vietnamese


def test_every_read_problem_has_a_label() -> None:
    assert all(has_label(f"read-{problem.value}") for problem in ReadProblem)


def test_cli_help_is_vietnamese_by_default_and_english_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    options = re.compile(r"(?<!\w)--?[\w-]+|[\w./~-]+/[\w./-]*")  # option names and paths are what the user types
    for argv in (["--help"], ["check", "--help"], ["rules", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        shown = capsys.readouterr().out
        assert shown.startswith("cách dùng: kiemchung")
        choices = {word for listed in re.findall(r"\{([^}]*)\}", shown) for word in listed.split(",")}
        typed = re.compile(rf"\b(?:{'|'.join(sorted(choices))})\b")  # so are the values of a choice
        assert not english_words(typed.sub(" ", options.sub(" ", shown)), {rule.name for rule in RULES}), shown
        with pytest.raises(SystemExit):
            main([*argv, "--lang", "en"])
        assert capsys.readouterr().out.startswith("usage: kiemchung")
    with pytest.raises(SystemExit):
        main(["check", "--lang=en", "--help"])
    assert "show this help message and exit" in capsys.readouterr().out


def test_usage_errors_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    told = "kiemchung: kiemchung check: thiếu tham số bắt buộc: PATH; xem `kiemchung check --help`\n"
    assert capsys.readouterr().err == told
    assert main(["check", "x", "--layout", "tree"]) == 2
    assert "tham số --layout: 'tree' không hợp lệ, chọn một trong 'auto', 'unit', 'batch'" in capsys.readouterr().err
    assert main(["check", "x", "--year", "2023", "--lang", "en", "--jobs", "two"]) == 2
    assert "argument --jobs: invalid int value: 'two'" in capsys.readouterr().err
    assert main(["check", str(BATCH), "--out", str(BATCH / "r")]) == 2
    assert "chưa có năm đánh giá: dùng --year" in capsys.readouterr().err
    assert main(["check", str(BATCH), "--out", str(BATCH / "r"), "--lang", "en"]) == 2
    assert "give the assessment year with --year" in capsys.readouterr().err
    assert main(["rules", "KC999"]) == 2
    assert "không có quy tắc 'KC999'" in capsys.readouterr().err


def test_lang_is_read_before_parsing() -> None:
    assert lang_of(["check", "x", "--lang", "en"]) is Lang.EN
    assert lang_of(["check", "x", "--lang=en"]) is Lang.EN
    assert lang_of(["check", "--lang"]) is Lang.VI
    assert lang_of(["check", "en"]) is Lang.VI
    assert usage_error("something argparse may say one day", Lang.VI) == "something argparse may say one day"


def test_progress_and_summary_lines_follow_the_language(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    unit = BATCH / "UBND xã Cao An"
    args = ["check", str(unit), "--year", "2023", "--out", str(tmp_path / "o"), "--format", "json", "--no-cache"]
    assert main([*args, "--no-ocr"]) == 0
    vietnamese = capsys.readouterr()
    assert "Đã đọc" in vietnamese.out and "tự chấm" in vietnamese.out
    assert "tệp/giây" in vietnamese.err
    assert main([*args, "--no-ocr", "--lang", "en"]) == 0
    english = capsys.readouterr()
    assert "Read " in english.out and "self-assessed" in english.out and "files/s" in english.err
    assert not english_words(vietnamese.out + vietnamese.err, {unit.name, str(tmp_path), "report.json"})
