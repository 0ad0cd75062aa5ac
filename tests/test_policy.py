"""The council's rule policy and waivers: the config's [rules], the waivers file, `kiemchung rules`, and a run
whose four reports show the waived finding as "Đã miễn" (the rules' own policy and waiver cases are in
tests/rules/*.yaml)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from docx import Document

from kiemchung.criteria_map.waivers import WaiverFileError, load_waivers
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.config import load_config, load_policy
from kiemchung.pipeline.errors import ConfigError, UsageError
from kiemchung.pipeline.reports.json_report import SCHEMA_PATH
from kiemchung.validators.model import SEED_POLICY, Severity

SAMPLES = Path(__file__).parent.parent / "samples"
UNIT = "UBND xã Cao An"
SUFFIXED = "4.2/12 a-KH-UBND.pdf"  # number-suffix, which zeroes 4.2
REASON = "Văn phòng HĐND-UBND xã xác nhận số 12a"


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tinh.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_rules_the_seed_policy_is_in_force() -> None:
    assert load_config(year=2023).policy == SEED_POLICY
    assert load_policy() == SEED_POLICY


def test_rules_section_sets_the_policy(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        '[rules]\nignore = ["KC3"]\nselect = ["ALL", "unsigned"]\n'
        '[rules.number-suffix]\nzeroes = false\nseverity = "warning"\n[rules.KC402]\nenabled = false\n',
    )
    policy = load_config(path, year=2023).policy
    assert not policy.enabled("scanned-paper") and not policy.enabled("signature-invalid")
    assert policy.enabled("unsigned")  # selected by name, more specific than the ignored prefix
    assert not policy.enabled("vague-explanation") and policy.enabled("number-missing")
    suffix = policy.setting("number-suffix")
    assert suffix is not None and (suffix.zeroes, suffix.severity) == (False, Severity.WARNING)
    assert "[rules.number-suffix]" in suffix.origin


def test_command_line_select_replaces_and_ignore_adds(tmp_path: Path) -> None:
    path = config_file(tmp_path, '[rules]\nignore = ["unsigned"]\n')
    policy = load_config(path, year=2023, select=["KC2", "KC3"], ignore=("KC201",)).policy
    assert not policy.enabled("unreadable") and not policy.enabled("vague-explanation")  # not selected
    assert not policy.enabled("number-suffix") and not policy.enabled("unsigned")
    assert policy.enabled("number-missing") and policy.enabled("internal-error")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[rules]\nignore = ["KC7"]\n', "không có quy tắc nào ứng với “KC7”"),
        ('[rules]\nselect = ["number-sufix"]\n', "không có quy tắc nào ứng với “number-sufix”"),
        ('[rules]\nignore = "KC2"\n', "khóa rules.ignore trong tệp cấu hình .* phải là một danh sách"),
        ("[rules]\nignore = [2]\n", "phải là danh sách chuỗi"),
        ("[rules.number-sufix]\nzeroes = false\n", "không có quy tắc “number-sufix”"),
        ("[rules.number-suffix]\nzeros = false\n", "khóa không hợp lệ zeros"),
        ('[rules.number-suffix]\nzeroes = "no"\n', "phải là true hoặc false"),
        ('[rules.number-suffix]\nseverity = "fatal"\n', "severity phải là một trong error, warning, info"),
        ('[rules]\nignore = ["internal-error"]\n', "không thể tắt quy tắc KC901"),
        ("[rules.KC901]\nzeroes = true\n", "không thay đổi được"),
    ],
)
def test_bad_rules_are_config_errors_in_vietnamese(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as caught:
        load_config(config_file(tmp_path, text), year=2023)
    assert "tinh.toml" in str(caught.value) or "rules." in str(caught.value)


def test_a_bad_selector_on_the_command_line_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="không có quy tắc nào ứng với “KC99”"):
        load_config(year=2023, select=["KC99"])
    assert main(["check", ".", "--year", "2023", "--ignore", "KC99"]) == 2


def test_rules_command_shows_the_policy_in_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_file(tmp_path, '[rules]\nignore = ["KC3"]\n[rules.number-suffix]\nzeroes = false\n')
    assert main(["rules", "--config", str(path)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("KC")}
    assert lines["KC301"].split()[2] == "tắt" and "tinh.toml [rules]" in lines["KC301"]
    assert lines["KC201"].split()[2:5] == ["bật", "Lỗi", "Không"] and "[rules.number-suffix]" in lines["KC201"]
    assert lines["KC202"].split()[2:5] == ["bật", "Lỗi", "Có"] and "mặc định" in lines["KC202"]
    assert main(["rules", "--ignore", "KC2"]) == 0
    assert "tắt" in next(line for line in capsys.readouterr().out.splitlines() if line.startswith("KC205"))


def test_waivers_from_a_table_with_vietnamese_headings(tmp_path: Path) -> None:
    path = tmp_path / "miễn trừ.csv"
    path.write_text(
        "Đơn vị,Tệp,Tiêu chí,Quy tắc,Lý do,Người quyết định,Ngày\n"
        f"{UNIT},{SUFFIXED},,KC201,{REASON},Tổ thẩm định,20/03/2024\n"
        f"*,,3.2,vague-explanation,Đã giải trình bổ sung,Nguyễn Văn An,\n",
        encoding="utf-8",
    )
    first, second = load_waivers(path)
    assert (first.unit, first.file, first.rule, first.source) == (
        UNIT,
        SUFFIXED,
        "number-suffix",
        "miễn trừ.csv dòng 2",
    )
    assert first.date is not None and first.date.isoformat() == "2024-03-20"
    assert (second.criterion, second.date, second.source) == ("3.2", None, "miễn trừ.csv dòng 3")
    book = openpyxl.Workbook()
    book.active.append(["Đơn vị", "Quy tắc", "Lý do", "Người quyết định"])
    book.active.append([UNIT, "unsigned", "Chi hội không có chữ ký số", "Tổ thẩm định"])
    book.save(tmp_path / "mien.xlsx")
    (waiver,) = load_waivers(tmp_path / "mien.xlsx")
    assert (waiver.rule, waiver.file, waiver.criterion, waiver.source) == ("unsigned", "", "", "mien.xlsx dòng 2")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- {unit: A, rule: unsigned, who: B}\n", "mục 1: thiếu reason"),
        ("- {unit: A, rule: unsigend, reason: r, who: B}\n", "mục 1: không có quy tắc “unsigend”"),
        (
            "- {unit: A, rule: unsigned, reason: r, who: B}\n"
            "- {unit: A, rule: unsigned, reason: r, who: B, date: 2024-13-01}\n",
            "mục 2: ngày “2024-13-01” không hợp lệ",
        ),
        ("- {unit: A, rul: unsigned, reason: r, who: B}\n", "không rõ cột/khóa “rul”"),
        ("unit: A\n", "phải là một danh sách"),
    ],
)
def test_bad_waivers_are_named_by_row(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WaiverFileError, match=words):
        load_waivers(path)


def test_a_bad_waivers_file_stops_the_run_as_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("- {unit: A, rule: nope, reason: r, who: B}\n", encoding="utf-8")
    unit = SAMPLES / "batch" / UNIT
    assert main(["check", str(unit), "--year", "2023", "--out", str(tmp_path / "o"), "--waivers", str(path)]) == 3


@pytest.fixture(scope="module")
def waived_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One unit checked with a policy and the sample waivers plus one that matches nothing, every format."""
    tmp = tmp_path_factory.mktemp("policy")
    waivers = tmp / "waivers.yaml"
    shutil.copyfile(SAMPLES / "waivers.yaml", waivers)
    with waivers.open("a", encoding="utf-8") as stream:
        stream.write(f"\n- {{unit: {UNIT}, file: 4.2/12a-KH-UBND.pdf, rule: number-suffix, reason: gõ nhầm, who: X}}\n")
    config = config_file(
        tmp,
        f'[rules]\nignore = ["vague-explanation", "no-evidence"]\nwaivers = "{waivers.name}"\n'
        '[rules.unsigned]\nseverity = "warning"\n',
    )
    out, cache = tmp / "out", tmp / "cache"
    argv = [
        "check",
        str(SAMPLES / "batch" / UNIT),
        "--year",
        "2023",
        "--config",
        str(config),
        "--cache-dir",
        str(cache),
        "--trust-root",
        str(SAMPLES / "trust" / "test-root.pem"),
    ]
    code = main([*argv, "--out", str(out), "--quiet"])
    report = json.loads((out / UNIT / "report.json").read_text("utf-8"))
    return {"code": code, "out": out, "report": report, "argv": argv, "waivers": waivers, "tmp": tmp}


