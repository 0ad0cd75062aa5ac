"""The one typed configuration object, read from `defaults.toml` plus the user's file.

The defaults file is the schema: a user key must exist there and have the same
type. The command line overrides the file.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

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


def _merge(defaults: dict[str, dict[str, Any]], user: dict[str, Any], origin: str) -> dict[str, dict[str, Any]]:
    merged = {section: dict(values) for section, values in defaults.items()}
    for section, values in user.items():
        if section not in defaults or not isinstance(values, dict):
            raise ConfigError(f"{origin}: unknown section [{section}] (known: {', '.join(defaults)})")
        for key, value in values.items():
            if key not in defaults[section]:
                raise ConfigError(f"{origin}: unknown key {section}.{key} (known: {', '.join(defaults[section])})")
            expected = type(defaults[section][key])
            if type(value) is not expected and not (expected is float and type(value) is int):
                raise ConfigError(f"{origin}: {section}.{key} must be {expected.__name__}, got {value!r}")
            merged[section][key] = value
    return merged


def _choice(enum: type[StrEnum], value: str, key: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise ConfigError(f"{key} must be one of {', '.join(m.value for m in enum)}, got {value!r}") from None


def _iso(value: str, key: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{key} must be an ISO date like 2023-01-01, got {value!r}") from None


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
    values = _merge(defaults(), user, str(path))
    period, run, signatures, criteria = values["period"], values["run"], values["signatures"], values["criteria"]
    report, batch = values["report"], values["batch"]
    chosen_year = year if year is not None else period["year"]
    start, end = _iso(period["start"], "period.start"), _iso(period["end"], "period.end")
    if not chosen_year and (start is None or end is None):
        raise UsageError(*both("year_missing"))
    if chosen_year and not 1990 <= chosen_year <= 2100:
        raise UsageError(*both("year_implausible", year=chosen_year))
    start = start or dt.date(chosen_year, 1, 1)
    end = end or dt.date(chosen_year, 12, 31)
    if end < start:
        raise ConfigError(f"period.end {end} is before period.start {start}")
    return Config(
        year=chosen_year or end.year,
        period_start=start,
        period_end=end,
        layout=_choice(Layout, layout or run["layout"], "run.layout"),
        fail_on=_choice(FailOn, fail_on or run["fail_on"], "run.fail_on"),
        trust_roots=_paths(signatures["trust_roots"], path) + tuple(trust_roots),
        unsigned_exempt_issuers=tuple(
            _strings(signatures["unsigned_exempt_issuers"], "signatures.unsigned_exempt_issuers")
        ),
        max_days_to_sign=_at_least(signatures["max_days_to_sign"], 0, "signatures.max_days_to_sign"),
        signer_match_threshold=_at_least(signatures["signer_match_threshold"], 0, "signatures.signer_match_threshold"),
        sha1=_choice(Sha1Policy, signatures["sha1"], "signatures.sha1"),
        criteria_file=criteria_file or _optional_path(criteria["file"], path),
        assignments_file=assignments_file or _optional_path(criteria["assignments"], path),
        formats=_formats(formats.split(",") if formats is not None else _strings(report["formats"], "report.formats")),
        lang=_choice(Lang, lang or report["lang"], "report.lang"),
        issuer=tuple(_strings(report["issuer"], "report.issuer")),
        place=report["place"],
        jobs=_at_least(jobs if jobs is not None else batch["jobs"], 0, "batch.jobs"),
        timeout=_positive(timeout if timeout is not None else batch["timeout"], "batch.timeout"),
        recycle_after=_at_least(batch["recycle_after"], 1, "batch.recycle_after"),
        cache_dir=None if no_cache or not batch["cache"] else cache_dir or _cache_dir(batch["cache_dir"], path),
        executor=_executor(executor or batch["executor"], scheduler or batch["scheduler"]),
        scheduler=scheduler or batch["scheduler"],
        ocr=_choice(OcrMode, values["ocr"]["mode"], "ocr.mode") if ocr is None else OcrMode.ON if ocr else OcrMode.OFF,
        policy=rule_policy(values["rules"], user.get("rules", {}), rule_tables, path, select, ignore),
        waivers_file=waivers_file or _optional_path(values["rules"]["waivers"], path),
    )


def load_policy(path: Path | None = None, select: list[str] | None = None, ignore: tuple[str, ...] = ()) -> RulePolicy:
    """The rule policy alone (`kiemchung rules`): the defaults, the user's `[rules]`, --select and --ignore."""
    user, rule_tables = split_rule_tables(_user_settings(path))
    values = _merge(defaults(), user, str(path))
    return rule_policy(values["rules"], user.get("rules", {}), rule_tables, path, select, ignore)


def _user_settings(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read config {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error


def _cache_dir(value: str, config_file: Path | None) -> Path:
    return _paths([value], config_file)[0] if value else default_cache_dir()


def _executor(value: str, scheduler: str) -> ExecutorKind:
    kind: ExecutorKind = _choice(ExecutorKind, value, "batch.executor")
    if kind is ExecutorKind.DASK and not scheduler:
        raise UsageError(*both("scheduler_missing"))
    return kind


def _positive(value: float, key: str) -> float:
    if value <= 0:
        raise ConfigError(f"{key} must be more than 0, got {value}")
    return float(value)


def _formats(names: list[str]) -> frozenset[str]:
    chosen = frozenset(name.strip().lower() for name in names if name.strip())
    if not chosen or not chosen <= set(REPORT_FORMATS):
        raise UsageError(*both("format_unknown", known=", ".join(REPORT_FORMATS), names=names))
    return chosen


def _optional_path(value: str, config_file: Path | None) -> Path | None:
    return _paths([value], config_file)[0] if value else None


def _strings(values: list[Any], key: str) -> list[str]:
    if not all(isinstance(value, str) for value in values):
        raise ConfigError(f"{key} must be a list of strings")
    return values


def _paths(values: list[Any], config_file: Path | None) -> tuple[Path, ...]:
    base = config_file.parent if config_file is not None else Path.cwd()
    return tuple(base / value for value in _strings(values, "signatures.trust_roots"))


def _at_least(value: int, minimum: int, key: str) -> int:
    if value < minimum:
        raise ConfigError(f"{key} must be at least {minimum}, got {value}")
    return value
