"""The `kiemchung` command line: `check` and `rules`. Every error ends here, as `pipeline.errors.stop` says."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from pipeline import __version__
from pipeline.config import ExecutorKind, FailOn, Layout, defaults, load_config, load_policy
from pipeline.errors import ExitCode, UsageError, stop
from pipeline.labels import Lang
from pipeline.policy import policy_table
from pipeline.run import check
from validators.docs import rule_doc, rules_markdown
from validators.registry import rule_by_key


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiemchung", description="Pre-screen CCHC evidence documents.")
    default = defaults()  # the help states the defaults of pipeline/defaults.toml, the only place they are set
    parser.add_argument("--version", action="version", version=f"kiemchung {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("check", help="check a unit folder or a folder of unit folders")
    run.add_argument("path", type=Path, help="a unit folder, or a folder whose subfolders are units")
    run.add_argument("--year", type=int, help="the assessment year (period 1 January - 31 December)")
    run.add_argument(
        "--out",
        type=Path,
        default=Path("kiemchung-report"),
        help="where reports go (default: ./kiemchung-report); never inside PATH",
    )
    run.add_argument("--config", type=Path, help="a TOML file with settings (see pipeline/defaults.toml)")
    run.add_argument(
        "--fail-on",
        choices=[m.value for m in FailOn],
        help=f"exit 1 when a finding reaches this level (default: {default['run']['fail_on']})",
    )
    run.add_argument(
        "--layout", choices=[m.value for m in Layout], help=f"how PATH is read (default: {default['run']['layout']})"
    )
    run.add_argument(
        "--trust-root",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a trusted root certificate (PEM/DER) or a folder of them; repeatable",
    )

    run.add_argument(
        "--criteria",
        type=Path,
        metavar="FILE",
        help="the province's criteria set (YAML); default: each unit's self-assessment rows",
    )
    run.add_argument(
        "--assignments", type=Path, metavar="FILE", help="who answers for which criteria (.xlsx, .csv or .yaml)"
    )

    _policy_arguments(run)
    run.add_argument(
        "--waivers", type=Path, metavar="FILE", help="the council's waivers of findings (.yaml, .csv or .xlsx)"
    )

    run.add_argument(
        "--format",
        metavar="LIST",
        help=f"reports to write: json,xlsx,html,docx (default: {','.join(default['report']['formats'])})",
    )
    run.add_argument(
        "--lang", choices=["vi", "en"], help=f"language of the report labels (default: {default['report']['lang']})"
    )

    batch = run.add_argument_group("batch")
    batch.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core); 1: no worker, every file is read in this process, "
        "one after the other, where a debugger or a profiler sees it (the time limit is then not enforced)",
    )
    batch.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help=f"time limit per file (default: {default['batch']['timeout']:g}); "
        "a file past it has its worker stopped (not with --jobs 1)",
    )
    batch.add_argument("--cache-dir", type=Path, metavar="DIR", help="result cache (default: ~/.cache/kiemchung)")
    batch.add_argument("--no-cache", action="store_true", help="read every file again; keep nothing")
    batch.add_argument("--executor", choices=[m.value for m in ExecutorKind], help="where files are read")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, with --executor dask")
    batch.add_argument("--quiet", action="store_true", help="no progress and no per-unit lines")
    run.add_argument("--verbose", action="store_true", help="on an internal error, print its traceback too")
    run.add_argument(
        "--ocr",
        action=argparse.BooleanOptionalAction,
        help="read scanned headers and pictures with Tesseract (default: when it is installed)",
    )

    rules = commands.add_parser("rules", help="the rules in force (with --config: the council's policy), or one rule")
    rules.add_argument("rule", nargs="?", help="a rule code (KC201) or name (number-suffix)")
    rules.add_argument("--markdown", action="store_true", help="print every rule's documentation as Markdown")
    rules.add_argument("--config", type=Path, help="a TOML file whose [rules] to show")
    _policy_arguments(rules)
    return parser


def _policy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", metavar="LIST", help="rules to run: codes, code prefixes or names (KC2,unsigned)")
    parser.add_argument("--ignore", metavar="LIST", help="rules to turn off, added to the config's [rules] ignore")


def _list(value: str | None) -> list[str] | None:
    return None if value is None else [part.strip() for part in value.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; every way it can end is an exit code of `ExitCode` (see `pipeline.errors.stop`)."""
    # pypdf logs every oddity it recovers from; what matters reaches the report as findings.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    verbose = False
    try:
        args = _parser().parse_args(argv)
        verbose = bool(getattr(args, "verbose", False))
        return _dispatch(args)
    except (Exception, KeyboardInterrupt) as error:
        code, message = stop(error)
        if verbose and code is ExitCode.INTERNAL:
            traceback.print_exception(error, file=sys.stderr)
        print(f"kiemchung: {message}", file=sys.stderr)
        return code


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "rules":
        return _rules(args)
    config = load_config(
        args.config,
        year=args.year,
        fail_on=args.fail_on,
        layout=args.layout,
        trust_roots=tuple(args.trust_root),
        criteria_file=args.criteria,
        assignments_file=args.assignments,
        formats=args.format,
        lang=args.lang,
        jobs=args.jobs,
        timeout=args.timeout,
        cache_dir=args.cache_dir,
        no_cache=args.no_cache,
        executor=args.executor,
        scheduler=args.scheduler,
        ocr=args.ocr,
        select=_list(args.select),
        ignore=tuple(_list(args.ignore) or ()),
        waivers_file=args.waivers,
    )
    result = check(args.path, config, args.out, progress="quiet" if args.quiet else "auto")
    return ExitCode.FINDINGS if result.fails(config.fail_on) else ExitCode.OK


def _rules(args: argparse.Namespace) -> int:
    key: str | None = args.rule
    if key is None and args.markdown:
        sys.stdout.write(rules_markdown())
        return ExitCode.OK
    if key is None:
        policy = load_policy(args.config, _list(args.select), tuple(_list(args.ignore) or ()))
        sys.stdout.write(policy_table(policy, Lang(getattr(args, "lang", None) or Lang.VI)))
        return ExitCode.OK
    rule = rule_by_key(key)
    if rule is None:
        raise UsageError(f"no rule {key!r}; `kiemchung rules` lists them")
    sys.stdout.write(rule_doc(rule))
    return ExitCode.OK
