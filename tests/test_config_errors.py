"""A bad configuration or input table stops `kiemchung check` with exit code 3 and one message, in Vietnamese
(English with `--lang en`), that names the file (and the line, row or key where it is known) and says what
to do. Each case writes the bad file, runs the real command line and reads what it printed."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiemchung.criteria_map.assignments import AssignmentFileError
from kiemchung.criteria_map.criteria import CriteriaFileError
from kiemchung.criteria_map.waivers import WaiverFileError
from kiemchung.extractors.errors import BilingualError
from kiemchung.extractors.trust import TrustRootError
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.config import defaults
from kiemchung.pipeline.errors import ExitCode
from kiemchung.validators.policy import PolicyError
from kiemchung.validators.registry import RULES
from tests.english import english_words

PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
# The names a user writes in these files as they are: not wording to translate. The config's sections, keys
# and the values they take; the rules' names; the criteria file's keys and the waivers' fields.
IDENTIFIERS = (
    *(f"{section}.{key}" for section, keys in defaults().items() for key in keys),
    *(name for keys in defaults().values() for name in keys),
    *defaults(),
    '"never", "zero", "error", "warning"',
    *(rule.name for rule in RULES),
    "max_score",
    "criteria",
    "criterion",
    "unit",
    "file",
    "date",
    "reason",
)


@dataclass(frozen=True)
class Case:
    option: str  # the command-line option the bad file is given with
    name: str  # the bad file's name ("" : the option's value is `content` itself, not a file)
    content: str | bytes | None  # None: the file does not exist; "/": an empty folder
    vietnamese: tuple[str, ...]  # what the Vietnamese message says, the file's name aside
    english: tuple[str, ...]  # what the English one says


CASES = {
    "toml syntax": Case(
        "--config",
        "tỉnh.toml",
        "[period\nyear = 2023\n",
        ("tệp cấu hình", "không đúng cú pháp TOML (dòng 1, cột 8: thiếu dấu ‘]’ ở cuối tên mục)", "Hãy sửa tệp"),
        ("is not valid TOML (line 1, column 8: Expected ']' at the end of a table declaration)", "Correct the file"),
    ),
    "windows path in toml": Case(
        "--config",
        "k.toml",
        '[signatures]\ntrust_roots = ["C:\\chung-thu"]\n',
        ("dòng 2, cột", "hãy viết đường dẫn với ‘/’ hoặc trong dấu nháy đơn"),
        ("line 2, column", "Unescaped"),
    ),
    "windows path read as an escape": Case(  # "\r" in TOML's double quotes is a carriage return
        "--config",
        "k.toml",
        '[signatures]\ntrust_roots = ["C:\\roots"]\n',
        ("khóa signatures.trust_roots", "có ký tự điều khiển trong đường dẫn", "dấu nháy đơn"),
        ("holds a control character in the path", "single quotes"),
    ),
    "unknown key": Case(
        "--config",
        "k.toml",
        "[period]\nyeer = 2023\n",
        ("mục [period] không có khóa yeer", "Hãy sửa tên khóa, có lẽ là year", "year, start, end"),
        ("[period] has no key yeer", "Correct its name, perhaps year"),
    ),
    "unknown section": Case(
        "--config",
        "k.toml",
        '[reports]\nlang = "vi"\n',
        ("có mục [reports] không tồn tại", "Hãy sửa tên mục, có lẽ là report"),
        ("unknown section [reports]", "perhaps report"),
    ),
    "key outside its section": Case(
        "--config",
        "k.toml",
        "year = 2023\n",
        ("khóa year không nằm trong mục nào", "Hãy đặt nó ở dưới dòng tên mục [period]"),
        ("year is outside any section", "[period]"),
    ),
    "wrong type": Case(
        "--config",
        "k.toml",
        '[period]\nyear = "2023"\n',
        ("khóa period.year trong tệp cấu hình", 'phải là một số nguyên (không có dấu ngoặc kép), không phải "2023"'),
        ("period.year in the config file", "must be a whole number (no quotes)"),
    ),
    "bad enum value": Case(
        "--config",
        "k.toml",
        '[run]\nfail_on = "sometimes"\n',
        ("khóa run.fail_on", 'phải là một trong "never", "zero", "error", "warning"', "Hãy sửa giá trị đó"),
        ("run.fail_on in the config file", "must be one of", "Correct it"),
    ),
    "bad date": Case(
        "--config",
        "k.toml",
        '[period]\nstart = "30/01/2023"\nend = "2023-12-31"\n',
        ("khóa period.start", 'không phải "30/01/2023"', 'Hãy viết, ví dụ, "2023-01-01"'),
        ("period.start in the config file", "must be an ISO date"),
    ),
    "end before start": Case(
        "--config",
        "k.toml",
        '[period]\nstart = "2023-12-31"\nend = "2023-01-01"\n',
        ("kỳ đánh giá kết thúc ngày 01/01/2023, trước ngày bắt đầu 31/12/2023", "Hãy sửa period.start, period.end"),
        ("the period ends on 2023-01-01, before it starts on 2023-12-31",),
    ),
    "number out of range": Case(
        "--config",
        "k.toml",
        "[batch]\ntimeout = 0\n",
        ("khóa batch.timeout trong tệp cấu hình", "phải lớn hơn 0, không phải 0"),
        ("batch.timeout in the config file", "must be more than 0"),
    ),
    "list of strings": Case(
        "--config",
        "k.toml",
        "[report]\nissuer = [1]\n",
        ("khóa report.issuer", 'phải là danh sách chuỗi, mỗi chuỗi trong dấu ngoặc kép, ví dụ ["a", "b"]'),
        ("report.issuer in the config file", "must be a list of strings"),
    ),
    "config not utf-8": Case(
        "--config",
        "k.toml",
        '[report]\nplace = "Hà Nội"\n'.encode("utf-16"),
        ("không đọc được tệp cấu hình", "không phải văn bản mã hóa UTF-8", "Hãy kiểm tra đường dẫn sau --config"),
        ("cannot read the config file", "not UTF-8 text"),
    ),
    "config missing": Case(
        "--config",
        "không có.toml",
        None,
        ("không đọc được tệp cấu hình", "không có tệp hay thư mục này"),
        ("cannot read the config file", "no such file or folder"),
    ),
    "rule policy": Case(
        "--config",
        "k.toml",
        '[rules]\nignore = ["KC7"]\n',
        ("[rules]: không có quy tắc nào ứng với “KC7”", "hãy dùng mã (KC201)"),
        ("[rules]: no rule matches 'KC7'", "`kiemchung rules` lists the rules"),
    ),
    "criteria not a mapping": Case(
        "--criteria",
        "bộ tiêu chí.yaml",
        "- 1\n- 2\n",
        ("bộ tiêu chí", "không đúng định dạng", "Hãy viết theo mẫu criteria_map/sample-commune.yaml"),
        ("is not a criteria set", "Write it as criteria_map/sample-commune.yaml"),
    ),
    "criteria yaml syntax": Case(
        "--criteria",
        "c.yaml",
        "criteria:\n  - code: '1'\n   title: x\n",
        ("không đọc được bộ tiêu chí", "dòng 3, cột 4: “", "Hãy kiểm tra đường dẫn sau --criteria"),
        ("cannot read the criteria file", "line 3, column 4: expected <block end>"),
    ),
    "criteria duplicated codes": Case(
        "--criteria",
        "c.yaml",
        "criteria: [{code: '1', title: X}, {code: '1', title: Y}]\n",
        ("có mã tiêu chí trùng nhau: 1", "Hãy sửa để mỗi mã chỉ xuất hiện một lần"),
        ("has the same code more than once: 1",),
    ),
    "criteria bad code": Case(
        "--criteria",
        "c.yaml",
        "criteria: [{code: '1', title: X}, {code: '1.a', title: Y}]\n",
        ("tiêu chí thứ 2 có mã “1.a” không hợp lệ", "Hãy viết mã (code) dạng 1, 1.1 hoặc 3.2.6"),
        ("criterion #2 has the code '1.a'", "Write codes like 1, 1.1 or 3.2.6"),
    ),
    "criteria bad score": Case(
        "--criteria",
        "c.yaml",
        "criteria: [{code: '1', title: X, max_score: hai}]\n",
        ("tiêu chí thứ 1 (mã 1) có điểm tối đa (max_score) “hai” không phải là số", "Hãy viết một số"),
        ("criterion #1 (1) has a max_score 'hai' that is not a number",),
    ),
    "assignments without the columns": Case(
        "--assignments",
        "phân công.csv",
        "code,title\n1,2\n",
        ("bảng phân công", "không có dòng tiêu đề", "dòng đầu có “code”, “title”", "Hãy đặt tên hai cột đó"),
        ("has no header row naming both", "Name the two columns"),
    ),
    "assignments yaml not a list": Case(
        "--assignments",
        "phân công.yaml",
        "responsible: Văn phòng\n",
        ("bảng phân công", "phải là một danh sách, mỗi mục có responsible", "Hãy viết mỗi mục như"),
        ("is not a list of {responsible, criteria} entries",),
    ),
    "trust root missing": Case(
        "--trust-root",
        "gốc.pem",
        None,
        ("không tìm thấy chứng thư gốc", "Hãy kiểm tra đường dẫn sau --trust-root"),
        ("does not exist", "Check the path after --trust-root"),
    ),
    "trust root not a certificate": Case(
        "--trust-root",
        "gốc.pem",
        "not a certificate",
        ("không phải chứng thư số (PEM hoặc DER)", "Hãy tải lại tệp chứng thư gốc từ nơi cấp (xem README, mục Trust"),
        ("is not a certificate (PEM or DER)", "Download the root certificate again"),
    ),
    "trust root a private key": Case(
        "--trust-root",
        "khóa.pem",
        PRIVATE_KEY,
        ("không chứa chứng thư số nào", "Hãy dùng tệp chứng thư gốc"),
        ("holds no certificate",),
    ),
    "trust root empty folder": Case(
        "--trust-root",
        "chứng thư",
        "/",
        ("thư mục chứng thư gốc", "không có tệp chứng thư nào (.pem, .crt, .cer hoặc .der)", "Hãy chép"),
        ("holds no certificate file", "Copy the root certificates"),
    ),
    "waivers unknown column": Case(
        "--waivers",
        "miễn trừ.csv",
        "code,title\n1,2\n",
        ("tệp miễn trừ", "không rõ cột/khóa “code”", "Hãy đổi tên thành một trong: unit (đơn vị)"),
        ("has an unknown column or key 'code'", "Rename it to one of: unit, file"),
    ),
    "waivers missing field": Case(
        "--waivers",
        "miễn trừ.yaml",
        "- {unit: A, rule: unsigned, who: B}\n",
        ("mục 1: thiếu reason (lý do)", "Hãy điền đủ"),
        ("reason missing", "Give every waiver its unit, rule, reason"),
    ),
}


def bad_file(folder: Path, case: Case) -> Path:
    path = folder / case.name
    if case.content == "/":
        path.mkdir()
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    elif case.content is not None:
        path.write_text(case.content, encoding="utf-8")
    return path


def stop_message(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """What `kiemchung` printed when it stopped, after checking that it stopped as a configuration error."""
    assert main(argv) == ExitCode.CONFIG
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("kiemchung: ")
    return line.removeprefix("kiemchung: ")


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_bad_file_stops_the_run_saying_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    evidence = tmp_path / "hồ sơ"
    evidence.mkdir()
    path = bad_file(tmp_path, case)
    argv = ["check", str(evidence), "--year", "2023", "--out", str(tmp_path / "out"), case.option, str(path)]

    vietnamese = stop_message(capsys, argv)
    assert path.name in vietnamese
    assert "Hãy" in vietnamese or "hãy" in vietnamese  # what to do
    for words in case.vietnamese:
        assert words in vietnamese
    assert not english_words(vietnamese, own=(str(path), *IDENTIFIERS)), vietnamese

    english = stop_message(capsys, [*argv, "--lang", "en"])
    assert path.name in english
    for words in case.english:
        assert words in english
    assert "Hãy" not in english and "hãy" not in english
    assert not (tmp_path / "out").exists()  # stopped before anything was written


def test_a_command_line_value_is_named_as_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", str(tmp_path), "--year", "2023", "--jobs", "-1"]
    assert stop_message(capsys, argv) == (
        "tùy chọn --jobs phải từ 0 trở lên, không phải -1. Hãy sửa giá trị đó rồi chạy lại."
    )
    assert stop_message(capsys, [*argv, "--lang", "en"]) == (
        "the option --jobs must be at least 0, not -1. Correct it and run again."
    )


def test_the_rules_command_stops_the_same_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "k.toml"
    path.write_text("[rules.number-sufix]\nzeroes = false\n", encoding="utf-8")
    message = stop_message(capsys, ["rules", "--config", str(path)])
    assert f"{path} [rules.number-sufix]: không có quy tắc “number-sufix”" in message and "Hãy sửa tên mục" in message
    english = stop_message(capsys, ["rules", "--config", str(path), "--lang", "en"])
    assert "no rule 'number-sufix'. Name the table after a rule's code or name" in english


@pytest.mark.parametrize("kind", [TrustRootError, CriteriaFileError, AssignmentFileError, WaiverFileError, PolicyError])
def test_the_file_errors_carry_both_languages_across_processes(kind: type[BilingualError]) -> None:
    """A worker process can raise a trust-root error: it comes back whole, its English with it."""
    error = pickle.loads(pickle.dumps(kind("tiếng Việt", "English")))
    assert (type(error), str(error), error.english) == (kind, "tiếng Việt", "English")
    assert isinstance(error, ValueError)
