"""`{{ value|score }}`: a score as the CLI's reports write it (1,5; unknown "—"), from `pipeline.labels`."""

from django import template

from kiemchung.pipeline.labels import score as score_label

register = template.Library()


@register.filter
def score(value: object) -> str:
    # A template hands "" for what it cannot resolve (a unit without a review has no totals): unknown too.
    return score_label(value if isinstance(value, int | float) else None)
