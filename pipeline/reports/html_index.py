"""What the batch's index.html shows, as plain data for `templates/index.html.j2`: units by points at risk
with their rank, share of the maximum and fields' points, a chart of them, the folder tree as read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from kiemchung.criteria_map.models import UnitAssessment
from kiemchung.criteria_map.ranking import batch_fields, by_risk, ranks
from kiemchung.pipeline.labels import Lang, label, percent, score
from kiemchung.pipeline.reports.html_view import points
from kiemchung.pipeline.reports.tree import TreeReport

PAGE_NAME = "report.html"  # a unit's page, in its folder


@dataclass(frozen=True)
class UnitRow:
    name: str
    href: str
    rank: str  # by recommended total ("—" when unknown)
    self_score: str
    recommended_score: str
    share: str  # the recommended total as a percentage of the maximum
    at_risk: str  # points at risk, or "not submitted"
    zeroed: tuple[str, ...]
    fields: tuple[str, ...]  # each field's recommended points, in the order of `IndexView.fields`


@dataclass(frozen=True)
class FieldColumn:
    heading: str  # "LV 1"
    title: str  # the field's title, shown on hover


@dataclass(frozen=True)
class Bar:
    """One unit's bar in the chart of points at risk, in SVG user units."""

    title: str  # the full name and the points, shown on hover
    name: str  # cut to 40 characters
    value: str
    baseline: float  # of the name and the value
    top: int
    length: float
    value_x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    name_x: int  # where the names end (they are right-aligned)
    bar_x: int  # where the bars and the axis start
    bar_height: int
    axis: tuple[int, int]  # its top and bottom
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class IndexView:
    title: str
    count: int
    rows: tuple[UnitRow, ...]
    fields: tuple[FieldColumn, ...]
    chart: Chart
    tree: TreeReport | None  # shown when it holds files outside any unit or warnings


def unit_href(unit: UnitAssessment) -> str:
    """The index's link to a unit's page: `<unit folder>/report.html`, percent-encoded ("/" kept: nested units)."""
    return f"{quote(unit.unit, safe='/')}/{PAGE_NAME}"


def _chart(units: Sequence[UnitAssessment], lang: Lang) -> Chart:
    """Horizontal bars of points at risk, one per unit, labelled (plain SVG, no script)."""
    label_width, bar_area, row, top = 330, 560, 34, 10
    largest = max((u.totals.points_at_risk or 0.0 for u in units), default=0.0) or 1.0
    bars = []
    for index, unit in enumerate(units):
        risk = unit.totals.points_at_risk
        y = top + index * row
        length = round(bar_area * (risk or 0.0) / largest, 1)
        bars.append(
            Bar(
                title=f"{unit.unit}: {points(risk, lang)}",
                name=unit.unit if len(unit.unit) <= 40 else unit.unit[:39] + "…",
                value=points(risk, lang),
                baseline=y + row / 2 + 5,
                top=y + 6,
                length=length,
                value_x=label_width + length + 8,
            )
        )
    height = top * 2 + row * len(units)
    return Chart(
        label_width + bar_area + 90, height, label_width - 10, label_width, row - 12, (top, height - top), tuple(bars)
    )


def index_view(units: Sequence[UnitAssessment], lang: Lang, tree: TreeReport | None) -> IndexView:
    """Everything index.html shows of a batch: units by points at risk, a chart of them, the folder tree."""
    ordered = by_risk(units)
    rank = ranks(units)
    fields = batch_fields(units)

    def row(unit: UnitAssessment) -> UnitRow:
        totals = unit.totals
        by_field = {field.code: field_totals.recommended_score for field, field_totals in unit.field_totals()}
        position = rank[unit.unit]
        return UnitRow(
            name=unit.unit,
            href=unit_href(unit),
            rank=str(position) if position is not None else label("unknown", lang),
            self_score=score(totals.self_score, lang),
            recommended_score=score(totals.recommended_score, lang),
            share=percent(totals.recommended_share, lang),
            at_risk=score(totals.points_at_risk, lang) if unit.submitted else label("not_submitted", lang),
            zeroed=tuple(c.code for c in unit.criteria if c.zeroed),
            fields=tuple(score(by_field.get(field.code), lang) for field in fields),
        )

    columns = tuple(FieldColumn(label("field_column", lang, code=field.code), field.title) for field in fields)
    years = sorted({u.year for u in units})
    title = label("summary_title", lang) + (f" {', '.join(map(str, years))}" if years else "")
    shown = tree if tree is not None and (tree.outside or tree.warnings) else None
    return IndexView(title, len(units), tuple(map(row, ordered)), columns, _chart(ordered, lang), shown)
