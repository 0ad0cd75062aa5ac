"""The council's rule policy in the settings (`[rules]` and `[rules.<rule>]` of the config file,
--select and --ignore), and the table of the policy in force that `kiemchung rules` prints.

`[rules] select` and `ignore` are lists of selectors (`validators.policy`); --select replaces the
file's `select`, --ignore adds to its `ignore`, as a command line narrows a project's settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kiemchung.pipeline.errors import ConfigError, UsageError
from kiemchung.pipeline.labels import Lang, label, rule_label
from kiemchung.validators.model import RulePolicy
from kiemchung.validators.policy import PolicyError, Selector, build_policy, matching
from kiemchung.validators.registry import RULES

SECTION = "rules"


def split_rule_tables(user: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user's settings without the per-rule tables (`[rules.number-suffix]`), and those tables by key."""
    rules = user.get(SECTION)
    if not isinstance(rules, dict):
        return user, {}
    tables = {key: value for key, value in rules.items() if isinstance(value, dict)}
    return {**user, SECTION: {key: value for key, value in rules.items() if key not in tables}}, tables


def rule_policy(
    values: Mapping[str, Any],
    user: Mapping[str, Any],
    tables: Mapping[str, Any],
    config_file: Path | None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> RulePolicy:
    """The policy from the merged `[rules]` values, what the user's file set (`user`, for the origins), its
    per-rule `tables`, and the command line's --select (replaces) and --ignore (adds)."""
    for selector in [*(select or ()), *ignore]:
        try:
            matching(selector)
        except PolicyError as error:
            raise UsageError(f"--select/--ignore: {error}", f"--select/--ignore: {error.english}") from None
    here = f"{config_file} [{SECTION}]" if config_file else ""

    def origin(key: str) -> str:
        return here if key in user else ""  # "": the defaults

    chosen = (
        [Selector(text, "--select") for text in select]
        if select is not None
        else [Selector(text, origin("select")) for text in _selectors(values["select"], "select", here)]
    )
    ignored = [Selector(text, origin("ignore")) for text in _selectors(values["ignore"], "ignore", here)]
    ignored += [Selector(text, "--ignore") for text in ignore]
    changes = {key: (table, f"{config_file} [{SECTION}.{key}]") for key, table in tables.items()}
    try:
        return build_policy(chosen, ignored, changes)
    except PolicyError as error:
        raise ConfigError(str(error), error.english) from None


def _selectors(values: list[Any], key: str, here: str) -> list[str]:
    if not all(isinstance(value, str) for value in values):
        raise ConfigError(
            f'{here}: {key} phải là danh sách chuỗi trong dấu ngoặc kép, ví dụ {key} = ["KC2", "unsigned"]. Hãy sửa '
            f"giá trị đó.",
            f'{here}: {key} must be a list of strings in double quotes, e.g. {key} = ["KC2", "unsigned"]. Correct it.',
        )
    return values


def policy_table(policy: RulePolicy, lang: Lang = Lang.VI) -> str:
    """One line per rule: code, name, on/off, severity, whether it zeroes, where that was set, its title."""
    headers = [label(key, lang) for key in ("rule_code", "rule", "policy_state", "severity", "zeroes", "policy_origin")]
    rows = [headers]
    for rule in RULES:
        setting = policy.setting(rule.name)
        enabled = setting is None or setting.enabled
        severity = setting.severity if setting and setting.severity else rule.severity
        zeroes = rule.zeroes if setting is None or setting.zeroes is None else setting.zeroes
        rows.append(
            [
                rule.code,
                rule.name,
                label("policy_on" if enabled else "policy_off", lang),
                label(severity.value, lang),
                label("yes" if zeroes else "no", lang),
                setting.origin if setting and setting.origin else label("policy_seed", lang),
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(headers))]
    lines = [label("policy_title", lang), ""]
    for index, row in enumerate(rows):
        title = rule_label(RULES[index - 1].name, lang) if index else label("policy_rule_title", lang)
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + "  " + title)
    return "\n".join(lines) + "\n"
