"""The `check` run as a story: load the council's settings, find units, read and judge every file,
read the self-assessment, tie evidence to criteria, score, and write the reports."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kiemchung.criteria_map import EvidenceItem, UnitAssessment, assess_unit
from kiemchung.criteria_map.assignments import Assignment, AssignmentFileError, load_assignments
from kiemchung.criteria_map.criteria import CriteriaFileError, CriteriaSet, load_criteria
from kiemchung.criteria_map.waivers import Waiver, WaiverFileError, load_waivers, unused
from kiemchung.extractors.errors import reason
from kiemchung.extractors.hashing import file_sha256
from kiemchung.extractors.models import DocumentFacts, SelfAssessmentTable
from kiemchung.extractors.ocr import engine_version, ocr_available
from kiemchung.extractors.sniff import kind_for_name
from kiemchung.extractors.trust import TrustRootError, load_trust_roots
from kiemchung.pipeline.archives import WorkFolder
from kiemchung.pipeline.atomic import staged_folder, sweep
from kiemchung.pipeline.cache import ResultCache, canonical, code_fingerprint, digest
from kiemchung.pipeline.config import Config, ExecutorKind, FailOn, OcrMode
from kiemchung.pipeline.discovery import Tree, UnitFolder, discover
from kiemchung.pipeline.errors import ConfigError, InputError, OutputError, UsageError
from kiemchung.pipeline.labels import Lang, label, rule_label, score
from kiemchung.pipeline.messages import both, text
from kiemchung.pipeline.pool import default_jobs
from kiemchung.pipeline.progress import Progress
from kiemchung.pipeline.reports import write_batch_reports, write_unit_reports
from kiemchung.pipeline.reports.tree import tree_lines, tree_report, write_tree
from kiemchung.pipeline.work import Facts, ReadJob, cacheable, job_for
from kiemchung.validators import RuleContext, Severity, validate_document

if TYPE_CHECKING:
    from kiemchung.pipeline.executors import Executor


@dataclass(frozen=True)
class RunResult:
    units: tuple[UnitAssessment, ...]
    out_dir: Path
    unused_waivers: tuple[Waiver, ...] = ()  # the council's waivers that matched no finding

    def fails(self, threshold: FailOn) -> bool:
        """Whether any finding the council did not waive reaches the --fail-on threshold."""
        findings = [f for unit in self.units for _, _, f in unit.all_findings() if f.waived is None]
        if threshold is FailOn.ZERO:
            return any(f.zeroes for f in findings)
        if threshold is FailOn.ERROR:
            return any(f.severity is Severity.ERROR for f in findings)
        if threshold is FailOn.WARNING:
            return any(f.severity in (Severity.ERROR, Severity.WARNING) for f in findings)
        return False


@dataclass(frozen=True)
class _Settings:
    """What every unit is judged with, loaded once."""

    config: Config
    context: RuleContext
    criteria: CriteriaSet | None
    assignments: tuple[Assignment, ...]
    waivers: tuple[Waiver, ...]
    ocr: bool
    reading: str  # digest of the code and of the settings that change what is read from a file
    judging: str  # digest of the reading digest and of everything else a unit's reports depend on

    def cache_key(self, job: ReadJob) -> str:
        return digest(job.content_key, self.reading)

    def unit_key(self, plan: _UnitPlan) -> str:
        files = [f"{plan.unit.relative(job.path)}|{job.table}|{job.sha256}" for job in plan.jobs]
        files += [f"{path}|{error.problem}|{error.detail}" for path, error in plan.unit.unopened]
        return digest(self.judging, "unit", str(plan.unit.root), *files)


def check(
    path: Path,
    config: Config,
    out_dir: Path,
    progress: str = "auto",
    *,
    self_assessment: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Judge every unit under `path` and write OUT/<unit>/report.json; the evidence is only read.

    Files are read in parallel (or taken from the cache); a unit is judged and its reports written
    as soon as its last file is in, as a whole folder (`pipeline.atomic`): an error or Ctrl-C leaves
    each unit's folder complete or as it was. `progress` is "auto", "bar", "lines" or "quiet";
    `on_progress`, when given, is told (files done, files in all) at the start and after every file.
    `self_assessment` is the table of the one unit under `path` when it is not in the unit's folder.
    """
    path, out_dir = path.resolve(), out_dir.resolve()
    if out_dir == path or path in out_dir.parents:
        raise UsageError(*both("out_inside", out=out_dir, path=path))
    settings = _settings(config)
    with _writing(out_dir):  # an output folder that cannot be written fails now, not after the reading
        out_dir.mkdir(parents=True, exist_ok=True)
        sweep(out_dir)  # what a killed run left there, its unpacked archive members included
    work = WorkFolder(out_dir)  # archive members are unpacked here, never beside the evidence
    try:
        try:
            tree = discover(path, config.layout, work, self_assessment)
        except OSError as error:
            raise InputError.reading(path, error) from error
        return _check(tree, settings, out_dir, progress, on_progress)
    finally:
        work.remove()


