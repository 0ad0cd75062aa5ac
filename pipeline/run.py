"""The `check` run as a story: load the council's settings, find units, read and judge every file,
read the self-assessment, tie evidence to criteria, score, and write the reports.

One run can check several trees, each with its own output folder (`check_together`: the web service's
queue), paying once for the process, the settings and the readers' pool; `check` is a run of one."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
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


@dataclass(frozen=True)
class Target:
    """One tree to check and where its reports go: what `check` takes, and each of the trees `check_together`
    checks in one run. Targets of one run do not overlap (distinct paths, distinct output folders)."""

    path: Path
    out_dir: Path
    self_assessment: Path | None = None  # the table of the one unit under `path` when it is not in its folder
    on_progress: Callable[[int, int], None] | None = None  # told (files done, files in all) of this target


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
    ((_, outcome),) = check_together([Target(path, out_dir, self_assessment, on_progress)], config, progress)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def check_together(
    targets: Sequence[Target], config: Config, progress: str = "auto"
) -> Iterator[tuple[Target, RunResult | Exception]]:
    """Check several trees in one run, as `check` checks one: the process, the settings, the cache and the
    readers' pool serve them all, and the files of every target are read in one stream, target by target.

    Yields each target with its result as soon as its last unit's reports are written (with its batch
    reports, OUT/summary.csv and OUT/tree.json, as `check` writes them), or with the error that stops it
    alone: its path or output folder refused, nothing to check in it, its table beside more than one unit, an
    archive that fails in a way the reader did not foresee. Those are found before any file is read, and the
    other targets go on. What concerns the whole run (the settings, a report that cannot be written, Ctrl-C)
    is raised.
    """
    settings = _settings(config)
    prepared: list[_Part] = []
    try:
        for target in targets:
            try:
                prepared.append(_prepare(target, config))
            except Exception as error:  # one target's fault: the others are still checked
                yield target, error
        if prepared:
            yield from _check(prepared, settings, progress)
    finally:
        for part in prepared:
            part.work.remove()


def _prepare(target: Target, config: Config) -> _Part:
    """A target's output folder made and swept, and its tree found (archives unpacked in its work folder)."""
    path, out_dir = target.path.resolve(), target.out_dir.resolve()
    if out_dir == path or path in out_dir.parents:
        raise UsageError(*both("out_inside", out=out_dir, path=path))
    with _writing(out_dir):  # an output folder that cannot be written fails now, not after the reading
        out_dir.mkdir(parents=True, exist_ok=True)
        sweep(out_dir)  # what a killed run left there, its unpacked archive members included
    work = WorkFolder(out_dir)  # archive members are unpacked here, never beside the evidence
    try:
        tree = discover(path, config.layout, work, target.self_assessment)
    except BaseException as error:
        work.remove()
        if isinstance(error, OSError):
            raise InputError.reading(path, error) from error
        raise
    return _Part(target, out_dir, work, tree)


@dataclass
class _Part:
    """A target in the run: its tree, and its units' judgements as they come."""

    target: Target
    out_dir: Path
    work: WorkFolder
    tree: Tree
    results: dict[str, UnitAssessment] = field(default_factory=dict)  # by unit name

    @property
    def complete(self) -> bool:
        return len(self.results) == len(self.tree.units)


def _check(parts: list[_Part], settings: _Settings, progress: str) -> Generator[tuple[Target, RunResult], None, None]:
    config = settings.config
    if progress != "quiet":
        for part in parts:
            for line in tree_lines(part.tree, config.lang):
                print(line, flush=True)
    cache = ResultCache(config.cache_dir, warn=_warn)
    plans = [_UnitPlan(unit, _jobs(unit, settings), part) for part in parts for unit in part.tree.units]
    meter = Progress(sum(len(plan.jobs) for plan in plans), progress, lang=config.lang)
    counters = {  # each target's own count, for its `on_progress`
        id(part): Progress(
            sum(len(plan.jobs) for plan in plans if plan.part is part), "quiet", on_progress=part.target.on_progress
        )
        for part in parts
    }
    warnings: list[str] = []

    def advance(plan: _UnitPlan, files: int, cached: bool) -> None:
        meter.advance(files, cached=cached)
        counters[id(plan.part)].advance(files, cached=cached)

    def finish(plan: _UnitPlan, assessment: UnitAssessment, report: Path) -> Iterator[tuple[Target, RunResult]]:
        part = plan.part
        part.results[plan.unit.name] = assessment
        if progress != "quiet":
            meter.message(summary_line(assessment, report, config.lang))
        if part.complete:
            result = _conclude(part, settings)
            part.work.remove()  # its output folder as a run of it alone leaves it, before the caller looks
            warnings.extend(_unused_warning(waiver) for waiver in result.unused_waivers)
            yield part.target, result

    try:
        to_read = []
        for plan in plans:  # a unit whose files and settings are unchanged: its reports as they were
            stored = cache.get(settings.unit_key(plan)) if plan.hashed else None
            if isinstance(stored, _JudgedUnit):
                advance(plan, len(plan.jobs), True)
                with _unit_folder(plan.folder) as staging:
                    report = stored.restore(staging)
                yield from finish(plan, stored.assessment, plan.folder / report.name)
            else:
                to_read.append(plan)
        with closing(_read_all(to_read, settings, cache, advance)) as readings:  # closing stops the workers
            for plan in readings:
                meter.unit(plan.unit.name)
                assessment = _assess(plan, settings)
                keep = all(cacheable(job, facts) for job, facts in plan.facts.items())  # nothing transient, all hashed
                with _unit_folder(plan.folder) as staging:
                    written = write_unit_reports(assessment, staging, config)
                    judged = _JudgedUnit.of(assessment, written) if keep else None
                if judged:
                    cache.put(settings.unit_key(plan), judged)
                yield from finish(plan, assessment, plan.folder / written[-1].name)
    finally:
        meter.close()
        cache.close()
    for warning in warnings:  # after the progress bar is gone, and whether or not --quiet
        _warn(f"Cảnh báo: {warning}")


def _conclude(part: _Part, settings: _Settings) -> RunResult:
    """A target whose units are all judged: its batch reports and tree.json written."""
    ordered = [part.results[unit.name] for unit in part.tree.units]
    idle = unused(settings.waivers, (finding for unit in ordered for _, _, finding in unit.all_findings()))
    as_read = tree_report(part.tree)
    as_read = replace(as_read, warnings=(*as_read.warnings, *(_unused_warning(waiver) for waiver in idle)))
    with _writing(part.out_dir):
        write_batch_reports(ordered, part.out_dir, settings.config, as_read)
        write_tree(as_read, part.out_dir / "tree.json")
    return RunResult(tuple(ordered), part.out_dir, idle)


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
    part: _Part  # the target it belongs to
    facts: dict[ReadJob, Facts] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        """Where its reports go."""
        return self.part.out_dir / self.unit.name

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
    plans: list[_UnitPlan], settings: _Settings, cache: ResultCache, advance: Callable[[_UnitPlan, int, bool], None]
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
            advance(plan, 1, True)
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
            advance(plan, 1, False)
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
