"""The web reports: report.html per unit and index.html per batch, built from a real run on the samples.

Pages are parsed with the standard library's html.parser into a small tree, so the checks are about
elements and their text, not about string layout. One test renders a page in headless Chromium
(skipped when /usr/bin/chromium is absent).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from kiemchung.criteria_map.models import UnitAssessment
from kiemchung.extractors.models import FileKind
from kiemchung.extractors.ocr import ocr_available
from kiemchung.pipeline.config import load_config
from kiemchung.pipeline.labels import Lang
from kiemchung.pipeline.reports.html import (
    CSP,
    INDEX_NAME,
    PAGE_NAME,
    render_batch_index,
    render_unit_page,
    write_batch_index,
    write_unit_page,
)
from kiemchung.pipeline.run import check
from kiemchung.validators.model import Finding, Outcome, Proof, ProofKind, Severity
from scripts.screenshot import CHROMIUM_FLAGS

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "samples"
HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)" x=\'</td><img src=x onerror=alert(3)>'
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# ------------------------------------------------------------------------------------------ a tiny DOM


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements by tag and attributes; `class_="x"` matches one class among several."""
        found = []
        for node in self.walk():
            if tag is not None and node.tag != tag:
                continue
            ok = True
            for name, wanted in attrs.items():
                key = name.rstrip("_").replace("_", "-")
                value = node.attrs.get(key)
                if value is None or (value.split() if key == "class" else [value]).count(wanted) == 0:
                    ok = False
            if ok:
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "col", "source", "area", "base", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


# ------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The real pipeline on the sample batch, with the sample assignment table, and every page written."""
    base = tmp_path_factory.mktemp("html")
    config = load_config(
        year=2023,
        trust_roots=(SAMPLES / "trust" / "test-root.pem",),
        criteria_file=ROOT / "criteria_map" / "sample-commune.yaml",
        assignments_file=ROOT / "criteria_map" / "sample-assignments.csv",
    )
    out = base / "out"
    result = check(SAMPLES / "batch", config, out, progress="quiet")
    for unit in result.units:
        write_unit_page(
            unit, out / unit.unit / PAGE_NAME, links={"report.json": "report.json", "Tổng hợp": "../index.html"}
        )
    write_batch_index(result.units, out)
    pages = {unit.unit: (out / unit.unit / PAGE_NAME).read_text("utf-8") for unit in result.units}
    return {"units": {u.unit: u for u in result.units}, "out": out, "pages": pages}


def cao_an(run: dict[str, Any]) -> UnitAssessment:
    unit: UnitAssessment = run["units"]["UBND xã Cao An"]
    return unit


# ----------------------------------------------------------------------------------------- unit pages


def test_unit_name_in_title_and_heading(run: dict[str, Any]) -> None:
    for name, page in run["pages"].items():
        dom = parse(page)
        assert name in dom.find("title").text
        assert dom.find("h1").text == name
        assert dom.find("html").attrs["lang"] == "vi"


def test_every_zeroed_criterion_is_marked_in_words(run: dict[str, Any]) -> None:
    for name, unit in run["units"].items():
        dom = parse(run["pages"][name])
        zeroed = [c for c in unit.criteria if c.zeroed]
        assert zeroed, "the samples must zero something"
        for criterion in unit.criteria:
            if criterion.parent is None and not criterion.zeroed and not criterion.findings:
                dom.find("section", aria_labelledby=f"field-{criterion.code}")  # a field: its section and table
                continue
            article = dom.find("article", id=f"tc-{criterion.code}")
            badges = [b for b in article.find("header").find_all("span", class_="badge") if "zero" in b.attrs["class"]]
            if criterion.zeroed:
                assert article.attrs["data-zeroed"] == "true" and "zeroed" in article.attrs["class"].split()
                assert [b.text for b in badges] == ["0 điểm"], criterion.code
                assert "Tiêu chí bị chấm 0 điểm vì:" in article.text
            else:
                assert not badges, criterion.code
        summary = dom.find("section", aria_labelledby="overview")
        linked = [a.text for a in summary.find_all("a", class_="zeroed-link")]
        assert linked == [c.code for c in zeroed]