def _check(
    tree: Tree, settings: _Settings, out_dir: Path, progress: str, on_progress: Callable[[int, int], None] | None
) -> RunResult:
    config, units = settings.config, tree.units
    if progress != "quiet":
        for line in tree_lines(tree, config.lang):
            print(line, flush=True)
    cache = ResultCache(config.cache_dir, warn=_warn)
    plans = [_UnitPlan(unit, _jobs(unit, settings)) for unit in units]
    meter = Progress(sum(len(plan.jobs) for plan in plans), progress, lang=config.lang, on_progress=on_progress)
    results: dict[str, UnitAssessment] = {}

    def finish(plan: _UnitPlan, assessment: UnitAssessment, report: Path) -> None:
        results[plan.unit.name] = assessment
        if progress != "quiet":
            meter.message(summary_line(assessment, report, config.lang))

    try:
        to_read = []
        for plan in plans:  # a unit whose files and settings are unchanged: its reports as they were
            stored = cache.get(settings.unit_key(plan)) if plan.hashed else None
            if isinstance(stored, _JudgedUnit):
                meter.advance(len(plan.jobs), cached=True)
                folder = out_dir / plan.unit.name
                with _unit_folder(folder) as staging:
                    report = stored.restore(staging)
                finish(plan, stored.assessment, folder / report.name)
            else:
                to_read.append(plan)
        with closing(_read_all(to_read, settings, cache, meter)) as readings:  # closing stops the workers
            for plan in readings:
                meter.unit(plan.unit.name)
                assessment = _assess(plan, settings)
                keep = all(cacheable(job, facts) for job, facts in plan.facts.items())  # nothing transient, all hashed
                folder = out_dir / plan.unit.name
                with _unit_folder(folder) as staging:
                    written = write_unit_reports(assessment, staging, config)
                    judged = _JudgedUnit.of(assessment, written) if keep else None
                if judged:
                    cache.put(settings.unit_key(plan), judged)
                finish(plan, assessment, folder / written[-1].name)
        ordered = [results[unit.name] for unit in units]
        idle = unused(settings.waivers, (finding for unit in ordered for _, _, finding in unit.all_findings()))
        warnings = [_unused_warning(waiver) for waiver in idle]
        as_read = tree_report(tree)
        as_read = replace(as_read, warnings=(*as_read.warnings, *warnings))
        with _writing(out_dir):
            write_batch_reports(ordered, out_dir, config, as_read)
            write_tree(as_read, out_dir / "tree.json")
    finally:
        meter.close()
        cache.close()
    for warning in warnings:  # after the progress bar is gone, and whether or not --quiet
        _warn(f"Cảnh báo: {warning}")
    return RunResult(tuple(ordered), out_dir, idle)


def _unused_warning(waiver: Waiver) -> str:
    """A waiver that matched nothing, in Vietnamese: most likely a typo in a name."""
    rule = f"{rule_label(waiver.rule)} ({waiver.rule})"
    return label("waiver_unused", source=waiver.source, rule=rule, where=waiver.describe())


