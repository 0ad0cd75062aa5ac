"""What changed between two rounds of a unit: two report.json contents in, the differences out.

Every upload is a round; a clerk who fixed the evidence and the council who appraises again both want to
see what the new round fixed, what it broke and which recommended scores moved, without reading two reports
side by side. A finding is the same across rounds when its rule code and its place are (the criterion, the
document's path, or the unit as a whole): its message is not part of it, since a message quotes figures
that change with the evidence (a count of files, a date) while the problem stays the same one.

Pure: no database, no files; `kiemchung.web.views` loads the reports and shows the result.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kiemchung.pipeline.labels import score

Report = Mapping[str, Any]  # a report.json's content (pipeline/schema/report.schema.json)


@dataclass(frozen=True)
class Place:
    """Where a finding is: a criterion, a document (its path in the evidence tree), or neither (the unit)."""

    criterion: str | None = None
    path: str | None = None

    @property
    def label(self) -> str:
        if self.criterion is not None:
            return f"Tiêu chí {self.criterion}"
        if self.path is not None:
            return f"Tệp {self.path}"
        return "Toàn đơn vị"


@dataclass(frozen=True)
class FindingChange:
    code: str  # the rule's code, KC301
    rule: str  # the rule's name, unsigned
    place: Place
    message: str  # as the round that has the finding words it

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "rule": self.rule, "criterion": self.place.criterion, "path": self.place.path,
                "message": self.message}


@dataclass(frozen=True)
class ScoreChange:
    """A recommended score that moved (None: the criterion is not in that round's self-assessment)."""

    criterion: str
    title: str
    previous: float | None
    current: float | None

    @property
    def label(self) -> str:
        return f"{score(self.previous)} → {score(self.current)} điểm"

    def as_json(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "title": self.title, "previous": self.previous, "current": self.current}


@dataclass(frozen=True)
class Changes:
    fixed: tuple[FindingChange, ...]  # in the previous round, not in this one
    new: tuple[FindingChange, ...]  # in this round, not in the previous one
    scores: tuple[ScoreChange, ...]  # criteria whose recommended score changed, in this round's order
    previous_total: float | None
    current_total: float | None

    @property
    def none(self) -> bool:
        return not (self.fixed or self.new or self.scores)

    @property
    def total_label(self) -> str:
        return f"{score(self.previous_total)} → {score(self.current_total)} điểm"

    def as_json(self) -> dict[str, Any]:
        return {
            "fixed": [change.as_json() for change in self.fixed],
            "new": [change.as_json() for change in self.new],
            "scores": [change.as_json() for change in self.scores],
            "recommended_total": {"previous": self.previous_total, "current": self.current_total},
        }


def compare(previous: Report, current: Report) -> Changes:
    """What `current` (this round's report.json) changed since `previous` (the round before)."""
    before, after = findings_by_key(previous), findings_by_key(current)
    return Changes(
        fixed=tuple(change for key, change in before.items() if key not in after),
        new=tuple(change for key, change in after.items() if key not in before),
        scores=_score_changes(previous, current),
        previous_total=previous["summary"]["recommended_score"],
        current_total=current["summary"]["recommended_score"],
    )


def findings_by_key(report: Report) -> dict[tuple[str, Place], FindingChange]:
    """Each (rule code, place) once, in the report's order: the unit's, the criteria's, the documents'."""
    found: dict[tuple[str, Place], FindingChange] = {}
    for place, finding in _findings(report):
        found.setdefault((finding["code"], place), FindingChange(finding["code"], finding["rule"], place,
                                                                 finding["message"]))
    return found


def _findings(report: Report) -> Iterator[tuple[Place, Mapping[str, Any]]]:
    for finding in report["findings"]:
        yield Place(), finding
    for criterion in report["criteria"]:
        for finding in criterion["findings"]:
            yield Place(criterion=criterion["code"]), finding
    for document in report["evidence"]:
        for finding in document["findings"]:
            yield Place(path=document["path"]), finding


def _score_changes(previous: Report, current: Report) -> tuple[ScoreChange, ...]:
    """Leaf criteria only: a field's score is the sum of its criteria's and would repeat their change."""
    before, after = leaf_criteria(previous), leaf_criteria(current)
    changes = []
    for code in [*after, *(code for code in before if code not in after)]:
        old, new = before.get(code, {}), after.get(code, {})
        if old.get("recommended_score") != new.get("recommended_score"):
            title = new.get("title") or old["title"]
            changes.append(ScoreChange(code, title, old.get("recommended_score"), new.get("recommended_score")))
    return tuple(changes)


def leaf_criteria(report: Report) -> dict[str, Mapping[str, Any]]:
    """The criteria that are scored themselves (not a field, whose score sums theirs), by code, in order."""
    parents = {criterion["parent"] for criterion in report["criteria"]}
    return {criterion["code"]: criterion for criterion in report["criteria"] if criterion["code"] not in parents}
