"""What to build: one plan per file, with the facts it is built from and the rules it should trigger.

:data:`SPECIAL_CASES` lists every trap and defect the batch covers (in priority order, with the rule
names expected to fire; :data:`CASE_FILES` the cases built as more than one file); :func:`plan_batch`
spreads them over the units and fills up with good documents: signed by the unit's person then
organisation, dated in the assessment year, signed the same day.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from samples.catalog import (
    ASSESSMENT_YEAR,
    GOOD_ROTATION,
    TEMPLATE_BY_KEY,
    Template,
    Unit,
    body_for,
    district_citation,
)
from samples.documents import BlankDate, ColumnOrder, DocSpec, format_vn_date
from samples.pki import EXPIRED_LEAF_VALIDITY
from samples.signing import VN_TZ, format_signing_time

Role = Literal["evidence", "self-assessment", "junk"]
Output = Literal["pdf", "docx", "scan", "scan-ocr", "image", "photo", "none"]
"""``image``: a picture (.jpg) of a paper page; ``photo``: a picture with no document in it."""
LegacyHeader = Literal["tcvn3", "vni"]
Visible = Literal["none", "person", "organization", "copy"]


# --- plans -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignStep:
    """One signature to apply, in order (person first, then organisation)."""

    identity: str
    """PKI identity key (``u000/person``, ``u000/organization``, ``u000/rogue``...)."""
    role: Literal["person", "organization"]
    certificate: Literal["valid", "expired-since-signing", "rogue-self-signed"]
    when: datetime
    visible: Visible = "none"
    stamp_text: str | None = None
    subfilter: Literal["pades", "pkcs7"] = "pades"
    timestamp: bool = False


@dataclass(frozen=True)
class HeaderTruth:
    """What the document header really says (the stamped values where the body leaves blanks)."""

    number: str | None
    symbol: str | None
    type: str | None
    date: date | None
    issuer: str
    year_in_number: str | None = None
    place: str = ""
    subject: str = ""
    signer_name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "year_in_number": self.year_in_number,
            "symbol": self.symbol,
            "type": self.type,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "place": self.place,
            "subject": self.subject,
            "signer_name": self.signer_name,
        }


PostStep = Literal[
    "none", "flip", "edit", "zero", "truncate", "random", "docx-as-pdf", "pdf-as-docx", "encrypt-user",
    "encrypt-owner", "legacy-doc", "ds-store", "thumbs-db", "duplicate",
]
"""``duplicate``: an exact byte copy of the file the previous plan of the unit wrote."""


@dataclass(frozen=True)
class DocPlan:
    """Everything needed to build one file, and what the tool should find in it."""

    case: str
    unit: Unit
    criterion: str | None
    template: Template | None
    spec: DocSpec | None
    output: Output
    extension: str
    expected: tuple[str, ...]
    header: HeaderTruth | None
    role: Role = "evidence"
    column_order: ColumnOrder = "rows"
    pages: int = 1
    signatures: tuple[SignStep, ...] = ()
    post: PostStep = "none"
    loose: bool = False
    file_name: str | None = None
    """Fixed file name (junk files, photos); otherwise derived from the document."""
    legacy_header: LegacyHeader | None = None
    """The header typed in a legacy 8-bit encoding (TCVN3 or VNI fonts), the body in Unicode."""
    facts: Mapping[str, Any] = field(default_factory=dict)


# Special cases in priority order: a small batch keeps the first ones. Each maps to its expected rules.
SPECIAL_CASES: Mapping[str, tuple[str, ...]] = {
    "one-signature": ("organization-signature-missing",),
    "stamped-number": (),
    "number-suffix-letter": ("number-suffix",),
    "scan-unsigned": ("scanned-paper", "unsigned"),
    "unsigned-docx": ("unsigned",),
    "signature-rogue": ("signature-untrusted",),
    "number-missing": ("number-missing",),
    "date-missing": ("date-missing",),
    "date-previous-year": ("date-out-of-period",),
    "body-citation-trap": (),
    "unsigned-pdf": ("unsigned",),
    "scan-signed-copy": ("scanned-paper",),
    "signature-byte-flipped": ("signature-invalid",),
    "signature-edited-after": ("signature-modified",),
    "broken-zero-byte": ("unreadable",),
    "number-suffix-dot": ("number-suffix",),
    "date-future": ("date-out-of-period",),
    "symbol-nonstandard": ("symbol-nonstandard",),
    "cong-van": (),
    "normative-number": (),
    "scan-ocr": ("scanned-paper", "unsigned"),
    "certificate-expired-since": (),
    "picture-pdf": (),
    "signed-long-after": ("signed-long-after-issue",),
    "signer-mismatch": ("signer-mismatch",),
    "timestamped": (),
    "pkcs7-subfilter": (),
    "header-left-first": (),
    "header-right-first": (),
    "multi-page": (),
    "number-suffix-space": ("number-suffix",),
    "broken-truncated": ("unreadable",),
    "broken-random-bytes": ("unreadable",),
    "broken-encrypted-open-password": ("unreadable",),
    "encrypted-owner-password-only": ("unsigned",),
    "broken-legacy-doc": ("unreadable",),
    # Read by their content, whatever the name says: an unsigned Word file, a good signed PDF.
    "broken-docx-named-pdf": ("unsigned",),
    "broken-pdf-named-docx": (),
    "junk-ds-store": (),
    "junk-thumbs-db": (),
    # The copy sorting after the original by path (what the rule keeps); the generator labels it.
    "duplicate-document": ("duplicate-document",),
    "number-reused": ("number-reused",),
    "picture-of-paper": ("scanned-paper",),
    "legacy-tcvn3-docx": ("unsigned",),
    "legacy-vni-pdf": (),
    "event-photo": (),
}
# Cases built as more than one file (both files of a number-reused pair fail; the original of a
# duplicate is a good document). Every other case is one file.
CASE_FILES: Mapping[str, int] = {"duplicate-document": 2, "number-reused": 2}


class _UnitPlanner:
    """Builds the plans of one unit: numbering, dates, signing times, folder placement inputs."""

    def __init__(self, unit: Unit, seed: int) -> None:
        self.unit = unit
        self.rng = random.Random(f"plan:{seed}:{unit.index}")
        self.next_number = 20 + self.rng.randint(0, 5)
        self.rotation = self.rng.randint(0, len(GOOD_ROTATION) - 1)

    # numbering and dates

    def number(self) -> str:
        value = self.next_number
        self.next_number += self.rng.randint(1, 4)
        return f"{value:02d}"

    def day_in(self, month: int, year: int = ASSESSMENT_YEAR) -> date:
        day = date(year, month, self.rng.randint(3, 26))
        while day.weekday() >= 5:  # offices issue documents on working days
            day += timedelta(days=1)
        return day

    def signing_times(self, issued: date) -> tuple[datetime, datetime]:
        start = datetime(issued.year, issued.month, issued.day, 8, 0, tzinfo=VN_TZ)
        person = start + timedelta(minutes=self.rng.randint(0, 150), seconds=self.rng.randint(0, 59))
        organization = person + timedelta(minutes=self.rng.randint(10, 90), seconds=self.rng.randint(0, 59))
        return person, organization

    def next_template(self) -> Template:
        key = GOOD_ROTATION[self.rotation % len(GOOD_ROTATION)]
        self.rotation += 1
        return TEMPLATE_BY_KEY[key]

    # building blocks

    def spec(self, template: Template, *, number: str, when: date | BlankDate, **changes: Any) -> DocSpec:
        unit = self.unit
        symbol = f"{template.type_abbr}-UBND" if template.kind != "cv" else "UBND-VP"
        issued = when if isinstance(when, date) else None
        base = DocSpec(
            issuer=unit.issuer,
            number=number,
            symbol=symbol,
            year_in_number=str(ASSESSMENT_YEAR) if template.kind == "qppl" else None,
            place=unit.place,
            date=when,
            type_name=template.type_name,
            subject=template.subject,
            body=body_for(template, unit, issued),
            recipients=(f"UBND {unit.district}", f"Phòng Nội vụ {unit.district}", "Đảng ủy, HĐND xã".replace(
                "xã", unit.kind), "Lưu: VT"),
            signer_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
            signer_name=unit.chairman,
            addressees=(f"Phòng Nội vụ {unit.district}",) if template.kind in ("cv", "tt") else (),
        )
        return replace(base, **changes)

    def truth(self, spec: DocSpec, *, number: str | None = None, when: date | None = None,
              keep_blank: bool = False) -> HeaderTruth:
        printed_number = spec.number or None
        printed_date = spec.date if isinstance(spec.date, date) else None
        return HeaderTruth(
            number=number if number is not None or keep_blank else printed_number,
            symbol=spec.symbol,
            type=spec.type_name,
            date=when if when is not None or keep_blank else printed_date,
            issuer=spec.issuer_full,
            year_in_number=spec.year_in_number,
            place=spec.place,
            subject=spec.subject,
            signer_name=spec.signer_name,
        )

    def stamp(self, spec: DocSpec, when: datetime, *, number: str | None, issued: date | BlankDate | None) -> str:
        """Organisation appearance: who signed, the stamped number and date, and the signing time."""
        lines = [f"Ký bởi: {self.unit.organization_name}"]
        if number is not None:
            middle = f"/{spec.year_in_number}" if spec.year_in_number else ""
            lines.append(f"Số: {number}{middle}/{spec.symbol}")
        if issued is not None:
            lines.append(format_vn_date(issued))
        lines.append(f"Thời gian ký: {format_signing_time(when)}")
        return "\n".join(lines)

    def two_signatures(
        self,
        spec: DocSpec,
        issued: date,
        *,
        signed_on: date | None = None,
        stamp_number: bool = True,
        person_identity: str = "person",
        person_certificate: Literal["valid", "expired-since-signing", "rogue-self-signed"] = "valid",
        subfilter: Literal["pades", "pkcs7"] = "pades",
        timestamp: bool = False,
    ) -> tuple[SignStep, ...]:
        person_at, org_at = self.signing_times(signed_on or issued)
        person_visible: Visible = "person" if self.rng.random() < 0.5 else "none"
        org_visible: Visible = "organization" if self.rng.random() < 0.85 or not stamp_number else "none"
        stamp = None
        if org_visible == "organization":
            stamp = self.stamp(spec, org_at, number=spec.number if stamp_number else None,
                               issued=spec.date if stamp_number else None)
        return (
            SignStep(self.unit.identity_key(person_identity), "person", person_certificate, person_at,
                     person_visible, subfilter=subfilter, timestamp=timestamp),
            SignStep(self.unit.identity_key("organization"), "organization", "valid", org_at, org_visible,
                     stamp, subfilter=subfilter, timestamp=timestamp),
        )

    # cases

    def good(self, case: str = "good", template: Template | None = None, **plan_changes: Any) -> DocPlan:
        template = template or self.next_template()
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        return DocPlan(case=case, unit=self.unit, criterion=template.criterion, template=template, spec=spec,
                       output="pdf", extension=".pdf", expected=(), header=self.truth(spec),
                       signatures=self.two_signatures(spec, issued), **plan_changes)

    def anchor(self) -> DocPlan:
        """The unit's annual CCHC plan, ``Số: 11/KH-UBND ... ngày 30 tháng 01 năm 2023`` for unit 0."""
        template = TEMPLATE_BY_KEY["kh-cchc"]
        if self.unit.index == 0:
            number, issued = "11", date(ASSESSMENT_YEAR, 1, 30)
        else:
            number, issued = self.number(), self.day_in(1)
        spec = self.spec(template, number=number, when=issued)
        return DocPlan(case="good", unit=self.unit, criterion=template.criterion, template=template, spec=spec,
                       output="pdf", extension=".pdf", expected=(), header=self.truth(spec),
                       signatures=self.two_signatures(spec, issued))

    def special(self, case: str) -> tuple[DocPlan, ...]:
        """The plans of one case: one file labelled with the case's rules, or :data:`CASE_FILES` files
        that their builder labels (the good original of a duplicate is no case of its own).
        """
        builder: Callable[[], DocPlan | tuple[DocPlan, ...]] = getattr(self, "case_" + case.replace("-", "_"))
        built = builder()
        if isinstance(built, DocPlan):
            built = (replace(built, case=case, expected=SPECIAL_CASES[case]),)
        if len(built) != case_files(case):
            raise ValueError(f"case {case!r} built {len(built)} files, not {case_files(case)}")
        return built

    def _with_spec(self, template: Template, spec: DocSpec, issued: date | None, *,
                   signatures: tuple[SignStep, ...] | None = None, truth: HeaderTruth | None = None,
                   **plan_changes: Any) -> DocPlan:
        if signatures is None:
            if issued is None:
                raise ValueError("two signatures need an issue date")
            signatures = self.two_signatures(spec, issued)
        return DocPlan(case="", unit=self.unit, criterion=template.criterion, template=template, spec=spec,
                       output=plan_changes.pop("output", "pdf"), extension=plan_changes.pop("extension", ".pdf"),
                       expected=(), header=truth or self.truth(spec), signatures=signatures, **plan_changes)

    def case_one_signature(self) -> DocPlan:
        plan = self.good()
        return replace(plan, signatures=plan.signatures[:1], facts={"signatures_expected": "person only"})

    def case_stamped_number(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["kh-kiem-tra"]
        issued = date(ASSESSMENT_YEAR, 2, 16)
        spec = self.spec(template, number="", when=BlankDate(year=ASSESSMENT_YEAR))
        person_at, org_at = self.signing_times(issued)
        stamp_spec = replace(spec, number="07")
        steps = (
            SignStep(self.unit.identity_key("person"), "person", "valid", person_at, "person"),
            SignStep(self.unit.identity_key("organization"), "organization", "valid", org_at, "organization",
                     self.stamp(stamp_spec, org_at, number="07", issued=issued)),
        )
        return self._with_spec(template, spec, issued, signatures=steps,
                               truth=self.truth(spec, number="07", when=issued),
                               facts={"number_in_body": "", "date_in_body": spec.date_line,
                                      "number_source": "organization signature appearance"})

    def _numbered(self, number: str, key: str = "kh-tuyen-truyen", **facts: Any) -> DocPlan:
        template = TEMPLATE_BY_KEY[key]
        issued = self.day_in(template.month)
        spec = self.spec(template, number=number, when=issued)
        return self._with_spec(template, spec, issued, facts=facts)

    def case_number_suffix_letter(self) -> DocPlan:
        return self._numbered("12a", "kh-tuyen-truyen")

    def case_number_suffix_dot(self) -> DocPlan:
        return self._numbered("12.1", "bc-cchc-q1")

    def case_number_suffix_space(self) -> DocPlan:
        return self._numbered("12 a", "kh-dan-chu")

    def case_number_missing(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["bc-ra-soat"]
        issued = self.day_in(template.month)
        spec = self.spec(template, number="", when=issued)
        steps = self.two_signatures(spec, issued, stamp_number=False)
        return self._with_spec(template, spec, issued, signatures=steps, facts={"number_in_body": ""})

    def case_date_missing(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["tb-tthc"]
        signed_on = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=BlankDate(year=ASSESSMENT_YEAR))
        steps = self.two_signatures(spec, signed_on, stamp_number=False)
        return self._with_spec(template, spec, None, signatures=steps,
                               facts={"date_in_body": spec.date_line})

    def case_date_previous_year(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["bc-kiem-tra"]
        issued = date(ASSESSMENT_YEAR - 1, 12, 28)
        spec = self.spec(template, number=self.number(), when=issued,
                         subject="Kết quả tự kiểm tra công tác cải cách hành chính năm 2022")
        # Signed a week later, in the assessment year.
        steps = self.two_signatures(spec, issued, signed_on=date(ASSESSMENT_YEAR, 1, 4))
        return self._with_spec(template, spec, issued, signatures=steps)

    def case_date_future(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["kh-cds"]
        signed_on = self.day_in(template.month)
        issued = date(2027, signed_on.month, signed_on.day)  # a typo in the year
        spec = self.spec(template, number=self.number(), when=issued)
        steps = self.two_signatures(spec, issued, signed_on=signed_on)
        return self._with_spec(template, spec, issued, signatures=steps,
                               facts={"note": "year typed 2027 instead of 2023; signed in 2023"})

    def case_symbol_nonstandard(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["kh-kiem-tra"]
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued, symbol="XYZ-UBND")
        return self._with_spec(template, spec, issued, facts={"note": "type KẾ HOẠCH but symbol XYZ-UBND"})

    def case_body_citation_trap(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["kh-cchc"]
        issued = date(ASSESSMENT_YEAR, 2, 6)
        citation = (f"Kế hoạch số 12a/KH-UBND ngày 05/01/{ASSESSMENT_YEAR} của UBND {self.unit.district} về "
                    "nâng cao chỉ số cải cách hành chính")
        spec = self.spec(template, number="15", when=issued,
                         subject="Thực hiện nhiệm vụ nâng cao chỉ số cải cách hành chính năm 2023",
                         body=body_for(template, self.unit, issued, citation=citation))
        return self._with_spec(template, spec, issued, facts={"body_citations": ["12a/KH-UBND"]})

    def case_cong_van(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["cv-chu-ky-so"]
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        return self._with_spec(template, spec, issued, facts={"cong_van": True, "subject_line": f"V/v {spec.subject}"})

    def case_normative_number(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["qd-qppl"]
        issued = self.day_in(template.month)
        spec = self.spec(template, number="05", when=issued)
        return self._with_spec(template, spec, issued, facts={"legal_normative": True})

    def _unsigned(self, template_key: str, **plan_changes: Any) -> DocPlan:
        template = TEMPLATE_BY_KEY[template_key]
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        return self._with_spec(template, spec, issued, signatures=(), **plan_changes)

    def case_unsigned_pdf(self) -> DocPlan:
        return self._unsigned("bb-danh-gia")

    def case_unsigned_docx(self) -> DocPlan:
        return self._unsigned("tb-ky-luat", output="docx", extension=".docx")

    def case_scan_unsigned(self) -> DocPlan:
        return self._unsigned("qd-quy-che", output="scan", facts={"hand_signed": True})

    def case_scan_ocr(self) -> DocPlan:
        return self._unsigned("bc-ngan-sach", output="scan-ocr",
                              facts={"ocr_layer": "invisible text, render mode 3", "hand_signed": True})

    def case_scan_signed_copy(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["bc-tthc"]
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        when = datetime(issued.year, issued.month, issued.day, 15, 20, tzinfo=VN_TZ) + timedelta(days=3)
        stamp = (f"SAO Y\n{self.unit.organization_name}\n"
                 f"Thời gian ký: {when.isoformat(timespec='seconds')}")
        steps = (SignStep(self.unit.identity_key("organization"), "organization", "valid", when, "copy", stamp),)
        return self._with_spec(template, spec, issued, signatures=steps, output="scan",
                               facts={"copy_form": "SAO Y", "hand_signed": True})

    def case_signature_byte_flipped(self) -> DocPlan:
        return replace(self.good(), post="flip")

    def case_signature_edited_after(self) -> DocPlan:
        return replace(self.good(), post="edit")

    def case_signature_rogue(self) -> DocPlan:
        template = self.next_template()
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        steps = self.two_signatures(spec, issued, person_identity="rogue", person_certificate="rogue-self-signed")
        return self._with_spec(template, spec, issued, signatures=steps)

    def case_certificate_expired_since(self) -> DocPlan:
        template = self.next_template()
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        steps = self.two_signatures(spec, issued, person_identity="person-expired",
                                    person_certificate="expired-since-signing")
        return self._with_spec(template, spec, issued, signatures=steps,
                               facts={"person_certificate_not_after": EXPIRED_LEAF_VALIDITY[1].isoformat()})

    def case_picture_pdf(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["kh-tuyen-truyen"]
        issued = self.day_in(9)
        spec = self.spec(
            template, number=self.number(), when=issued, type_name="BÁO CÁO", symbol="BC-UBND",
            subject="Kết quả tuyên truyền cải cách hành chính 9 tháng năm 2023",
            body=(f"Thực hiện {district_citation(self.unit)}, Ủy ban nhân dân {self.unit.kind} "
                  f"{self.unit.place} báo cáo kết quả tuyên truyền như sau:",
                  "1. Phát 36 bản tin trên hệ thống loa truyền thanh; tổ chức 01 hội nghị tuyên truyền "
                  "với 120 người tham dự (ảnh kèm theo)."),
            picture_caption=f"Ảnh: Hội nghị tuyên truyền cải cách hành chính tại {self.unit.kind} {self.unit.place}",
        )
        return self._with_spec(template, spec, issued, facts={"embedded_picture": True})

    def case_signed_long_after(self) -> DocPlan:
        template = TEMPLATE_BY_KEY["bc-ngan-sach"]
        issued = date(ASSESSMENT_YEAR, 1, 10)
        spec = self.spec(template, number=self.number(), when=issued)
        steps = self.two_signatures(spec, issued, signed_on=date(ASSESSMENT_YEAR, 6, 15))
        return self._with_spec(template, spec, issued, signatures=steps, facts={"days_to_signature": 156})

    def case_signer_mismatch(self) -> DocPlan:
        template = self.next_template()
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued,
                         signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), signer_name=self.unit.vice_chairman)
        return self._with_spec(template, spec, issued,
                               facts={"printed_signer": self.unit.vice_chairman,
                                      "person_certificate_cn": self.unit.chairman})

    def case_timestamped(self) -> DocPlan:
        template = self.next_template()
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        return self._with_spec(template, spec, issued, signatures=self.two_signatures(spec, issued, timestamp=True))

    def case_pkcs7_subfilter(self) -> DocPlan:
        template = self.next_template()
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        return self._with_spec(template, spec, issued,
                               signatures=self.two_signatures(spec, issued, subfilter="pkcs7"))

    def case_header_left_first(self) -> DocPlan:
        return replace(self.good(), column_order="left-first")

    def case_header_right_first(self) -> DocPlan:
        return replace(self.good(), column_order="right-first")

    def case_multi_page(self) -> DocPlan:
        return replace(self.good(template=TEMPLATE_BY_KEY["kh-cds"]), pages=3)

    def _broken(self, post: PostStep, *, extension: str = ".pdf", base: DocPlan | None = None,
                readable_header: bool = False) -> DocPlan:
        plan = base or self.good()
        return replace(plan, post=post, extension=extension, header=plan.header if readable_header else None,
                       facts={"content_header": plan.header.to_json() if plan.header else None})

    def case_broken_zero_byte(self) -> DocPlan:
        return self._broken("zero")

    def case_broken_truncated(self) -> DocPlan:
        return self._broken("truncate")

    def case_broken_random_bytes(self) -> DocPlan:
        return self._broken("random")

    def case_broken_encrypted_open_password(self) -> DocPlan:
        return self._broken("encrypt-user", base=self._unsigned("bc-kiem-tra"))

    def case_encrypted_owner_password_only(self) -> DocPlan:
        return self._broken("encrypt-owner", base=self._unsigned("bc-ktxh"), readable_header=True)

    def case_broken_legacy_doc(self) -> DocPlan:
        return self._broken("legacy-doc", extension=".doc")

    def case_broken_docx_named_pdf(self) -> DocPlan:
        plan = self._unsigned("tb-ky-luat", output="docx")
        content_header = plan.header.to_json() if plan.header else None
        return replace(self._broken("docx-as-pdf", base=plan, readable_header=True),
                       facts={"actual_format": "docx", "content_header": content_header})

    def case_broken_pdf_named_docx(self) -> DocPlan:
        plan = self.good()
        return replace(self._broken("pdf-as-docx", extension=".docx", base=plan, readable_header=True),
                       facts={"actual_format": "pdf (signed)",
                              "content_header": plan.header.to_json() if plan.header else None})

    def case_duplicate_document(self) -> tuple[DocPlan, DocPlan]:
        """A good document, then the same bytes under another name in another criterion's folder."""
        original = self.good()
        assert original.template is not None
        start = GOOD_ROTATION.index(original.template.key)
        following = [TEMPLATE_BY_KEY[key] for key in GOOD_ROTATION[start:] + GOOD_ROTATION[:start]]
        other = next(template for template in following if template.criterion != original.template.criterion)
        copy = replace(original, case="duplicate-document", expected=SPECIAL_CASES["duplicate-document"],
                       criterion=other.criterion, template=other, post="duplicate")
        return original, copy

    def case_number_reused(self) -> tuple[DocPlan, DocPlan]:
        """Two different plans (other subject, other date) given one number: Số: NN/KH-UBND twice."""
        number = self.number()
        plans = []
        for key in ("kh-tuyen-truyen", "kh-dan-chu"):
            template = TEMPLATE_BY_KEY[key]
            issued = self.day_in(template.month)
            spec = self.spec(template, number=number, when=issued)
            plans.append(replace(self._with_spec(template, spec, issued, facts={"number_shared_by": 2}),
                                 case="number-reused", expected=SPECIAL_CASES["number-reused"]))
        return plans[0], plans[1]

    def case_picture_of_paper(self) -> DocPlan:
        """A hand-signed paper report scanned to a .jpg: no text layer, no digital signature."""
        return self._unsigned("bc-cchc-6t", output="image", extension=".jpg",
                              facts={"hand_signed": True, "needs_ocr": True, "header_source": "ocr"})

    def case_legacy_tcvn3_docx(self) -> DocPlan:
        """A Word file from an old template: its header typed in .VnTime/.VnTimeH, the body in Unicode."""
        plan = self._unsigned("kh-kiem-tra", output="docx", extension=".docx")
        return replace(plan, legacy_header="tcvn3",
                       facts={"legacy_encoding": "TCVN3", "legacy_fonts": [".VnTime", ".VnTimeH"],
                              "legacy_part": "header"})

    def case_legacy_vni_pdf(self) -> DocPlan:
        """A signed PDF printed from a Word file whose header is typed in VNI-Times, the body in Unicode."""
        template = TEMPLATE_BY_KEY["bc-pakn"]
        issued = self.day_in(template.month)
        spec = self.spec(template, number=self.number(), when=issued)
        return self._with_spec(template, spec, issued, legacy_header="vni",
                               facts={"legacy_encoding": "VNI", "legacy_fonts": ["VNI-Times"],
                                      "legacy_part": "header"})

    def case_event_photo(self) -> DocPlan:
        """A photo of the unit's reform meeting filed as evidence: no document, nothing to judge."""
        template = TEMPLATE_BY_KEY["kh-tuyen-truyen"]
        return DocPlan(case="", unit=self.unit, criterion=template.criterion, template=template, spec=None,
                       output="photo", extension=".jpg", expected=(), header=None,
                       file_name=f"Ảnh hội nghị tuyên truyền CCHC {self.unit.kind} {self.unit.place}.jpg",
                       facts={"photo": "an event: sky, building, people; no writing", "needs_ocr": True})

    def case_junk_ds_store(self) -> DocPlan:
        return DocPlan(case="", unit=self.unit, criterion=None, template=None, spec=None, output="none",
                       extension="", expected=(), header=None, role="junk", post="ds-store", loose=True,
                       file_name=".DS_Store")

    def case_junk_thumbs_db(self) -> DocPlan:
        template = self.next_template()
        return DocPlan(case="", unit=self.unit, criterion=template.criterion, template=template, spec=None,
                       output="none", extension="", expected=(), header=None, role="junk", post="thumbs-db",
                       file_name="Thumbs.db")


def case_files(case: str) -> int:
    """How many files a special case is built as."""
    return CASE_FILES.get(case, 1)


def plan_batch(units: Sequence[Unit], docs_per_unit: int, seed: int = 0) -> list[list[DocPlan]]:
    """Per unit, the plans: the anchor plan first, then the unit's special cases, then good documents.

    All special cases appear once when there is room (units x (docs - 1) ≥ the files of all cases);
    large batches repeat them so that about 30% of documents are special; a small batch keeps the
    first cases that fit. A case of several files goes whole to one unit. Every unit keeps at least
    one good document (its anchor).
    """
    if docs_per_unit < 1:
        raise ValueError("docs_per_unit must be ≥ 1")
    cases = list(SPECIAL_CASES)
    total = len(units) * docs_per_unit
    room = total - len(units)
    all_files = sum(case_files(case) for case in cases)
    specials: list[str] = []
    files = 0
    if room >= all_files:
        budget = min(max(all_files, round(0.3 * total)), room)
        for case in itertools.cycle(cases):
            if files + case_files(case) > budget:
                break
            specials.append(case)
            files += case_files(case)
    else:
        for case in cases:
            if files + case_files(case) <= room:  # a later, smaller case may still fit
                specials.append(case)
                files += case_files(case)
    per_unit: list[list[str]] = [[] for _ in units]
    used = [0] * len(units)
    capacity = docs_per_unit - 1
    u = 0
    for case in specials:
        for _ in range(len(units)):
            fits = used[u] + case_files(case) <= capacity
            if fits:
                per_unit[u].append(case)
                used[u] += case_files(case)
            u = (u + 1) % len(units)
            if fits:
                break
    plans: list[list[DocPlan]] = []
    for unit, unit_cases in zip(units, per_unit, strict=True):
        planner = _UnitPlanner(unit, seed)
        unit_plans = [planner.anchor()] + [plan for case in unit_cases for plan in planner.special(case)]
        while len(unit_plans) < docs_per_unit:
            unit_plans.append(planner.good())
        # A few loose files at the unit's top level (the .DS_Store is always there). Pictures stay in
        # their criterion's folder: with no title to match, a loose photo would support nothing.
        for i, plan in enumerate(unit_plans):
            if plan.role == "evidence" and plan.output not in ("image", "photo") and (
                    i == 2 or planner.rng.random() < 0.08):
                unit_plans[i] = replace(plan, loose=True)
        plans.append(unit_plans)
    return plans