@dataclass(frozen=True)
class _JudgedUnit:
    """A unit's judgement and its report files, as the cache keeps them."""

    assessment: UnitAssessment
    reports: tuple[tuple[str, bytes], ...]  # (file name, content), the one to point at last

    @classmethod
    def of(cls, assessment: UnitAssessment, written: list[Path]) -> _JudgedUnit:
        return cls(assessment, tuple((path.name, path.read_bytes()) for path in written))

    def restore(self, folder: Path) -> Path:
        """Write the reports again into the existing `folder`; returns the one to point the user at."""
        for name, content in self.reports:
            (folder / name).write_bytes(content)
        return folder / self.reports[-1][0]


@dataclass
class _UnitPlan:
    """A unit's files to read and, once read, their facts (by job)."""

    unit: UnitFolder
    jobs: list[ReadJob]
    facts: dict[ReadJob, Facts] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.facts) == len(self.jobs)

    @property
    def hashed(self) -> bool:
        """Whether every file's content is known (no links, nothing unreadable): the unit can be cached."""
        return all(job.sha256 for job in self.jobs)


def _jobs(unit: UnitFolder, settings: _Settings) -> list[ReadJob]:
    """One job per evidence file, plus the self-assessment table."""
    roots = settings.config.trust_roots
    jobs = [job_for(file, table=False, trust_roots=roots, ocr=settings.ocr) for file in unit.files]
    if unit.self_assessment:
        jobs.append(job_for(unit.self_assessment, table=True))
    return jobs


def _read_all(
    plans: list[_UnitPlan], settings: _Settings, cache: ResultCache, meter: Progress
) -> Generator[_UnitPlan, None, None]:
    """Yield each unit as soon as all its files are read: from the cache, else by the executor."""
    owner = {job: plan for plan in plans for job in plan.jobs}
    to_read: list[ReadJob] = []
    for job, plan in owner.items():
        cached = cache.get(settings.cache_key(job)) if job.sha256 else None
        if cached is None:
            to_read.append(job)
        else:
            plan.facts[job] = cached
            meter.advance(cached=True)
    yield from (plan for plan in plans if plan.complete)
    if not to_read:
        return
    # Unit by unit, each unit's largest files first: the last files handed out are then small ones, and
    # no worker is left reading a long file alone at the end while the others wait.
    order = {id(plan): index for index, plan in enumerate(plans)}
    to_read.sort(key=lambda job: (order[id(owner[job])], -job.size))
    executor = _executor(settings.config)
    try:
        for job, facts in executor.run(to_read):
            if cacheable(job, facts):
                cache.put(settings.cache_key(job), facts)
            plan = owner[job]
            plan.facts[job] = facts
            meter.advance()
            if plan.complete:
                yield plan
    finally:
        executor.close()


def _executor(config: Config) -> Executor:
    # The reading stack, only when there is reading.
    from kiemchung.pipeline.executors import DaskExecutor, LocalExecutor, SerialExecutor

    if config.executor is ExecutorKind.DASK:
        return DaskExecutor(config.scheduler, timeout=config.timeout)
    if config.jobs == 1:
        _warn(
            f"kiemchung: --jobs 1: các tệp được đọc lần lượt trong chính tiến trình này, giới hạn {config.timeout:g} "
            "giây mỗi tệp không được áp dụng (files are read in this process: the time limit is not enforced)"
        )
        return SerialExecutor()
    jobs = config.jobs or default_jobs()
    return LocalExecutor(jobs=jobs, timeout=config.timeout, recycle_after=config.recycle_after)


@contextmanager
def _writing(where: Path) -> Iterator[None]:
    """An OSError in the block is a failure to write the reports (never one to read the evidence)."""
    try:
        yield
    except OSError as error:
        raise OutputError.writing(where, error) from error


@contextmanager
def _unit_folder(folder: Path) -> Iterator[Path]:
    """A temporary folder to write a unit's reports in, put in place of `folder` as a whole when the block
    ends (`pipeline.atomic.staged_folder`)."""
    with _writing(folder), staged_folder(folder) as staging:
        yield staging


