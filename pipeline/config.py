"""The one typed configuration object, read from `defaults.toml` plus the user's file.

The defaults file is the schema: a user key must exist there and have the same
type. The command line overrides the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kiemchung.extractors.errors import reason
from kiemchung.pipeline.cache import default_cache_dir
from kiemchung.pipeline.errors import ConfigError, UsageError
from kiemchung.pipeline.labels import Lang
from kiemchung.pipeline.messages import both
from kiemchung.pipeline.policy import rule_policy, split_rule_tables
from kiemchung.validators.model import RuleContext, RulePolicy, Sha1Policy

REPORT_FORMATS = ("json", "xlsx", "html", "docx")


class Layout(StrEnum):
    AUTO = "auto"
    UNIT = "unit"
    BATCH = "batch"


class ExecutorKind(StrEnum):
    LOCAL = "local"
    DASK = "dask"


class OcrMode(StrEnum):
    AUTO = "auto"
    ON = "on"
    OFF = "off"


class FailOn(StrEnum):
    NEVER = "never"
    ZERO = "zero"
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Config:
    """Every setting of a run. Its defaults are in `defaults.toml` only: `load_config` is how one is made."""

    year: int
    period_start: dt.date
    period_end: dt.date
    layout: Layout
    fail_on: FailOn
    trust_roots: tuple[Path, ...]
    unsigned_exempt_issuers: tuple[str, ...]
    max_days_to_sign: int
    signer_match_threshold: int
    sha1: Sha1Policy
    criteria_file: Path | None
    assignments_file: Path | None
    formats: frozenset[str]
    lang: Lang
    issuer: tuple[str, ...]  # the council's name in the Word documents' header, parent body first
    place: str  # the place in their "<place>, ngày … tháng … năm …"
    jobs: int  # 0: one worker process per core; 1: no worker process, every file read in this one
    timeout: float  # seconds per file, enforced by stopping its worker process (not with `jobs` 1)
    recycle_after: int
    cache_dir: Path | None  # None: no cache
    executor: ExecutorKind
    scheduler: str
    ocr: OcrMode
    policy: RulePolicy  # which rules run, with what severity and zeroing ([rules])
    waivers_file: Path | None  # the council's waivers of single findings

    def rule_context(self, today: dt.date) -> RuleContext:
        """What the rules are told of the settings, on the day of the check."""
        return RuleContext(
            self.period_start,
            self.period_end,
            today,
            unsigned_exempt_issuers=self.unsigned_exempt_issuers,
            max_days_to_sign=self.max_days_to_sign,
            signer_match_threshold=self.signer_match_threshold,
            sha1=self.sha1,
            policy=self.policy,
        )


@cache
def _default_text() -> str:
    return resources.files("kiemchung.pipeline").joinpath("defaults.toml").read_text(encoding="utf-8")


def defaults() -> dict[str, dict[str, Any]]:
    """`defaults.toml`: every setting's default, by section (a fresh copy)."""
    return tomllib.loads(_default_text())


def _merge(defaults: dict[str, dict[str, Any]], user: dict[str, Any], path: Path | None) -> dict[str, dict[str, Any]]:
    merged = {section: dict(values) for section, values in defaults.items()}
    for section, values in user.items():
        if not isinstance(values, dict):
            raise _outside_sections(section, defaults, path)
        if section not in defaults:
            hint, english_hint = _closest(section, defaults)
            raise ConfigError(
                f"tệp cấu hình {path} có mục [{section}] không tồn tại. Hãy sửa tên mục{hint}; các mục: "
                f"{', '.join(defaults)}.",
                f"the config file {path} has an unknown section [{section}]. Correct its name{english_hint}; the "
                f"sections are {', '.join(defaults)}.",
            )
        for key, value in values.items():
            if key not in defaults[section]:
                hint, english_hint = _closest(key, defaults[section])
                raise ConfigError(
                    f"tệp cấu hình {path}: mục [{section}] không có khóa {key}. Hãy sửa tên khóa{hint}; các khóa "
                    f"của mục này: {', '.join(defaults[section])}.",
                    f"the config file {path}: [{section}] has no key {key}. Correct its name{english_hint}; its keys "
                    f"are {', '.join(defaults[section])}.",
                )
            default = defaults[section][key]
            expected = type(default)
            if type(value) is not expected and not (expected is float and type(value) is int):
                kind, english_kind = _KINDS[expected]
                raise _invalid(
                    _setting(f"{section}.{key}", path),
                    f"phải là {kind}, không phải {_toml(value)}. Hãy sửa giá trị đó rồi chạy lại (giá trị mặc định: "
                    f"{key} = {_toml(default)}).",
                    f"must be {english_kind}, not {_toml(value)}. Correct it and run again (the default: "
                    f"{key} = {_toml(default)}).",
                )
            merged[section][key] = value
    return merged


