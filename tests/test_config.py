"""The typed config: defaults file as schema, unknown keys rejected, CLI wins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.config import FailOn, load_config
from pipeline.errors import ConfigError, UsageError


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
    from pipeline.labels import Lang

    config = load_config(year=2023)
    assert config.formats == {"json", "xlsx", "html", "docx"} and config.lang is Lang.VI
    assert config.issuer == () and config.place == ""
    config = load_config(year=2023, formats="json, html", lang="en")
    assert config.formats == {"json", "html"} and config.lang is Lang.EN
    with pytest.raises(UsageError):
        load_config(year=2023, formats="json,pdf")