def _settings(config: Config) -> _Settings:
    """Load roots, criteria and assignments up front: a bad file stops the run before any evidence is read."""
    try:
        roots = [certificate.dump() for certificate in load_trust_roots(config.trust_roots)]
        criteria = load_criteria(config.criteria_file) if config.criteria_file else None
        known = [c.code for c in criteria.criteria] if criteria else []
        assignments = load_assignments(config.assignments_file, known) if config.assignments_file else ()
        waivers = load_waivers(config.waivers_file) if config.waivers_file else ()
        tables = (config.criteria_file, config.assignments_file, config.waivers_file)
        inputs = [file_sha256(file)[1] for file in tables if file]
    except (TrustRootError, CriteriaFileError, AssignmentFileError, WaiverFileError) as error:
        raise ConfigError(str(error), error.english) from error
    except OSError as error:  # read a moment ago, gone or locked since
        vi, en = reason(error)
        raise ConfigError(
            f"không đọc được {error.filename} ({vi}). Tệp vừa đọc xong đã bị xóa, chuyển hoặc khóa; hãy kiểm tra "
            f"tệp rồi chạy lại.",
            f"cannot read {error.filename} ({en}). The file read a moment ago was removed, moved or locked since; "
            f"check it and run again.",
        ) from error
    context = config.rule_context(dt.date.today())
    ocr = _ocr_enabled(config.ocr)
    reading = digest(code_fingerprint(), engine_version() if ocr else "no OCR", *roots)
    # What the reports depend on beyond the files: the judging settings (the rule policy among them), the
    # criteria, assignment and waivers files' contents, and the day (rules compare dates with today).
    # Batch settings change nothing.
    judged = replace(config, jobs=0, timeout=0.0, recycle_after=0, cache_dir=None, scheduler="")
    judging = digest(reading, canonical(judged), canonical(context), *inputs)
    return _Settings(config, context, criteria, assignments, waivers, ocr, reading, judging)


def _ocr_enabled(mode: OcrMode) -> bool:
    if mode is OcrMode.OFF:
        return False
    if ocr_available():
        return True
    if mode is OcrMode.ON:
        raise UsageError(*both("ocr_missing"))
    return False


def _assess(plan: _UnitPlan, settings: _Settings) -> UnitAssessment:
    unit, items, table = plan.unit, [], None
    for job in plan.jobs:
        facts = plan.facts[job]
        if isinstance(facts, SelfAssessmentTable):
            table = facts
        else:
            items.append(EvidenceItem(unit.relative(job.path), facts, validate_document(facts, settings.context)))
    for path, error in unit.unopened:  # archives and members not unpacked: their problem is all there is
        facts = DocumentFacts(kind=kind_for_name(Path(path)), size=0, sha256="", read_error=error)
        items.append(EvidenceItem(path, facts, validate_document(facts, settings.context)))
    items.sort(key=lambda item: item.path)
    return assess_unit(
        unit.name,
        settings.config.year,
        settings.context,
        items,
        self_assessment=unit.relative(unit.self_assessment) if unit.self_assessment else None,
        table=table,
        criteria_set=settings.criteria,
        assignments=settings.assignments,
        ignored_tables=[unit.relative(path) for path in unit.ignored_tables],
        choice_reason=unit.table_reason,
        waivers=settings.waivers,
    )


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def _points(value: float | None, lang: Lang) -> str:
    return "?" if value is None else score(value, lang)


def summary_line(unit: UnitAssessment, report: Path, lang: Lang = Lang.VI) -> str:
    """One line per unit for the terminal."""
    totals = unit.totals
    return text(
        "unit_summary",
        lang,
        unit=unit.unit,
        files=len(unit.evidence),
        criteria=len(unit.criteria),
        zeroing=sum(item.zeroes for item in unit.evidence),
        zeroed=sum(criterion.zeroed for criterion in unit.criteria),
        self=_points(totals.self_score, lang),
        recommended=_points(totals.recommended_score, lang),
        risk=_points(totals.points_at_risk, lang),
        report=report,
    )