# How each kind of setting is written, for a value of the wrong kind.
_KINDS: dict[type, tuple[str, str]] = {
    bool: ("true hoặc false (không có dấu ngoặc kép)", "true or false (no quotes)"),
    int: ("một số nguyên (không có dấu ngoặc kép)", "a whole number (no quotes)"),
    float: ("một số (không có dấu ngoặc kép)", "a number (no quotes)"),
    str: ("một chuỗi trong dấu ngoặc kép", "a string in double quotes"),
    list: ("một danh sách trong dấu ngoặc vuông", "a list in square brackets"),
}


def _toml(value: Any) -> str:
    """A value as it is written in TOML, for messages: "auto", 60.0, true, ["a", "b"]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return f"[{', '.join(_toml(item) for item in value)}]"
    return str(value)


def _outside_sections(key: str, defaults: dict[str, dict[str, Any]], path: Path | None) -> ConfigError:
    """A key written above every section (`year = 2023` before `[period]`), or a section written as a key."""
    owners = [section for section, keys in defaults.items() if key in keys]
    where, english_where = (f"[{owners[0]}]", f"[{owners[0]}]") if owners else ("của nó", "it belongs to")
    return ConfigError(
        f"tệp cấu hình {path}: khóa {key} không nằm trong mục nào. Hãy đặt nó ở dưới dòng tên mục {where}.",
        f"the config file {path}: {key} is outside any section. Put it under the line naming the section "
        f"{english_where}.",
    )


def _closest(name: str, known: Iterable[str]) -> tuple[str, str]:
    """A hint when a known name is close to a misspelt one (", có lẽ là year", in both languages), else nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return (f", có lẽ là {close[0]}", f", perhaps {close[0]}") if close else ("", "")


def _setting(key: str, path: Path | None, option: str | None = None) -> tuple[str, str]:
    """How a message names a setting: the command-line option that gave it, else its key in the config file."""
    if option:
        return f"tùy chọn {option}", f"the option {option}"
    if path is None:
        return f"khóa {key}", f"the setting {key}"
    return f"khóa {key} trong tệp cấu hình {path}", f"{key} in the config file {path}"


def _invalid(setting: tuple[str, str], vietnamese: str, english: str) -> ConfigError:
    """A setting's value cannot be used: `setting` names it, then what is wrong and what to do."""
    return ConfigError(f"{setting[0]} {vietnamese}", f"{setting[1]} {english}")


def _choice(enum: type[StrEnum], value: str, setting: tuple[str, str]) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(f'"{m.value}"' for m in enum)
        raise _invalid(
            setting,
            f"phải là một trong {allowed}, không phải {_toml(value)}. Hãy sửa giá trị đó rồi chạy lại.",
            f"must be one of {allowed}, not {_toml(value)}. Correct it and run again.",
        ) from None


