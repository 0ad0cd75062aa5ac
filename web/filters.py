"""Template filters: `{{ value|score }}`, a score as the CLI's reports write it (1,5; unknown "—"), from
`pipeline.labels`; `{{ code|rule_title }}`, a rule's short Vietnamese title, from the rule registry."""

from django import template

from kiemchung.pipeline.labels import score as score_label
from kiemchung.validators.registry import rule_by_key

register = template.Library()


@register.filter
def score(value: object) -> str:
    # A template hands "" for what it cannot resolve (a unit without a review has no totals): unknown too.
    return score_label(value if isinstance(value, int | float) else None)


@register.filter
def rule_title(code: str) -> str:
    """ "Văn bản không ký số" for KC301; a code no rule has any more (a report from an older version) as itself."""
    rule = rule_by_key(code)
    return rule.title if rule is not None else code
