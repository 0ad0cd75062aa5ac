"""How the units of a batch compare: their rank, the council's order of work, and the fields they share.

Two orders, for two questions:
- `ranked`: the ranking, by recommended total, highest first; equal totals share a rank
  (1, 2, 2, 4) and units whose total is unknown come last, unranked;
- `by_risk`: the order a council works in: units that submitted nothing to judge first, then by
  points at risk, highest first, unknown last.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiemchung.criteria_map.criteria import code_key
from kiemchung.criteria_map.models import CriterionAssessment, UnitAssessment


def ranked(units: Sequence[UnitAssessment]) -> list[tuple[int | None, UnitAssessment]]:
    """Units by recommended total, highest first, each with its rank (None: its total is unknown)."""
    known = [unit for unit in units if unit.totals.recommended_score is not None]
    known.sort(key=lambda unit: (-(unit.totals.recommended_score or 0.0), unit.unit))
    ranks: list[tuple[int | None, UnitAssessment]] = []
    for position, unit in enumerate(known, start=1):
        tied = ranks and ranks[-1][1].totals.recommended_score == unit.totals.recommended_score
        ranks.append((ranks[-1][0] if tied else position, unit))
    unknown = sorted((unit for unit in units if unit.totals.recommended_score is None), key=lambda unit: unit.unit)
    return ranks + [(None, unit) for unit in unknown]


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