def _iso(value: str, setting: tuple[str, str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _invalid(
            setting,
            f'phải là ngày viết theo dạng năm-tháng-ngày, không phải {_toml(value)}. Hãy viết, ví dụ, "2023-01-01" '
            f"cho ngày 01/01/2023.",
            f'must be an ISO date, not {_toml(value)}. Write it like "2023-01-01" for 1 January 2023.',
        ) from None


def load_config(
    path: Path | None = None,
    *,
    year: int | None = None,
    fail_on: str | None = None,
    layout: str | None = None,
    trust_roots: tuple[Path, ...] = (),
    criteria_file: Path | None = None,
    assignments_file: Path | None = None,
    formats: str | None = None,
    lang: str | None = None,
    jobs: int | None = None,
    timeout: float | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
    executor: str | None = None,
    scheduler: str | None = None,
    ocr: bool | None = None,
    select: list[str] | None = None,
    ignore: tuple[str, ...] = (),
    waivers_file: Path | None = None,
) -> Config:
    """Defaults, then the user's file, then command-line values (trust roots add up)."""
    user, rule_tables = split_rule_tables(_user_settings(path))
    values = _merge(defaults(), user, path)
    period, run, signatures, criteria = values["period"], values["run"], values["signatures"], values["criteria"]
    report, batch = values["report"], values["batch"]

    def setting(key: str, option: str | None = None) -> tuple[str, str]:
        return _setting(key, path, option)

    chosen_year = year if year is not None else period["year"]
    start, end = _iso(period["start"], setting("period.start")), _iso(period["end"], setting("period.end"))
    if not chosen_year and (start is None or end is None):
        raise UsageError(*both("year_missing"))
    if chosen_year and not 1990 <= chosen_year <= 2100:
        raise UsageError(*both("year_implausible", year=chosen_year))
    start = start or dt.date(chosen_year, 1, 1)
    end = end or dt.date(chosen_year, 12, 31)
    if end < start:
        raise ConfigError(
            f"tệp cấu hình {path}: kỳ đánh giá kết thúc ngày {end:%d/%m/%Y}, trước ngày bắt đầu {start:%d/%m/%Y}. "
            f"Hãy sửa period.start, period.end (hoặc --year) để ngày kết thúc không trước ngày bắt đầu.",
            f"the config file {path}: the period ends on {end}, before it starts on {start}. Correct period.start "
            f"and period.end (or --year) so that the end is not before the start.",
        )
    return Config(
        year=chosen_year or end.year,
        period_start=start,
        period_end=end,
        layout=_choice(Layout, layout or run["layout"], setting("run.layout")),
        fail_on=_choice(FailOn, fail_on or run["fail_on"], setting("run.fail_on")),
        trust_roots=_paths(_strings(signatures["trust_roots"], setting("signatures.trust_roots")), path,
                           setting("signatures.trust_roots"))
        + tuple(trust_roots),
        unsigned_exempt_issuers=tuple(
            _strings(signatures["unsigned_exempt_issuers"], setting("signatures.unsigned_exempt_issuers"))
        ),
        max_days_to_sign=_at_least(signatures["max_days_to_sign"], 0, setting("signatures.max_days_to_sign")),
        signer_match_threshold=_at_least(
            signatures["signer_match_threshold"], 0, setting("signatures.signer_match_threshold")
        ),
        sha1=_choice(Sha1Policy, signatures["sha1"], setting("signatures.sha1")),
        criteria_file=criteria_file or _optional_path(criteria["file"], path, setting("criteria.file")),
        assignments_file=assignments_file
        or _optional_path(criteria["assignments"], path, setting("criteria.assignments")),
        formats=_formats(
            formats.split(",") if formats is not None else _strings(report["formats"], setting("report.formats"))
        ),
        lang=_choice(Lang, lang or report["lang"], setting("report.lang")),
        issuer=tuple(_strings(report["issuer"], setting("report.issuer"))),
        place=report["place"],
        jobs=_at_least(
            batch["jobs"] if jobs is None else jobs, 0, setting("batch.jobs", None if jobs is None else "--jobs")
        ),
        timeout=_positive(
            batch["timeout"] if timeout is None else timeout,
            setting("batch.timeout", None if timeout is None else "--timeout"),
        ),
        recycle_after=_at_least(batch["recycle_after"], 1, setting("batch.recycle_after")),
        cache_dir=None
        if no_cache or not batch["cache"]
        else cache_dir or _cache_dir(batch["cache_dir"], path, setting("batch.cache_dir")),
        executor=_executor(executor or batch["executor"], scheduler or batch["scheduler"], setting("batch.executor")),
        scheduler=scheduler or batch["scheduler"],
        ocr=_choice(OcrMode, values["ocr"]["mode"], setting("ocr.mode"))
        if ocr is None
        else (OcrMode.ON if ocr else OcrMode.OFF),
        policy=rule_policy(values["rules"], user.get("rules", {}), rule_tables, path, select, ignore),
        waivers_file=waivers_file or _optional_path(values["rules"]["waivers"], path, setting("rules.waivers")),
    )


def load_policy(path: Path | None = None, select: list[str] | None = None, ignore: tuple[str, ...] = ()) -> RulePolicy:
    """The rule policy alone (`kiemchung rules`): the defaults, the user's `[rules]`, --select and --ignore."""
    user, rule_tables = split_rule_tables(_user_settings(path))
    values = _merge(defaults(), user, path)
    return rule_policy(values["rules"], user.get("rules", {}), rule_tables, path, select, ignore)


def _user_settings(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        vi, en = reason(error)
        raise ConfigError(
            f"không đọc được tệp cấu hình {path}: {vi}. Hãy kiểm tra đường dẫn sau --config, quyền đọc tệp và mã hóa "
            f"của tệp (UTF-8) rồi chạy lại.",
            f"cannot read the config file {path}: {en}. Check the path after --config, the file's permissions and "
            f"its encoding (UTF-8) and run again.",
        ) from error
    except tomllib.TOMLDecodeError as error:
        vi, en = _toml_problem(str(error))
        raise ConfigError(
            f"tệp cấu hình {path} không đúng cú pháp TOML ({vi}). Hãy sửa tệp rồi chạy lại.",
            f"the config file {path} is not valid TOML ({en}). Correct the file and run again.",
        ) from error


# tomllib's messages (Python 3.11), and how they read in Vietnamese; others are quoted as they are.
_TOML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), vietnamese)
    for pattern, vietnamese in (
        (r"Expected ']' at the end of a table declaration", "thiếu dấu ‘]’ ở cuối tên mục"),
        (r"Expected ']]' at the end of an array declaration", "thiếu dấu ‘]]’ ở cuối tên mục"),
        (r"Expected '=' after a key in a key/value pair", "thiếu dấu ‘=’ giữa khóa và giá trị"),
        (r"Invalid statement", "dòng này không phải tên mục [mục] hay khóa = giá trị"),
        (r"Invalid value", "giá trị không hợp lệ: chuỗi phải đặt trong dấu ngoặc kép"),
        (r"Unterminated string", "chuỗi thiếu dấu ngoặc kép đóng"),
        (r"Unclosed array", "danh sách thiếu dấu ‘]’ đóng"),
        (r"Unclosed inline table", "bảng thiếu dấu ‘}’ đóng"),
        (r"Unescaped '\\' in a string", "dấu ‘\\’ trong chuỗi: hãy viết đường dẫn với ‘/’ hoặc trong dấu nháy đơn"),
        (r"Cannot declare (.+) twice", "mục {0} được khai báo hai lần"),
        (r"Cannot overwrite a value", "một khóa được gán giá trị hai lần"),
        (r"Invalid initial character for a key part", "tên khóa bắt đầu bằng ký tự không hợp lệ"),
        (r"Invalid date or datetime", "ngày giờ không hợp lệ"),
        (r"(?:Found invalid|Illegal) character (.+)", "ký tự không được phép {0}"),
    )
)
_TOML_PLACE = re.compile(r"(?P<problem>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)")