def test_a_finding_shows_its_reason_file_page_and_proof(run: dict[str, Any]) -> None:
    unit = cao_an(run)
    dom = parse(run["pages"][unit.unit])
    path = next(item.path for item in unit.evidence if item.path.startswith("1.2/12.1-BC-UBND"))
    article = dom.find("article", id="tc-1.2")
    finding = article.find("li", data_code="KC201")
    text = " ".join(finding.text.split())
    assert "Số văn bản có chữ/số phụ (số a, b)" in text  # the rule's Vietnamese title
    assert "Số văn bản “12.1” có hậu tố “.1”" in text  # the message
    assert finding.find("q", class_="proof").text == "Số: 12.1/BC-UBND"
    assert "Trang1" in text.replace(" ", "")
    # the file is the document block the finding sits in, named once, in its summary
    document = article.find("details", data_path=path)
    assert document.find("li", data_code="KC201") is not None and path not in text
    assert path in document.find("summary").text


def test_every_finding_message_and_proof_appear(run: dict[str, Any]) -> None:
    for name, unit in run["units"].items():
        dom = parse(run["pages"][name])
        texts = {" ".join(li.text.split()) for li in dom.find_all("li", class_="finding")}
        rendered = " | ".join(texts)
        litter = {item.path for item in unit.evidence if item.facts.kind is FileKind.SYSTEM}
        for where, subject, finding in unit.all_findings():
            if where == "document" and subject in litter:
                continue  # OS litter (Thumbs.db) supports no criterion and is not listed
            assert " ".join(finding.message.split()) in rendered, finding
            if finding.proof is not None and finding.proof.text:
                assert " ".join(finding.proof.text.split()) in rendered, finding


def test_documents_show_number_date_and_signatures(run: dict[str, Any]) -> None:
    unit = cao_an(run)
    dom = parse(run["pages"][unit.unit])
    block = dom.find("article", id="tc-1.1").find_all("details", class_="document")[0]
    text = " ".join(block.text.split())
    assert "11/KH-UBND" in text and "30/01/2023" in text
    rows = block.find("table", class_="signatures").find("tbody").find_all("tr")
    assert [r.find("td").text for r in rows] == ["Nguyễn Văn An", "Ủy ban nhân dân xã Cao An"]
    assert "cơ quan, tổ chức" in rows[1].text and "nguyên vẹn" in rows[1].text and "tin cậy" in rows[1].text
    assert "SHA-256" in rows[1].text  # the digest algorithm where the signature is described


@pytest.mark.skipif(not ocr_available(), reason="Tesseract with its Vietnamese model is not installed")
def test_pictures_say_what_they_show_and_ocr_says_how_sure_it_is(run: dict[str, Any]) -> None:
    dom = parse(run["pages"]["UBND xã Cao An"])
    blocks = {block.find("summary").text: block.text for block in dom.find_all("details")}
    photo = next(text for summary, text in blocks.items() if ".jpg" in summary and "Ảnh hội nghị" in summary)
    paper = next(text for summary, text in blocks.items() if "47-BC-UBND.jpg" in summary)
    assert "ảnh chụp, không phải văn bản (chỉ liệt kê)" in photo and "Làm 0 điểm" not in photo
    assert "ảnh chụp/scan văn bản giấy" in paper
    assert re.search(r"Đọc bằng OCR\s*độ tin cậy \d+%; cần đối chiếu với bản gốc", paper)


def test_summary_numbers_are_vietnamese(run: dict[str, Any]) -> None:
    dom = parse(run["pages"]["UBND xã Tân Lập"])  # both sums with half points: a decimal comma each
    cards = {div.find("dt").text: div.find("dd").text for div in dom.find("dl", class_="cards").find_all("div")}
    assert cards["Điểm có nguy cơ bị trừ"] == "40,5 điểm"
    assert cards["Tổng điểm đề xuất"] == "5,5 điểm"
    assert "01/01/2023 – 31/12/2023" in dom.find("header").text


