"""The `kiemchung` command line: `check`, `rules`, and the web service's `serve` and `user add` (which import
Django only when run, so that `check` never loads it). Every error ends here, as `pipeline.errors.stop` says."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import traceback
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from kiemchung import __version__
from kiemchung.pipeline.config import ExecutorKind, FailOn, Layout, defaults, load_config, load_policy
from kiemchung.pipeline.errors import ExitCode, UsageError, stop
from kiemchung.pipeline.labels import Lang
from kiemchung.pipeline.messages import both, lang_of, text, usage_error
from kiemchung.pipeline.policy import policy_table
from kiemchung.pipeline.run import check
from kiemchung.validators.docs import rule_doc, rules_markdown
from kiemchung.validators.registry import rule_by_key


class _Parser(argparse.ArgumentParser):
    """argparse in the chosen language: its headings, its `-h` and its errors (`pipeline.messages`)."""

    def __init__(self, *args: Any, lang: Lang = Lang.VI, **kwargs: Any) -> None:
        usage = text("usage", lang)
        formatter = partial(_Formatter, usage_prefix=usage)
        super().__init__(*args, formatter_class=formatter, add_help=False, **kwargs)  # type: ignore[misc]
        self.lang = lang
        self._positionals.title = text("positionals", lang)
        self._optionals.title = text("optionals", lang)
        self.add_argument("-h", "--help", action="help", help=text("help", lang))

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = text("see_help", self.lang, prog=self.prog)
        english = f"{self.prog}: {message}; {text('see_help', Lang.EN, prog=self.prog)}"
        raise UsageError(f"{self.prog}: {usage_error(message, self.lang)}; {hint}", english)


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, usage_prefix: str) -> None:
        super().__init__(prog)
        self._usage_prefix = usage_prefix

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, self._usage_prefix if prefix is None else prefix)


def _default(section: str, key: str) -> object:
    """A setting's default as pipeline/defaults.toml sets it, the only place defaults are set."""
    return defaults()[section][key]


def _parser(lang: Lang = Lang.VI) -> argparse.ArgumentParser:
    def t(key: str) -> str:
        return text(key, lang)

    parser = _Parser(prog="kiemchung", description=t("description"), lang=lang)
    parser.add_argument("--version", action="version", version=f"kiemchung {__version__}", help=t("version"))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, title=t("commands"))

    run = commands.add_parser("check", help=t("check"), description=t("check"), lang=lang)
    run.add_argument("path", type=Path, metavar="PATH", help=t("path"))
    run.add_argument("--year", type=int, metavar="N", help=t("year"))
    run.add_argument("--out", type=Path, default=Path("kiemchung-report"), metavar=t("DIR"), help=t("out"))
    run.add_argument("--config", type=Path, metavar=t("FILE"), help=t("config"))
    run.add_argument("--fail-on", choices=[m.value for m in FailOn], help=t("fail_on"))
    run.add_argument("--layout", choices=[m.value for m in Layout], help=t("layout"))
    run.add_argument("--trust-root", type=Path, action="append", default=[], metavar=t("FILE"), help=t("trust_root"))

    run.add_argument("--self-assessment", type=Path, metavar=t("FILE"), help=t("self_assessment"))
    run.add_argument("--criteria", type=Path, metavar=t("FILE"), help=t("criteria"))
    run.add_argument("--assignments", type=Path, metavar=t("FILE"), help=t("assignments"))

    _policy_arguments(run, lang)
    run.add_argument("--waivers", type=Path, metavar=t("FILE"), help=t("waivers"))

    run.add_argument("--format", metavar=t("LIST"), help=t("format"))
    run.add_argument("--lang", choices=[m.value for m in Lang], help=t("lang"))

    batch = run.add_argument_group(t("batch"))
    batch.add_argument("--jobs", type=int, metavar=t("N"), help=t("jobs"))
    batch.add_argument(
        "--timeout", type=float, metavar=t("SECONDS"), help=text("timeout", lang, seconds=_default("batch", "timeout"))
    )
    batch.add_argument("--cache-dir", type=Path, metavar=t("DIR"), help=t("cache_dir"))
    batch.add_argument("--no-cache", action="store_true", help=t("no_cache"))
    batch.add_argument("--executor", choices=[m.value for m in ExecutorKind], help=t("executor"))
    batch.add_argument("--scheduler", metavar=t("ADDRESS"), help=t("scheduler"))
    batch.add_argument("--quiet", action="store_true", help=t("quiet"))
    run.add_argument("--verbose", action="store_true", help=t("verbose"))
    run.add_argument("--ocr", action=argparse.BooleanOptionalAction, help=t("ocr"))

    rules = commands.add_parser("rules", help=t("rules"), description=t("rules"), lang=lang)
    rules.add_argument("rule", nargs="?", help=t("rule"))
    rules.add_argument("--markdown", action="store_true", help=t("markdown"))
    rules.add_argument("--config", type=Path, metavar=t("FILE"), help=t("rules_config"))
    _policy_arguments(rules, lang)
    rules.add_argument("--lang", choices=[m.value for m in Lang], help=t("lang"))
    _web_commands(commands, lang)
    return parser