def _toml_problem(message: str) -> tuple[str, str]:
    """Where tomllib stopped and why, in Vietnamese and English: "dòng 1, cột 8: thiếu dấu ‘]’ ở cuối tên mục"."""
    found = _TOML_PLACE.fullmatch(message)
    problem = found.group("problem") if found else message
    if found and found.group("line"):
        where, english_where = (
            f"dòng {found.group('line')}, cột {found.group('column')}: ",
            f"line {found.group('line')}, column {found.group('column')}: ",
        )
    else:
        where, english_where = ("cuối tệp: ", "at the end: ") if found else ("", "")
    for pattern, vietnamese in _TOML_PROBLEMS:
        if matched := pattern.fullmatch(problem):
            return where + vietnamese.format(*matched.groups()), english_where + problem
    return f"{where}“{problem}”", english_where + problem


def _cache_dir(value: str, config_file: Path | None, setting: tuple[str, str]) -> Path:
    return _paths([value], config_file, setting)[0] if value else default_cache_dir()


def _executor(value: str, scheduler: str, setting: tuple[str, str]) -> ExecutorKind:
    kind: ExecutorKind = _choice(ExecutorKind, value, setting)
    if kind is ExecutorKind.DASK and not scheduler:
        raise UsageError(*both("scheduler_missing"))
    return kind