def test_people_see_what_they_must_fix(run: dict[str, Any]) -> None:
    unit = cao_an(run)
    section = parse(run["pages"][unit.unit]).find("section", class_="people")
    people = [h.text for h in section.find_all("h3")]
    assert people == [person for person, _ in unit.responsibilities()]
    office = next(
        s for s in section.find_all("section", class_="person") if s.find("h3").text == "Văn phòng - Thống kê"
    )
    codes = [th.text for th in office.find("tbody").find_all("th")]
    assert "1.2" in codes and "3.2.1" in codes and "3.2.6" not in codes
    assert "1.2/12.1-BC-UBND" in office.text
    # what to do, with the file: re-issue the document numbered "12.1"
    to_do = " ".join(office.text.split())
    assert "cải cách hành chính quý I năm 2023.pdf: Nộp văn bản có số đúng sổ đăng ký" in to_do


def test_pages_are_self_contained(run: dict[str, Any]) -> None:
    pages = [*run["pages"].values(), (run["out"] / INDEX_NAME).read_text("utf-8")]
    for page in pages:
        dom = parse(page)
        assert not dom.find_all("script") and not dom.find_all("link") and not dom.find_all("img")
        csp = dom.find("meta", http_equiv="Content-Security-Policy")
        assert csp.attrs["content"] == CSP
        assert dom.find("meta", charset="utf-8")
        for node in dom.walk():
            for attr in ("src", "href", "action", "xlink:href"):
                value = node.attrs.get(attr, "")
                assert not urlsplit(value).scheme and not value.startswith("//"), value
            assert not any(name.startswith("on") for name in node.attrs), node.attrs


