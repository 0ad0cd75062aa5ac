"""The document-set rules on real signed PDFs: a file submitted twice, and one number on two documents.

The files are drawn and signed by the sample generator's own tools (throwaway test CA) into a unit
folder under tmp_path, read by the real reader, judged, and assessed; the last test runs `kiemchung
check` on the folder to see the findings, with the other file named as proof, in every report.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kiemchung.criteria_map import EvidenceItem, UnitAssessment, assess_unit
from kiemchung.extractors import read_document
from kiemchung.pipeline.cli import main
from kiemchung.pipeline.reports.json_report import SCHEMA_PATH
from kiemchung.validators import validate_document
from kiemchung.validators.model import ProofKind
from samples.documents import DocSpec, write_pdf
from samples.pki import build_test_pki, default_profiles
from samples.signing import sign_pdf
from tests.context import rule_context

VN = dt.timezone(dt.timedelta(hours=7))
CONTEXT = rule_context(dt.date(2023, 1, 1), dt.date(2023, 12, 31), today=dt.date(2024, 3, 1))

PLAN = "1.1/KH 05 - Cải thiện chỉ số CCHC.pdf"
OTHER_PLAN = "2.1/KH 05 - Tuyên truyền CCHC.pdf"
REPORT = "3.1/BC 12 - Kết quả CCHC quý I.pdf"
REPORT_COPY = "3.2/BC 12 - Kết quả CCHC quý I (bản sao).pdf"


def _spec(number: str, symbol: str, issued: dt.date, type_name: str, subject: str) -> DocSpec:
    return DocSpec(
        number=number,
        symbol=symbol,
        date=issued,
        type_name=type_name,
        subject=subject,
        body=(f"Ủy ban nhân dân xã Cao An ban hành {type_name.lower()} {subject.lower()} như sau.",),
    )


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A unit folder: two plans under one number, and a report with its byte-for-byte copy."""
    root = tmp_path_factory.mktemp("duplicates")
    folder = root / "UBND xã Cao An"
    pki = build_test_pki([p for p in default_profiles() if p.key in ("cao-an/person", "cao-an/organization")])
    trust_root = pki.write_trust_root(root / "trust" / "test-root.pem")
    documents = {
        PLAN: _spec("05", "KH-UBND", dt.date(2023, 1, 30), "KẾ HOẠCH", "Cải thiện, nâng cao chỉ số CCHC năm 2023"),
        OTHER_PLAN: _spec("05", "KH-UBND", dt.date(2023, 3, 6), "KẾ HOẠCH", "Tuyên truyền CCHC năm 2023"),
        REPORT: _spec("12", "BC-UBND", dt.date(2023, 3, 28), "BÁO CÁO", "Kết quả cải cách hành chính quý I năm 2023"),
    }
    for index, (relative, spec) in enumerate(documents.items()):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        drawn, by_person = root / f"{index}.pdf", root / f"{index}.person.pdf"
        write_pdf(spec, drawn)
        assert isinstance(spec.date, dt.date)
        morning = dt.datetime.combine(spec.date, dt.time(8, 30), VN)
        sign_pdf(drawn, by_person, pki.signer("cao-an/person"), field_name="Signature1", signing_time=morning)
        sign_pdf(
            by_person,
            target,
            pki.signer("cao-an/organization"),
            field_name="Signature2",
            signing_time=morning + dt.timedelta(hours=1),
        )
    (folder / REPORT_COPY).parent.mkdir(parents=True)
    shutil.copyfile(folder / REPORT, folder / REPORT_COPY)
    return {"folder": folder, "trust_root": trust_root}


@pytest.fixture(scope="module")
def assessed(unit: dict[str, Path]) -> UnitAssessment:
    """The unit read and judged as `kiemchung check` does, without the reports."""
    items = []
    for path in sorted(unit["folder"].rglob("*.pdf")):
        facts = read_document(path, trust_roots=(unit["trust_root"],))
        relative = path.relative_to(unit["folder"]).as_posix()
        items.append(EvidenceItem(relative, facts, validate_document(facts, CONTEXT)))
    assert not any(item.zeroes for item in items), [(i.path, i.findings) for i in items if i.zeroes]
    return assess_unit("UBND xã Cao An", 2023, CONTEXT, items)


def _findings(assessment: UnitAssessment, path: str, rule: str) -> list[Any]:
    (item,) = [item for item in assessment.evidence if item.path == path]
    return [finding for finding in item.findings if finding.rule == rule]


def test_a_file_copied_under_another_name_is_reported_once(assessed: UnitAssessment) -> None:
    (finding,) = _findings(assessed, REPORT_COPY, "duplicate-document")
    assert finding.code == "KC501" and not finding.zeroes
    assert finding.proof is not None and finding.proof.text == REPORT and finding.proof.kind is ProofKind.UNIT_EVIDENCE
    assert f"“{REPORT}”" in finding.message and "SHA-256" in finding.message
    assert _findings(assessed, REPORT, "duplicate-document") == []  # the copy to keep reads clean
    assert _findings(assessed, REPORT_COPY, "number-reused") == []  # the same document is no reuse
    criteria = {c.code: c for c in assessed.criteria}
    assert not criteria["3.1"].zeroed and not criteria["3.2"].zeroed  # a warning: the score stands
    for path in (PLAN, OTHER_PLAN):  # two documents under one number are not copies
        assert _findings(assessed, path, "duplicate-document") == []


def test_one_number_on_two_documents_zeroes_both_criteria(assessed: UnitAssessment) -> None:
    for path, other in ((PLAN, OTHER_PLAN), (OTHER_PLAN, PLAN)):
        (finding,) = _findings(assessed, path, "number-reused")
        assert finding.code == "KC502" and finding.zeroes
        assert finding.proof is not None and other in finding.proof.text
        assert "“Số: 05/KH-UBND”" in finding.message and "trích yếu" in finding.message
    criteria = {c.code: c for c in assessed.criteria}
    for code, path in (("1.1", PLAN), ("2.1", OTHER_PLAN)):
        assert criteria[code].zeroed and criteria[code].recommended_score == 0
        assert path in criteria[code].zeroed_by
    assert _findings(assessed, REPORT, "number-reused") == []


def test_the_reports_show_the_findings_and_the_other_file(unit: dict[str, Path], tmp_path: Path) -> None:
    argv = ["check", str(unit["folder"]), "--year", "2023", "--out", str(tmp_path), "--trust-root"]
    assert main([*argv, str(unit["trust_root"])]) == 0
    out = tmp_path / unit["folder"].name
    report = json.loads((out / "report.json").read_text("utf-8"))
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    evidence = {entry["path"]: entry for entry in report["evidence"]}
    (reused,) = [f for f in evidence[OTHER_PLAN]["findings"] if f["rule"] == "number-reused"]
    assert reused["proof"]["source"] == "unit-evidence" and PLAN in reused["proof"]["text"]
    (copy,) = [f for f in evidence[REPORT_COPY]["findings"] if f["rule"] == "duplicate-document"]
    assert copy["proof"]["text"] == REPORT
    criteria = {c["code"]: c for c in report["criteria"]}
    assert OTHER_PLAN in criteria["2.1"]["zeroed_by"]
    page = next(out.glob("*.html")).read_text("utf-8")
    assert "Số văn bản trùng với văn bản khác" in page and "Tài liệu nộp trùng" in page
    assert "các tài liệu kiểm chứng khác của đơn vị" in page
