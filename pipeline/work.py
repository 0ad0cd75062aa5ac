"""One unit of parallel work: read one file (evidence or a self-assessment table), never raise.

A `ReadJob` carries everything a worker needs, so it can cross to another process or to another
machine (Dask) as it is; its result is the extractor's frozen facts. What a job cannot deliver (its
time ran out, its worker died) becomes an `unreadable` fact here, in one place for every executor.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from kiemchung.extractors.hashing import file_sha256
from kiemchung.extractors.models import DocumentFacts, ReadError, ReadProblem, SelfAssessmentTable
from kiemchung.extractors.sniff import is_system_file, kind_for_name
from kiemchung.pipeline.pool import FailureKind

Facts = DocumentFacts | SelfAssessmentTable

_FAILURE_PROBLEMS = {FailureKind.TIMEOUT: ReadProblem.TIMEOUT, FailureKind.CRASHED: ReadProblem.CRASHED}


@dataclass(frozen=True)
class ReadJob:
    path: Path
    table: bool  # the unit's self-assessment table, not evidence
    trust_roots: tuple[Path, ...] = ()
    sha256: str = ""  # as hashed when the job was planned; "" when not hashed (links, unreadable)
    ocr: bool = False  # read scanned headers and pictures with Tesseract
    size: int = 0  # bytes, as hashed (0 when not hashed): the largest files are handed out first

    @property
    def content_key(self) -> str:
        """What the facts depend on: the bytes, and the name's extension and litter status."""
        return f"{self.sha256}|{self.path.suffix.lower()}|{is_system_file(self.path.name)}|{self.table}"


def job_for(path: Path, *, table: bool, trust_roots: tuple[Path, ...] = (), ocr: bool = False) -> ReadJob:
    """The job for a file, hashed when it is a regular file (a link, a pipe, a device or a path the
    system cannot reach or read is never opened here: the reader meets the same error and reports it)."""
    try:
        size, sha256 = file_sha256(path) if stat.S_ISREG(path.lstat().st_mode) else (0, "")
    except OSError:
        size, sha256 = 0, ""
    return ReadJob(path, table, trust_roots, sha256, ocr, size)


def perform(job: ReadJob) -> Facts:
    """Read the job's file: what a worker runs."""
    # The reading stack (pyHanko, pypdf, openpyxl) is imported by the first job, not by a run whose
    # files are all in the cache; forked workers inherit it from the parent, which imports it first.
    from kiemchung.extractors.reader import read_document
    from kiemchung.extractors.self_assessment import read_self_assessment

    if job.table:
        return read_self_assessment(job.path)
    return read_document(job.path, trust_roots=job.trust_roots, ocr=job.ocr)


def failed(job: ReadJob, kind: FailureKind, detail: str) -> Facts:
    """The facts of a job that produced none."""
    error = ReadError(_FAILURE_PROBLEMS[kind], detail)
    if job.table:
        return SelfAssessmentTable(read_error=error)
    try:
        size = job.path.stat().st_size
    except OSError:
        size = 0
    return DocumentFacts(kind=kind_for_name(job.path), size=size, sha256=job.sha256, read_error=error)


def cacheable(job: ReadJob, facts: Facts) -> bool:
    """Whether the facts depend on the file's bytes alone (and those bytes are still what was hashed).

    A time-out, a crash, a link or a permission problem says something about this run or this
    file system, not about the content: it is read again next time.
    """
    if not job.sha256 or (facts.read_error and facts.read_error.problem in _TRANSIENT):
        return False
    # The reader hashes what it reads (system files it does not open): the file must not have changed since.
    return not isinstance(facts, DocumentFacts) or facts.sha256 in (job.sha256, "")


_TRANSIENT = frozenset({ReadProblem.TIMEOUT, ReadProblem.CRASHED, ReadProblem.NO_ACCESS, ReadProblem.LINK})