def test_links_must_stay_relative(run: dict[str, Any]) -> None:
    unit = cao_an(run)
    for target in ("https://example.org/x", "//example.org", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            render_unit_page(unit, links={"x": target})
    nav = parse(render_unit_page(unit, links={"Báo cáo Excel": "báo cáo.xlsx"})).find("nav", class_="links")
    assert nav.find("a").attrs["href"] == "b%C3%A1o%20c%C3%A1o.xlsx"


def test_hostile_text_is_shown_as_text(run: dict[str, Any]) -> None:
    unit = cao_an(run)
    criterion = next(c for c in unit.criteria if c.code == "1.2")
    item = next(i for i in unit.evidence if i.path == criterion.evidence[0])
    header = item.facts.header
    assert header.subject is not None and criterion.explanation is not None
    bad_path = f"1.2/{HOSTILE}.pdf"
    bad_finding = Finding(
        "number-suffix",
        "KC201",
        Severity.ERROR,
        True,
        Outcome.FAILED,
        HOSTILE,
        Proof(HOSTILE, 1, ProofKind.SELF_ASSESSMENT, HOSTILE),
    )
    bad_item = dataclasses.replace(
        item,
        path=bad_path,
        facts=dataclasses.replace(
            item.facts, header=dataclasses.replace(header, subject=dataclasses.replace(header.subject, value=HOSTILE))
        ),
        findings=(bad_finding,),
    )
    bad_criterion = dataclasses.replace(
        criterion,
        title=HOSTILE,
        evidence=(bad_path,),
        zeroed_by=(bad_path,),
        explanation=dataclasses.replace(criterion.explanation, text=HOSTILE),
        evidence_text=HOSTILE,
        responsible=(HOSTILE,),
    )
    hostile = dataclasses.replace(
        unit,
        unit=HOSTILE,
        self_assessment=HOSTILE,
        evidence=tuple(bad_item if i is item else i for i in unit.evidence),
        criteria=tuple(bad_criterion if c is criterion else c for c in unit.criteria),
        findings=(bad_finding,),
    )
    page, index_page = render_unit_page(hostile), render_batch_index([hostile])
    for html in (page, index_page):
        lowered = html.lower()
        assert "<script" not in lowered and "<img" not in lowered and "</td><img" not in lowered
        assert 'onmouseover="' not in lowered
        dom = parse(html)
        assert not dom.find_all("script") and not dom.find_all("img")
        assert all(not name.startswith("on") for node in dom.walk() for name in node.attrs)
    dom = parse(page)
    assert dom.find("h1").text == HOSTILE  # the unit's name
    article = dom.find("article", id="tc-1.2")
    assert HOSTILE in article.find("blockquote").text  # the explanation, verbatim
    assert HOSTILE in article.find("span", class_="path").text  # the file path
    assert any(q.text == HOSTILE for q in article.find_all("q", class_="proof"))  # the proof text
    assert any(HOSTILE in dd.text for dd in article.find_all("dd"))  # the document's subject
    link = parse(index_page).find("table", class_="units").find("a")
    href = link.attrs["href"]
    assert link.text == HOSTILE
    assert unquote(href) == f"{HOSTILE}/{PAGE_NAME}" and "<" not in href and '"' not in href


def test_english_labels(run: dict[str, Any]) -> None:
    unit = cao_an(run)
    dom = parse(render_unit_page(unit, Lang.EN))
    assert dom.find("html").attrs["lang"] == "en"
    cards = {div.find("dt").text: div.find("dd").text for div in dom.find("dl", class_="cards").find_all("div")}
    assert cards["Points at risk"] == "35 points"
    assert dom.find("article", id="tc-1.2").find("span", class_="badge").text == "0 points"
    text = dom.find("main").text
    assert "Tổng điểm đề xuất" not in text and "Tiêu chí bị chấm 0 điểm" not in text
    index = parse(render_batch_index(list(run["units"].values()), Lang.EN))
    assert "Points at risk per unit" in index.text


# ------------------------------------------------------------------------------------------------ index


def test_index_links_every_unit_page_sorted_by_risk(run: dict[str, Any]) -> None:
    out: Path = run["out"]
    dom = parse((out / INDEX_NAME).read_text("utf-8"))
    rows = dom.find("table", class_="units").find("tbody").find_all("tr")
    names = [row.find("a").text for row in rows]
    risks = [run["units"][name].totals.points_at_risk for name in names]
    assert sorted(names) == sorted(run["units"]) and risks == sorted(risks, reverse=True)
    for row in rows:
        href = row.find("a").attrs["href"]
        assert " " not in href and href.endswith("/report.html")
        assert (out / unquote(href)).is_file()


def test_chart_has_one_labelled_bar_per_unit(run: dict[str, Any]) -> None:
    dom = parse((run["out"] / INDEX_NAME).read_text("utf-8"))
    svg = dom.find("svg", class_="chart")
    bars = svg.find_all("g", class_="unit-bar")
    assert len(bars) == len(svg.find_all("rect", class_="bar")) == len(run["units"])
    widths = [float(g.find("rect").attrs["width"]) for g in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > 0
    for bar in bars:
        name = bar.find("title").text.split(":")[0]
        assert name in run["units"]
        assert bar.find_all("text")[0].text == name
        assert bar.find_all("text")[1].text.endswith("điểm")


def test_empty_batch_index() -> None:
    assert "Không có đơn vị nào." in parse(render_batch_index([])).text


# --------------------------------------------------------------------------------------------- Chromium


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)")
def test_chromium_renders_the_unit_page(run: dict[str, Any], tmp_path: Path) -> None:
    unit = cao_an(run)
    page = run["out"] / unit.unit / PAGE_NAME
    dom = parse(chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile").stdout)
    assert dom.find("h1").text == unit.unit
    for criterion in (c for c in unit.criteria if c.zeroed):
        article = dom.find("article", id=f"tc-{criterion.code}")
        assert article.find("span", class_="zero").text == "0 điểm"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)")
def test_printing_expands_closed_details_on_twelve_pages_at_most(run: dict[str, Any], tmp_path: Path) -> None:
    """A document without findings is collapsed on screen; on paper its signatures must still show."""
    from pypdf import PdfReader

    unit = cao_an(run)
    item = next(i for i in unit.evidence if i.path.startswith("6.2/30-TTr-UBND"))
    assert not item.findings  # collapsed on screen
    pdf = tmp_path / "report.pdf"
    page = run["out"] / unit.unit / PAGE_NAME
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri(), profile=tmp_path / "profile")
    pages = PdfReader(pdf).pages
    text = "".join(p.extract_text() for p in pages)
    assert "24/07/2023 11:11:43" in text  # the organisation's signing time, only inside that closed block
    # Paper is dense: the sample commune (20 of 36 criteria zeroed) on at most 12 A4 pages, 40 before.
    assert len(pages) <= 12 and {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == {
        (595, 842)
    }
    assert "Việc cần làm" in text and "Viết lại giải trình" in text  # the people section is printed