def _positive(value: float, setting: tuple[str, str]) -> float:
    if not value > 0:  # NaN too
        raise _invalid(
            setting,
            f"phải lớn hơn 0, không phải {value:g}. Hãy sửa giá trị đó rồi chạy lại.",
            f"must be more than 0, not {value:g}. Correct it and run again.",
        )
    return float(value)


def _formats(names: list[str]) -> frozenset[str]:
    chosen = frozenset(name.strip().lower() for name in names if name.strip())
    if not chosen or not chosen <= set(REPORT_FORMATS):
        raise UsageError(*both("format_unknown", known=", ".join(REPORT_FORMATS), names=names))
    return chosen


def _optional_path(value: str, config_file: Path | None, setting: tuple[str, str]) -> Path | None:
    return _paths([value], config_file, setting)[0] if value else None


def _strings(values: list[Any], setting: tuple[str, str]) -> list[str]:
    if not all(isinstance(value, str) for value in values):
        raise _invalid(
            setting,
            'phải là danh sách chuỗi, mỗi chuỗi trong dấu ngoặc kép, ví dụ ["a", "b"]. Hãy sửa giá trị đó rồi chạy '
            "lại.",
            'must be a list of strings, each in double quotes, e.g. ["a", "b"]. Correct it and run again.',
        )
    return values


def _paths(values: list[str], config_file: Path | None, setting: tuple[str, str]) -> tuple[Path, ...]:
    """The paths, relative to the config file's folder. A control character in one is a Windows path written
    in TOML's double quotes, where "\\r" in "C:\\roots" is a carriage return: said, not read as another path."""
    for value in values:
        if any(not character.isprintable() for character in value):
            raise _invalid(
                setting,
                f"có ký tự điều khiển trong đường dẫn {value!r}: trong dấu ngoặc kép của TOML, dấu \\ bắt đầu một "
                "ký tự thoát (\\r, \\t…). Hãy viết đường dẫn trong dấu nháy đơn, ví dụ 'C:\\Chứng thư gốc', hoặc "
                "dùng dấu /, rồi chạy lại.",
                f"holds a control character in the path {value!r}: inside TOML's double quotes a \\ starts an escape "
                "(\\r, \\t…). Write the path in single quotes, e.g. 'C:\\roots', or with /, and run again.",
            )
    base = config_file.parent if config_file is not None else Path.cwd()
    return tuple(base / value for value in values)


def _at_least(value: int, minimum: int, setting: tuple[str, str]) -> int:
    if value < minimum:
        raise _invalid(
            setting,
            f"phải từ {minimum} trở lên, không phải {value}. Hãy sửa giá trị đó rồi chạy lại.",
            f"must be at least {minimum}, not {value}. Correct it and run again.",
        )
    return value
