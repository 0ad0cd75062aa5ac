"""The typed config: defaults file as schema, unknown keys rejected, CLI wins."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import MISSING
from pathlib import Path

import pytest

from kiemchung.pipeline.cache import default_cache_dir
from kiemchung.pipeline.config import Config, FailOn, defaults, load_config
from kiemchung.pipeline.errors import ConfigError, UsageError
from kiemchung.validators.model import RuleContext


def test_year_gives_the_calendar_period() -> None:
    config = load_config(year=2023)
    assert (config.period_start, config.period_end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert config.fail_on is FailOn.NEVER


def test_period_from_file(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[period]\nstart = "2022-10-01"\nend = "2023-09-30"\n[run]\nfail_on = "zero"\n', "utf-8")
    config = load_config(path)
    assert (config.period_start, config.period_end, config.year) == (dt.date(2022, 10, 1), dt.date(2023, 9, 30), 2023)
    assert config.fail_on is FailOn.ZERO
    assert load_config(path, fail_on="never").fail_on is FailOn.NEVER


@pytest.mark.parametrize(
    "text",
    ['[period]\nyeer = 2023\n', '[reports]\nx = 1\n', '[period]\nyear = "2023"\n', '[run]\nfail_on = "sometimes"\n',
     '[period]\nstart = "30/01/2023"\nend = "2023-12-31"\n', "not toml [", '[report]\nissuer = [1]\n'],
)
def test_bad_config_is_rejected(tmp_path: Path, text: str) -> None:
    path = tmp_path / "k.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError):
        load_config(path, year=2023)


def test_year_is_required() -> None:
    with pytest.raises(UsageError):
        load_config()


def test_formats_and_language() -> None:
    from kiemchung.pipeline.labels import Lang

    config = load_config(year=2023)
    assert config.formats == {"json", "xlsx", "html", "docx"} and config.lang is Lang.VI
    assert config.issuer == () and config.place == ""
    config = load_config(year=2023, formats="json, html", lang="en")
    assert config.formats == {"json", "html"} and config.lang is Lang.EN
    with pytest.raises(UsageError):
        load_config(year=2023, formats="json,pdf")


def test_defaults_live_in_defaults_toml_only() -> None:
    """Neither the typed config nor the rules' context sets a default of its own: every value of a run
    without a config file is the one `defaults.toml` states, so the two cannot drift apart."""
    for model in (Config, RuleContext):
        fields = dataclasses.fields(model)
        own = [f.name for f in fields if f.default is not MISSING or f.default_factory is not MISSING]
        assert own == [], f"{model.__name__} sets defaults of its own: {own}"
    toml = defaults()
    config = load_config(year=2023)
    run, batch, signatures, report = toml["run"], toml["batch"], toml["signatures"], toml["report"]
    assert (config.layout, config.fail_on, config.ocr) == (run["layout"], run["fail_on"], toml["ocr"]["mode"])
    assert (config.jobs, config.timeout) == (batch["jobs"], batch["timeout"])
    assert config.recycle_after == batch["recycle_after"]
    assert (config.executor, config.scheduler) == (batch["executor"], batch["scheduler"])
    assert config.cache_dir == default_cache_dir() and batch["cache"] and batch["cache_dir"] == ""
    assert config.formats == set(report["formats"]) and config.lang == report["lang"]
    assert (list(config.issuer), config.place) == (report["issuer"], report["place"])
    assert config.criteria_file is None and config.assignments_file is None and config.trust_roots == ()
    context = config.rule_context(dt.date(2024, 3, 1))
    assert (context.period_start, context.period_end, context.today) == (
        dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 3, 1)
    )
    assert list(context.unsigned_exempt_issuers) == signatures["unsigned_exempt_issuers"]
    assert (context.max_days_to_sign, context.signer_match_threshold, context.sha1) == (
        signatures["max_days_to_sign"], signatures["signer_match_threshold"], signatures["sha1"]
    )


def test_jobs_stays_as_configured() -> None:
    """0 (one worker per core) is resolved when the workers start, so 1, reading in this process, stays distinct."""
    assert load_config(year=2023).jobs == 0
    assert load_config(year=2023, jobs=1).jobs == 1
    with pytest.raises(ConfigError):
        load_config(year=2023, jobs=-1)
