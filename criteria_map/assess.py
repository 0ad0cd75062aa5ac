"""Group a unit's judged evidence by criterion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from criteria_map.models import CriterionAssessment, EvidenceItem, UnitAssessment


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(level) for level in code.split("."))


def assess_unit(
    unit: str,
    year: int,
    period: tuple[dt.date, dt.date],
    self_assessment: str | None,
    evidence: Sequence[EvidenceItem],
) -> UnitAssessment:
    """The unit's criteria, in code order, each with its evidence and what zeroes it."""
    codes = sorted({code for item in evidence for code in item.criteria}, key=_code_key)
    criteria = tuple(
        CriterionAssessment(
            code=code,
            evidence=tuple(item.path for item in evidence if code in item.criteria),
            findings=(),
            zeroed_by=tuple(item.path for item in evidence if code in item.criteria and item.zeroes),
        )
        for code in codes
    )
    return UnitAssessment(unit, year, period[0], period[1], self_assessment, tuple(evidence), criteria)
