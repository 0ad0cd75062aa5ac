"""The human reports as web pages: `report.html` for one unit and `index.html` for a batch.

Every page is one self-contained file: the style sheet (`templates/report.css`) inlined, no script, no font
or image fetched, and a Content-Security-Policy that forbids anything else, so a council member can open it
offline or attach it to an e-mail. The pages are the Jinja2 templates in `templates/` (which the web
service shares: `environment()`), rendered with autoescaping: everything that comes from the unit (file
names, document text, the self-assessment's explanations, certificate names) is hostile input and reaches
the page as text. What the pages show is prepared as plain data by `html_view` (a unit) and `html_index` (a batch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache, partial
from pathlib import Path

import jinja2

from kiemchung import __version__
from kiemchung.criteria_map.models import UnitAssessment
from kiemchung.pipeline.atomic import write_text
from kiemchung.pipeline.labels import Lang, label
from kiemchung.pipeline.reports.html_index import PAGE_NAME, index_view, unit_href
from kiemchung.pipeline.reports.html_view import unit_view
from kiemchung.pipeline.reports.tree import TreeReport

__all__ = [
    "CSP",
    "INDEX_NAME",
    "PAGE_NAME",
    "environment",
    "render_batch_index",
    "render_unit_page",
    "unit_href",
    "write_batch_index",
    "write_unit_page",
]

INDEX_NAME = "index.html"
# Nothing may be fetched: inline styles only, images only as data: URIs (none are used today).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@cache
def environment() -> jinja2.Environment:
    """The pages' templates, escaping every value they print; `css` is the style sheet to inline."""
    loader = jinja2.PackageLoader("kiemchung.pipeline.reports", "templates")
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name in a template fails, never prints ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    css, _, _ = loader.get_source(env, "report.css")
    env.globals.update(csp=CSP, version=__version__, css=css)
    return env


def _render(template: str, lang: Lang, **view: object) -> str:
    """A page in `lang`; the templates' fixed wording comes from `t(key, **values)`."""
    return environment().get_template(template).render(lang=lang.value, t=partial(label, lang=lang), **view)


def render_unit_page(unit: UnitAssessment, lang: Lang = Lang.VI, links: Mapping[str, str] | None = None) -> str:
    """The HTML of one unit's report (see write_unit_page)."""
    view = unit_view(unit, lang, links)
    return _render("unit.html.j2", lang, title=view.title, unit=view)


def write_unit_page(
    unit: UnitAssessment, path: Path, lang: Lang = Lang.VI, links: Mapping[str, str] | None = None
) -> None:
    """Write one unit's self-contained report.html (UTF-8) atomically.

    `links` maps a visible label to a path relative to the page (e.g. {"report.json": "report.json",
    "Tổng hợp": "../index.html"}); they are shown under the title. Absolute URLs are refused: the
    page must work offline.
    """
    write_text(path, render_unit_page(unit, lang, links))


def render_batch_index(units: Sequence[UnitAssessment], lang: Lang = Lang.VI, tree: TreeReport | None = None) -> str:
    """The HTML of the batch index (see write_batch_index)."""
    view = index_view(units, lang, tree)
    return _render("index.html.j2", lang, title=view.title, index=view)


def write_batch_index(
    units: Sequence[UnitAssessment], out_dir: Path, lang: Lang = Lang.VI, tree: TreeReport | None = None
) -> None:
    """Write OUT/index.html: every unit's page linked, a table and a bar chart of points at risk, and the
    files the folder tree held outside any unit."""
    write_text(out_dir / INDEX_NAME, render_batch_index(units, lang, tree))
