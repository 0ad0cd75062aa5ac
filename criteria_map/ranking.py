"""How the units of a batch compare: their rank, the council's order of work, and the fields they share.

Two orders, for two questions:
- `ranked`: the ranking, by recommended total, highest first; equal totals share a rank
  (1, 2, 2, 4) and units whose total is unknown come last, unranked;
- `by_risk`: the order a council works in: units that submitted nothing to judge first, then by
  points at risk, highest first, unknown last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from kiemchung.criteria_map.criteria import code_key
from kiemchung.criteria_map.models import CriterionAssessment, UnitAssessment

T = TypeVar("T")


def ranked(units: Sequence[UnitAssessment]) -> list[tuple[int | None, UnitAssessment]]:
    """Units by recommended total, highest first, each with its rank (None: its total is unknown)."""
    return ranked_by(units, total=lambda unit: unit.totals.recommended_score, name=lambda unit: unit.unit)


def ranked_by(items: Sequence[T], *, total: Callable[[T], float | None], name: Callable[[T], str]
              ) -> list[tuple[int | None, T]]:
    """The ranking rule on any totals (the web dashboard ranks by the council's final totals): highest first,
    equal totals sharing a rank (1, 2, 2, 4), by name among equals; unknown totals last, unranked, by name."""
    known = sorted((item for item in items if total(item) is not None), key=lambda item: (-(total(item) or 0.0),
                                                                                          name(item)))
    ranks: list[tuple[int | None, T]] = []
    for position, item in enumerate(known, start=1):
        tied = ranks and total(ranks[-1][1]) == total(item)
        ranks.append((ranks[-1][0] if tied else position, item))
    unknown = sorted((item for item in items if total(item) is None), key=name)
    return ranks + [(None, item) for item in unknown]


def ranks(units: Sequence[UnitAssessment]) -> dict[str, int | None]:
    """Each unit's rank by name (see `ranked`)."""
    return {unit.unit: rank for rank, unit in ranked(units)}


def by_risk(units: Sequence[UnitAssessment]) -> list[UnitAssessment]:
    """Units that submitted nothing first, then by points at risk (highest first, unknown last), then by name."""

    def key(unit: UnitAssessment) -> tuple[bool, bool, float, str]:
        risk = unit.totals.points_at_risk
        return unit.submitted, risk is None, -(risk or 0.0), unit.unit

    return sorted(units, key=key)


def batch_fields(units: Sequence[UnitAssessment]) -> list[CriterionAssessment]:
    """Every unit's fields (top-level criteria), one per code, in code order."""
    fields: dict[str, CriterionAssessment] = {}
    for unit in units:
        for field, _ in unit.field_totals():
            fields.setdefault(field.code, field)
    return sorted(fields.values(), key=lambda field: code_key(field.code))
