"""The rules' context as a run with the default settings makes it, so no test restates a default."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from kiemchung.pipeline.config import load_config
from kiemchung.validators.model import RuleContext


def rule_context(period_start: dt.date, period_end: dt.date, today: dt.date, **settings: Any) -> RuleContext:
    """`defaults.toml`'s settings for this period and day; `settings` overrides some (`sha1=Sha1Policy.ZERO`)."""
    config = replace(load_config(year=period_end.year), period_start=period_start, period_end=period_end, **settings)
    return config.rule_context(today)
