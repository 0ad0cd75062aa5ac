"""The one exception extractors raise: a file that cannot be read, and why."""

from __future__ import annotations

from kiemchung.extractors.models import ReadProblem


class ReadFailure(Exception):
    """Raised inside extractors; `read_document` turns it into a `ReadError` fact."""

    def __init__(self, problem: ReadProblem, detail: str, actual_kind: str | None = None) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail
        self.actual_kind = actual_kind
