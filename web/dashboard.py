"""The council's dashboard: every unit with its status, its totals after review and its rank, and the same
table as a workbook that looks like the CLI's (`kiemchung.pipeline.reports.workbook`).

A unit is judged on its latest checked submission, and ranked by its final total with the CLI's ranking rule
(`kiemchung.criteria_map.ranking.ranked_by`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from kiemchung.criteria_map.ranking import ranked_by
from kiemchung.pipeline.reports.cells import CellValue
from kiemchung.pipeline.reports.workbook import Book, Row, Title
from kiemchung.web.models import Status, Submission, Unit
from kiemchung.web.review import Review, review_of
from kiemchung.web.rounds import Report

ReadReport = Callable[[Submission], Report]  # a checked submission's report.json


class UnitStatus(StrEnum):
    NOT_SUBMITTED = "not-submitted"
    CHECKING = "checking"
    FAILED = "failed"
    READY = "ready"
    REVIEWED = "reviewed"
    LOCKED = "locked"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    UnitStatus.NOT_SUBMITTED: "Chưa nộp",
    UnitStatus.CHECKING: "Đang kiểm tra",
    UnitStatus.FAILED: "Không kiểm tra được",
    UnitStatus.READY: "Đã có kết quả",
    UnitStatus.REVIEWED: "Đã thẩm định",
    UnitStatus.LOCKED: "Đã khóa",
}
HEADERS = ("Hạng", "Đơn vị", "Trạng thái", "Lần nộp", "Tổng điểm tự đánh giá", "Tổng điểm đề xuất",
           "Tổng điểm thẩm định", "Điểm có nguy cơ bị trừ", "Phát hiện bị bác bỏ", "Tiêu chí Hội đồng cho điểm")


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    status: UnitStatus
    submission: Submission | None  # the latest checked one, reviewed or not
    review: Review | None
    rank: int | None = None

    @property
    def values(self) -> tuple[CellValue, ...]:
        """The row as the workbook and the page show it (None: unknown)."""
        review = self.review
        return (self.rank, self.unit.name, self.status.label, self.submission.pk if self.submission else None,
                review.self_total if review else None, review.recommended_total if review else None,
                review.final_total if review else None, review.points_at_risk if review else None,
                review.dismissed if review else None,
                sum(1 for c in review.criteria if c.council is not None) if review else None)


def dashboard(units: Iterable[Unit], read_report: ReadReport) -> list[UnitRow]:
    """Every unit's row, ranked by final total."""
    return ranked([_row(unit, read_report) for unit in units])


def _row(unit: Unit, read_report: ReadReport) -> UnitRow:
    latest = unit.submissions.order_by("-pk").first()
    checked = unit.submissions.filter(status=Status.DONE).order_by("-pk").first()
    review = review_of(checked, read_report(checked)) if checked else None
    if unit.locked:
        status = UnitStatus.LOCKED
    elif latest is not None and latest.status in (Status.QUEUED, Status.READING):
        status = UnitStatus.CHECKING
    elif review is not None:
        status = UnitStatus.REVIEWED if review.decided else UnitStatus.READY
    else:
        status = UnitStatus.FAILED if latest is not None else UnitStatus.NOT_SUBMITTED
    return UnitRow(unit, status, checked, review)


def ranked(rows: list[UnitRow]) -> list[UnitRow]:
    """Highest final total first, equal totals sharing a rank (1, 2, 2, 4); unknown totals last, unranked."""
    by_total = ranked_by(rows, total=lambda row: row.review.final_total if row.review else None,
                         name=lambda row: row.unit.name)
    return [replace(row, rank=rank) for rank, row in by_total]


def write_workbook(rows: Iterable[UnitRow], path: Path) -> None:
    """The dashboard as the CLI's workbooks look: a title, then the table, bold frozen header, filter."""
    book = Book()
    sheet = book.sheet("Tổng hợp thẩm định")
    sheet.append([Title("Tổng hợp kết quả thẩm định tài liệu kiểm chứng")], fit=False)
    sheet.append()
    sheet.table(HEADERS, (Row(row.values) for row in rows))
    book.save(path)