def test_the_waived_finding_no_longer_zeroes_and_the_policy_judged(waived_run: dict[str, Any]) -> None:
    assert waived_run["code"] == 0
    report = waived_run["report"]
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    item = next(item for item in report["evidence"] if item["path"] == SUFFIXED)
    (finding,) = item["findings"]
    assert finding["rule"] == "number-suffix" and not finding["zeroes"]
    assert finding["waived"]["zeroed"] and finding["waived"]["reason"].startswith(REASON)
    assert finding["waived"]["who"] == "Tổ thẩm định CCHC" and finding["waived"]["date"] == "2024-03-20"
    criterion = next(c for c in report["criteria"] if c["code"] == "4.2")
    assert not criterion["zeroed"] and criterion["recommended_score"] == criterion["self_score"]
    rules = [f["rule"] for _, f in _all(report)]
    assert "vague-explanation" not in rules and "no-evidence" not in rules
    assert {f["severity"] for _, f in _all(report) if f["rule"] == "unsigned"} == {"warning"}
    waived = {(where.split("/")[0], f["rule"]) for where, f in _all(report) if f["waived"]}
    assert waived == {("4.2", "number-suffix"), ("5.3", "organization-signature-missing")}  # as samples/waivers.yaml


def _all(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [("unit", f) for f in report["findings"]]
    found += [(c["code"], f) for c in report["criteria"] for f in c["findings"]]
    found += [(e["path"], f) for e in report["evidence"] for f in e["findings"]]
    return found


def test_every_report_shows_the_waiver(waived_run: dict[str, Any]) -> None:
    folder = waived_run["out"] / UNIT
    note = f"Đã miễn: {REASON}"
    html = (folder / "report.html").read_text("utf-8")
    assert note in html and "Tổ thẩm định CCHC, 20/03/2024" in html and 'class="badge waived"' in html
    sheet = openpyxl.load_workbook(folder / "report.xlsx")["Phát hiện"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = rows[0].index("Miễn trừ")
    waived = [row for row in rows[1:] if str(row[column]).startswith("Đã miễn: ")]
    assert {(row[1].split("/")[0], row[2]) for row in waived} == {("4.2", "KC201"), ("5.3", "KC305")}
    assert {row[column] for row in rows[1:] if row not in waived} == {"—"}
    cells = [
        cell.text for table in Document(str(folder / "report.docx")).tables for row in table.rows for cell in row.cells
    ]
    assert any(note in text for text in cells)


def test_a_waiver_that_matches_nothing_is_reported(waived_run: dict[str, Any]) -> None:
    out = waived_run["out"]
    tree = json.loads((out / "tree.json").read_text("utf-8"))
    (warning,) = [w for w in tree["warnings"] if "không khớp" in w]
    assert "waivers.yaml mục 3" in warning and "4.2/12a-KH-UBND.pdf" in warning
    assert warning in (out / "index.html").read_text("utf-8")


def test_a_changed_waivers_file_or_policy_judges_again(
    waived_run: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, argv = waived_run["tmp"], waived_run["argv"]
    waivers: Path = waived_run["waivers"]
    waivers.write_text(waivers.read_text("utf-8").replace("rule: number-suffix", "rule: unsigned", 1), "utf-8")
    assert main([*argv, "--out", str(tmp / "again"), "--quiet"]) == 0
    assert "Cảnh báo: miễn trừ waivers.yaml mục 1" in capsys.readouterr().err  # now waives a rule that did not fire
    report = json.loads((tmp / "again" / UNIT / "report.json").read_text("utf-8"))
    (finding,) = next(item for item in report["evidence"] if item["path"] == SUFFIXED)["findings"]
    assert finding["waived"] is None and finding["zeroes"]
    assert main([*argv, "--out", str(tmp / "policy"), "--quiet", "--ignore", "KC201"]) == 0
    report = json.loads((tmp / "policy" / UNIT / "report.json").read_text("utf-8"))
    assert next(item for item in report["evidence"] if item["path"] == SUFFIXED)["findings"] == []