def _web_commands(commands: Any, lang: Lang) -> None:
    """`serve` and `user add`: the web service and its accounts."""

    def t(key: str) -> str:
        return text(key, lang)

    def data(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--data", type=Path, default=Path("kiemchung-data"), metavar=t("DIR"), help=t("data"))

    serve = commands.add_parser("serve", help=t("serve"), description=t("serve"), lang=lang)
    data(serve)
    serve.add_argument("--host", default="127.0.0.1", metavar=t("ADDRESS"), help=t("host"))
    serve.add_argument("--port", type=int, default=8000, metavar=t("N"), help=t("port"))
    serve.add_argument("--config", type=Path, metavar=t("FILE"), help=t("serve_config"))
    serve.add_argument("--year", type=int, metavar="N", help=t("year"))

    user = commands.add_parser("user", help=t("user"), description=t("user"), lang=lang)
    actions = user.add_subparsers(dest="action", required=True, parser_class=_Parser, title=t("commands"))
    add = actions.add_parser("add", help=t("user_add"), description=t("user_add"), lang=lang)
    add.add_argument("name", metavar="NAME", help=t("user_name"))
    add.add_argument("--role", required=True, choices=["council", "clerk", "admin"], help=t("role"))
    add.add_argument("--unit", metavar=t("UNIT"), help=t("unit"))
    add.add_argument("--batch", metavar=t("BATCH"), help=t("user_batch"))
    add.add_argument("--token", action="store_true", help=t("token"))
    data(add)
    add.add_argument("--lang", choices=[m.value for m in Lang], help=t("lang"))


def _policy_arguments(parser: argparse.ArgumentParser, lang: Lang) -> None:
    parser.add_argument("--select", metavar=text("LIST", lang), help=text("select", lang))
    parser.add_argument("--ignore", metavar=text("LIST", lang), help=text("ignore", lang))


def _list(value: str | None) -> list[str] | None:
    return None if value is None else [part.strip() for part in value.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; every way it can end is an exit code of `ExitCode` (see `pipeline.errors.stop`)."""
    # pypdf logs every oddity it recovers from; what matters reaches the report as findings.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    verbose = False
    lang = lang_of(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser(lang).parse_args(argv)
        verbose = bool(getattr(args, "verbose", False))
        return _dispatch(args)
    except (Exception, KeyboardInterrupt) as error:
        code, message = stop(error, lang)
        if verbose and code is ExitCode.INTERNAL:
            traceback.print_exception(error, file=sys.stderr)
        print(f"kiemchung: {message}", file=sys.stderr)
        return code


def run() -> NoReturn:
    """The `kiemchung` command (`pipeline.startup.run` imports this module): `main`, then the process ends.

    What is left in memory is handed back to the system as the process ends: taken out of the collector's
    reach first, it is not walked by the interpreter's last collections (0.2-0.3 s after a run over real
    documents). Every report is written and closed by then; `main` returns only after.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "rules":
        return _rules(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "user":
        return _user_add(args)
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
    result = check(args.path, config, args.out, progress="quiet" if args.quiet else "auto",
                   self_assessment=args.self_assessment)
    return ExitCode.FINDINGS if result.fails(config.fail_on) else ExitCode.OK


def _rules(args: argparse.Namespace) -> int:
    key: str | None = args.rule
    lang = Lang(args.lang or Lang.VI)
    if key is None and args.markdown:
        sys.stdout.write(rules_markdown(lang))
        return ExitCode.OK
    if key is None:
        policy = load_policy(args.config, _list(args.select), tuple(_list(args.ignore) or ()))
        sys.stdout.write(policy_table(policy, lang))
        return ExitCode.OK
    rule = rule_by_key(key)
    if rule is None:
        raise UsageError(*both("no_rule", key=key))
    sys.stdout.write(rule_doc(rule, lang))
    return ExitCode.OK


def _serve(args: argparse.Namespace) -> int:
    from kiemchung.web.job import CheckSettings

    try:
        from kiemchung.web.serve import serve
    except ImportError as missing:  # waitress, or Django itself
        raise UsageError(*both("waitress_missing")) from missing
    settings = CheckSettings(config_file=str(args.config) if args.config else None, year=args.year)
    serve(args.data, args.host, args.port, settings)
    return ExitCode.OK


def _user_add(args: argparse.Namespace) -> int:
    from kiemchung.web.boot import start_django

    start_django(args.data)
    from kiemchung.web.accounts import AccountError, add_user

    lang = Lang(args.lang or Lang.VI)
    try:
        account = add_user(args.name, args.role, args.unit, batch_name=args.batch, token=args.token)
    except AccountError as error:
        raise UsageError(str(error), error.english) from error
    if account.batch_created is not None:
        print(text("batch_created", lang, batch=account.batch_created.name, code=account.batch_created.code))
    if account.unit_created is not None:
        print(text("unit_created", lang, unit=account.unit_created.name, code=account.unit_created.code))
    print(text("user_added", lang, user=args.name, role=args.role, password=account.password))
    if account.token:
        print(text("token_issued", lang, token=account.token))
    return ExitCode.OK
