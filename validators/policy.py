"""The council's rule policy from its selectors and per-rule changes, as ruff reads `select` and `ignore`.

A selector is "ALL", a code ("KC201"), a code prefix ("KC2": every KC2xx rule) or a name
("number-suffix"). A rule runs when a `select` selector matches it and no `ignore` selector at
least as specific does: the most specific selector that matches a rule decides (a name or a whole
code, then a longer prefix, then a shorter one, "ALL" last), and `ignore` wins a tie. A change of
one rule (`[rules.number-suffix]`) sets its severity, whether it zeroes, or turns it off.

`internal-error` always runs as written: a rule that failed must never pass in silence. Naming it
in `ignore` or changing it is an error; "ALL" and prefixes pass it by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiemchung.extractors.errors import BilingualError
from kiemchung.validators.model import Rule, RulePolicy, RuleSetting, Severity
from kiemchung.validators.registry import INTERNAL_ERROR, RULES, rule_by_key

ALL = "ALL"
CHANGEABLE = ("enabled", "severity", "zeroes")  # the keys of one rule's table


class PolicyError(BilingualError):
    """The policy cannot be used; the message says why and what to do, in Vietnamese and in English."""


@dataclass(frozen=True)
class Selector:
    """One entry of `select` or `ignore`, and where it was written (for `kiemchung rules`)."""

    text: str
    origin: str = ""  # "": the defaults


def matching(selector: str) -> tuple[Rule, ...]:
    """The rules a selector names; PolicyError when it names none."""
    key = selector.strip()
    if key.upper() == ALL:
        return RULES
    rule = rule_by_key(key)
    if rule is not None:
        return (rule,)
    prefixed = tuple(r for r in RULES if key.upper().startswith("KC") and r.code.startswith(key.upper()))
    if not prefixed:
        raise PolicyError(
            f"không có quy tắc nào ứng với “{selector}”: hãy dùng mã (KC201), tiền tố mã (KC2), tên (number-suffix) "
            f"hoặc ALL; `kiemchung rules` liệt kê các quy tắc.",
            f"no rule matches {selector!r}: use a code (KC201), a code prefix (KC2), a name (number-suffix) or ALL; "
            f"`kiemchung rules` lists the rules.",
        )
    return prefixed


def _specificity(selector: str) -> int:
    key = selector.strip()
    if key.upper() == ALL:
        return 0
    return 100 if rule_by_key(key) is not None else len(key)


def build_policy(
    select: Sequence[Selector], ignore: Sequence[Selector], changes: Mapping[str, tuple[Mapping[str, object], str]]
) -> RulePolicy:
    """The policy: which rules `select` and `ignore` leave on, and each rule's changes (`changes[key] =
    (table, origin)`, key a code or a name). PolicyError names the first mistake."""
    decided: dict[str, tuple[int, bool, str]] = {}  # rule name -> (specificity, enabled, origin)
    for enabled, selectors in ((True, select), (False, ignore)):
        for selector in selectors:
            try:
                rules = matching(selector.text)
            except PolicyError as error:
                raise PolicyError(f"{selector.origin}: {error}", f"{selector.origin}: {error.english}") from None
            if not enabled and rules == (INTERNAL_ERROR,):
                raise PolicyError(
                    f"{selector.origin}: không thể tắt quy tắc {INTERNAL_ERROR.code} ({INTERNAL_ERROR.name}): nó báo "
                    f"các quy tắc khác bị lỗi. Hãy bỏ nó khỏi ignore.",
                    f"{selector.origin}: {INTERNAL_ERROR.code} ({INTERNAL_ERROR.name}) cannot be turned off: it "
                    f"reports the rules that failed. Take it out of ignore.",
                )
            rank = _specificity(selector.text)
            for rule in rules:
                known = decided.get(rule.name)
                if known is None or rank > known[0] or (rank == known[0] and not enabled):
                    decided[rule.name] = (rank, enabled, selector.origin)
    settings: dict[str, RuleSetting] = {}  # only where the council's settings decided: the seed policy is empty
    for rule in RULES:
        if rule is INTERNAL_ERROR:
            continue
        # A rule no `select` entry names is off (with `select = []`, every rule but internal-error).
        _, enabled, origin = decided.get(rule.name, (0, False, select[0].origin if select else "select = []"))
        if origin:
            settings[rule.name] = RuleSetting(rule.name, enabled=enabled, origin=origin)
    for key, (table, origin) in changes.items():
        changed = rule_by_key(key)
        if changed is None:
            raise PolicyError(
                f"{origin}: không có quy tắc “{key}”. Hãy sửa tên mục theo mã hoặc tên của quy tắc; "
                f"`kiemchung rules` liệt kê các quy tắc.",
                f"{origin}: no rule {key!r}. Name the table after a rule's code or name; `kiemchung rules` lists them.",
            )
        if changed is INTERNAL_ERROR:
            raise PolicyError(
                f"{origin}: quy tắc {changed.code} ({changed.name}) không thay đổi được. Hãy xóa mục này.",
                f"{origin}: {changed.code} ({changed.name}) cannot be changed. Remove this table.",
            )
        settings[changed.name] = _changed(changed, table, origin, settings.get(changed.name))
    return RulePolicy(tuple(settings[rule.name] for rule in RULES if rule.name in settings))


def _changed(rule: Rule, table: Mapping[str, object], origin: str, selected: RuleSetting | None) -> RuleSetting:
    """One rule's table read into a setting; `enabled` there overrides `select` and `ignore`."""
    unknown = sorted(set(table) - set(CHANGEABLE))
    if unknown:
        raise PolicyError(
            f"{origin}: khóa không hợp lệ {', '.join(unknown)}. Hãy sửa hoặc xóa các khóa đó; chỉ dùng được "
            f"{', '.join(CHANGEABLE)}.",
            f"{origin}: unknown keys {', '.join(unknown)} for {rule.name}. Correct or remove them; the keys are "
            f"{', '.join(CHANGEABLE)}.",
        )
    enabled = table.get("enabled", selected.enabled if selected else True)
    zeroes = table.get("zeroes")
    severity = table.get("severity")
    if not isinstance(enabled, bool) or not (zeroes is None or isinstance(zeroes, bool)):
        raise PolicyError(
            f"{origin}: enabled và zeroes phải là true hoặc false (không có dấu ngoặc kép).",
            f"{origin}: enabled and zeroes must be true or false (no quotes).",
        )
    if severity is not None and severity not in {s.value for s in Severity}:
        raise PolicyError(
            f"{origin}: severity phải là một trong error, warning, info; đang là {severity!r}. Hãy sửa giá trị đó.",
            f"{origin}: severity must be error, warning or info, not {severity!r}. Correct it.",
        )
    return RuleSetting(
        rule.name,
        enabled=enabled,
        severity=Severity(severity) if isinstance(severity, str) else None,
        zeroes=zeroes,
        origin=origin if selected is None or selected.enabled or "enabled" in table else f"{selected.origin}; {origin}",
    )
