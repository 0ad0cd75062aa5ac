"""Generate a realistic batch of evidence documents and its manifest.

``python -m samples.generate [--out samples/batch] [--units N] [--docs-per-unit M]`` writes:

- ``<out>/<unit folder>/...``: one folder per unit (``UBND xã Cao An``...) with the unit's
  self-assessment table at its top level and the evidence in criterion folders named the ways units
  name them (``1.1``, ``TC 1.2 - Báo cáo CCHC``, ``Tiêu chí 3.2.6``, ``Lĩnh vực 1/1.1. Kế hoạch CCHC``),
  a few loose files, one name in Unicode NFD; besides PDFs and Word files, pictures (.jpg) of a
  paper page and of an event, headers typed in legacy fonts (TCVN3, VNI), a byte copy of a document
  and one number given to two documents;
- ``<out>/../manifest.json``: for every generated file, its path relative to its unit folder (NFC,
  ``/``), the facts it was built with, the header truth and the rules expected to fire;
- ``<out>/../trust/test-root.pem``: the throwaway test root, for ``kiemchung --trust-root``.

The batch is deterministic (seeded choices, fixed dates); only keys and signature bytes change
between runs. The output folder is deleted and recreated only when the manifest next to it proves the
generator made it; any other non-empty folder is refused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from kiemchung.extractors.legacy import LegacyEncoding
from samples import broken
from samples.catalog import ASSESSMENT_YEAR, PROVINCE, Template, Unit, make_units
from samples.documents import (
    DocumentLayout,
    TextOp,
    format_short_date,
    write_docx,
    write_pdf,
    write_scan_pdf,
)
from samples.legacy import write_legacy_docx, write_legacy_pdf
from samples.pki import (
    EXPIRED_LEAF_VALIDITY,
    SignerProfile,
    TestPKI,
    build_test_pki,
    organization_profile,
    person_profile,
)
from samples.plans import DocPlan, HeaderTruth, LegacyHeader, plan_batch
from samples.scans import write_event_photo, write_scan_image
from samples.self_assessment import (
    build_self_assessment,
    write_self_assessment_csv,
    write_self_assessment_docx,
    write_self_assessment_xlsx,
)
from samples.signing import (
    SignatureRecord,
    append_incremental_edit,
    flip_byte_in_signed_range,
    sign_pdf,
)

GENERATOR_ID = "samples.generate"
MANIFEST_SCHEMA = 1
SIGNED_LONG_AFTER_DAYS = 30
"""A document signed more than this many days after its date is "signed long after issue"."""
RULES = (
    "unreadable",
    "number-suffix",
    "number-missing",
    "date-missing",
    "date-out-of-period",
    "symbol-nonstandard",
    "unsigned",
    "signature-invalid",
    "signature-modified",
    "signature-untrusted",
    "organization-signature-missing",
    "signer-mismatch",
    "signed-long-after-issue",
    "scanned-paper",
    "duplicate-document",
    "number-reused",
)
MANIFEST_NOTES = (
    "expected: the rules that must fire for the file; a rule the tool cannot decide (e.g. the number of "
    "a scan without a text layer) is not listed and must not fire either.",
    "header: the truth printed on the document; where the body leaves the number or date blank and the "
    "organisation's signature appearance stamps it, the stamped value (facts.number_in_body shows the blank).",
    "path: relative to the unit folder, NFC, '/' separators; nfd_on_disk tells that the name on disk is NFD.",
    "signatures[].signing_time: the claimed signing time, in the signature dictionary's /M; "
    "for adbe.pkcs7.detached also in the CMS signing-time attribute (PAdES forbids that attribute).",
    "trust_root: the only trust anchor; certificates chain leaf -> intermediate (embedded) -> root (not embedded).",
    "Judge signatures at their signing time: 'expired-since-signing' certificates were valid when used.",
    "facts.needs_ocr: a picture whose expected rules hold only when OCR (Tesseract, 'vie') reads it; "
    "facts.header_source 'ocr': its header truth is what OCR must read.",
    "facts.duplicate: two files with the same bytes; 'kept' is the first by path (extension aside), "
    "'copy' the other, which gets duplicate-document.",
    "facts.legacy_encoding: the header is typed in a pre-Unicode font encoding; header holds the Unicode truth.",
)
SAMPLES_DIR = Path(__file__).resolve().parent
PICTURE_DPI = 300
"""Resolution of the .jpg pictures of paper pages: a common scanner setting, and OCR reads them exactly."""
LEGACY_ENCODINGS: Mapping[LegacyHeader, LegacyEncoding] = {"tcvn3": LegacyEncoding.TCVN3, "vni": LegacyEncoding.VNI}
DEFAULT_UNITS = 3
DEFAULT_DOCS_PER_UNIT = 17
"""The bundled batch: the anchor plan and every special case once in each of 3 units (48 files of cases)."""
SELF_ASSESSMENT_STEM = f"Bảng tự đánh giá Chỉ số CCHC {ASSESSMENT_YEAR}"


# --- naming ----------------------------------------------------------------------------------------

FolderStyle = Literal["code", "tc", "nested"]


def folder_for(unit: Unit, criterion: str, template: Template) -> str:
    """Criterion folder in the unit's own style (relative, '/'-separated)."""
    style: FolderStyle = ("code", "tc", "nested")[unit.index % 3]
    if style == "code":
        return criterion
    if style == "tc":
        return f"Tiêu chí {criterion}" if criterion.count(".") >= 2 else f"TC {criterion} - {template.folder_title}"
    field_number = criterion.split(".")[0]
    return f"Lĩnh vực {field_number}/{criterion}. {template.folder_title}"


def file_stem_for(plan: DocPlan, rng: random.Random) -> str:
    """A file name the way clerks write them: number and symbol, type and subject, sometimes '.signed'."""
    spec = plan.spec
    assert spec is not None
    number = (plan.header.number if plan.header and plan.header.number else spec.number).replace("/", "-")
    symbol = spec.symbol
    if spec.year_in_number:
        symbol = f"{spec.year_in_number}-{symbol}"
    type_word = (spec.type_name or "Công văn").capitalize()
    subject = spec.subject
    style = rng.randrange(4)
    if not number.strip():
        stem = f"{type_word} {subject} (chưa có số)"
    elif style == 0:
        stem = f"{number}-{symbol} {type_word} {subject}"
    elif style == 1:
        when = spec.date if isinstance(spec.date, date) else None
        stem = f"{type_word} số {number} ngày {when:%d.%m.%Y}" if when else f"{type_word} số {number}"
    elif style == 2:
        stem = f"TLKC {plan.criterion} - {type_word} {subject}"
    else:
        stem = f"{number}-{symbol}"
    if plan.signatures and rng.random() < 0.3:
        stem += ".signed"
    return _fit_name(_safe_name(stem))


def _fit_name(stem: str, limit: int = 200) -> str:
    """Trim a long Vietnamese name so that even its NFD form stays under the 255-byte file name limit."""
    stem = stem[:140]
    while len(unicodedata.normalize("NFD", stem).encode("utf-8")) > limit:
        stem = stem[:-1]
    return stem.rstrip(" .-,")


def _safe_name(name: str) -> str:
    for bad in '/\\:*?"<>|':
        name = name.replace(bad, "-")
    return " ".join(name.split())


# --- building ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltFile:
    """A file written to disk, with its manifest entry."""

    unit: Unit
    relative_path: str
    entry: Mapping[str, Any]


@dataclass(frozen=True)
class BuildOutcome:
    signatures: tuple[SignatureRecord, ...] = ()
    pages: int | None = None


def build_plan(plan: DocPlan, target: Path, pki: TestPKI, workdir: Path, seed: int) -> BuildOutcome:
    """Write ``plan`` to ``target``; returns the signatures applied and the page count."""
    post = plan.post
    simple_writers: dict[str, Callable[[Path], None]] = {
        "zero": broken.write_zero_byte,
        "random": lambda path: broken.write_random_bytes(path, seed=seed),
        "legacy-doc": broken.write_legacy_doc,
        "ds-store": broken.write_ds_store,
        "thumbs-db": broken.write_thumbs_db,
    }
    if post in simple_writers:
        simple_writers[post](target)
        return BuildOutcome()
    if plan.output == "photo":
        write_event_photo(target, seed=seed)
        return BuildOutcome(pages=1)
    spec = plan.spec
    assert spec is not None
    legacy = LEGACY_ENCODINGS[plan.legacy_header] if plan.legacy_header else None
    if plan.output == "image":
        write_scan_image(spec, target, dpi=PICTURE_DPI, seed=seed)
        return BuildOutcome(pages=1)
    if plan.output == "docx":
        if post == "docx-as-pdf":
            tmp = workdir / "doc.docx"
            write_docx(spec, tmp)
            broken.write_misnamed_copy(tmp, target)
        elif legacy is not None:
            write_legacy_docx(spec, target, legacy, part="header")
        else:
            write_docx(spec, target)
        return BuildOutcome()
    current = workdir / "0.pdf"
    layout: DocumentLayout
    if plan.output == "pdf" and legacy is not None:
        layout = write_legacy_pdf(spec, current, legacy, part="header")
    elif plan.output == "pdf":
        layout = write_pdf(spec, current, column_order=plan.column_order, pages=plan.pages)
    else:
        layout = write_scan_pdf(spec, current, ocr_layer=plan.output == "scan-ocr", pages=plan.pages, seed=seed)
    records: list[SignatureRecord] = []
    for i, step in enumerate(plan.signatures, start=1):
        signed = workdir / f"{i}.pdf"
        box = None
        seal = None
        if step.visible == "person":
            box = layout.person_signature_box.as_tuple()
        elif step.visible == "organization":
            box = layout.organization_stamp_box.as_tuple()
            seal = ("ỦY BAN NHÂN DÂN", plan.unit.issuer)
        elif step.visible == "copy":
            box = layout.copy_stamp_box.as_tuple()
        timestamper = pki.timestamper(step.when + timedelta(seconds=7)) if step.timestamp else None
        records.append(
            sign_pdf(current, signed, pki.signer(step.identity), field_name=f"Signature{i}",
                     signing_time=step.when, visible_box=box, stamp_text=step.stamp_text, seal_text=seal,
                     subfilter=step.subfilter, timestamper=timestamper,
                     location=plan.unit.place)
        )
        current = signed
    if post == "flip":
        flip_byte_in_signed_range(current, target)
    elif post == "edit":
        # White out the first body line and write something else over it (the header stays intact).
        body_line = next(op for op in layout.ops if isinstance(op, TextOp) and op.group == "body" and op.page == 0)
        y = body_line.y
        append_incremental_edit(current, target, cover_box=(0, 80.0, y - 5, 545.0, y + 13),
                                new_text="Nội dung đã được điều chỉnh sau khi ký")
    elif post == "truncate":
        broken.write_truncated(current, target)
    elif post == "encrypt-user":
        broken.write_encrypted_pdf(current, target, user_password="123456", owner_password="cchc@2023")
    elif post == "encrypt-owner":
        broken.write_encrypted_pdf(current, target, user_password="", owner_password="cchc@2023")
    else:  # "none", "pdf-as-docx"
        shutil.copyfile(current, target)
    return BuildOutcome(tuple(records), layout.page_count)


def manifest_entry(plan: DocPlan, relative_path: str, nfd_on_disk: bool, outcome: BuildOutcome) -> dict[str, Any]:
    records = outcome.signatures
    steps = plan.signatures if records else ()
    signatures = []
    for step, record in zip(steps, records, strict=True):
        signatures.append({
            "field": record.field_name,
            "role": step.role,
            "signer_cn": record.signer_cn,
            "certificate": step.certificate,
            "signing_time": record.signing_time.isoformat(),
            "visible": record.visible,
            "appearance_text": record.appearance_text,
            "subfilter": "ETSI.CAdES.detached" if record.subfilter == "pades" else "adbe.pkcs7.detached",
            # PAdES forbids the CMS signing-time attribute: the claimed time is then only in /M.
            "cms_signing_time_attribute": record.subfilter == "pkcs7",
            "timestamp": record.timestamped,
        })
    facts: dict[str, Any] = {
        "format": _format_of(plan),
        "text_layer": _text_layer(plan),
        "pages": outcome.pages,
        "column_order": plan.column_order if plan.output == "pdf" and not plan.legacy_header else None,
        "tamper": {"flip": "byte flipped inside the signed range",
                   "edit": "incremental update after signing changes page content"}.get(plan.post),
        "signatures": signatures,
    }
    facts.update(plan.facts)
    return {
        "path": relative_path,
        "nfd_on_disk": nfd_on_disk,
        "role": plan.role,
        "case": plan.case,
        "criterion": plan.criterion,
        "expected": list(plan.expected),
        "header": plan.header.to_json() if plan.header else None,
        "facts": facts,
    }


def _format_of(plan: DocPlan) -> str:
    return {
        "zero": "empty", "random": "random bytes", "truncate": "truncated pdf", "legacy-doc": "ole header only",
        "ds-store": "macos .DS_Store", "thumbs-db": "windows Thumbs.db", "docx-as-pdf": "docx",
        "pdf-as-docx": "pdf", "encrypt-user": "pdf (encrypted, open password)",
        "encrypt-owner": "pdf (encrypted, owner password only)",
    }.get(plan.post, {"docx": "docx", "image": f"jpeg ({PICTURE_DPI} dpi scan of a paper page)",
                      "photo": "jpeg (photo)"}.get(plan.output, "pdf"))


def _text_layer(plan: DocPlan) -> str | None:
    if plan.output == "pdf":
        return "real"
    if plan.output in ("scan", "image", "photo"):
        return "none"
    if plan.output == "scan-ocr":
        return "invisible"
    if plan.output == "docx":
        return "docx"
    return None


def evidence_reference(header: HeaderTruth) -> str:
    """How the self-assessment cites a document: ``Kế hoạch số 11/KH-UBND ngày 30/01/2023``."""
    type_word = (header.type or "Công văn").capitalize()
    middle = f"/{header.year_in_number}" if header.year_in_number else ""
    number = f"số {header.number}{middle}/{header.symbol}" if header.number else f"về {header.subject[:60]}"
    when = f" ngày {format_short_date(header.date)}" if header.date else ""
    return f"{type_word} {number}{when}"


def build_unit(unit: Unit, plans: Sequence[DocPlan], unit_dir: Path, pki: TestPKI, seed: int) -> list[BuiltFile]:
    """Write one unit's folder: evidence files and the self-assessment table."""
    rng = random.Random(f"names:{seed}:{unit.index}")
    used: set[str] = set()
    nfd_folder_done = unit.index % 3 != 1
    nfd_file_done = unit.index % 3 != 2
    evidence: dict[str, list[str]] = {}
    written: list[tuple[Path, BuildOutcome]] = []
    entries: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="kiemchung-gen-") as tmp:
        for n, plan in enumerate(plans):
            name = plan.file_name or file_stem_for(plan, rng) + plan.extension
            folder = ""
            if not plan.loose and plan.template and plan.criterion:
                folder = folder_for(unit, plan.criterion, plan.template)
            relative = f"{folder}/{name}" if folder else name
            while relative in used:
                stem, dot, ext = name.rpartition(".")
                name = f"{stem} (2).{ext}" if dot else f"{name} (2)"
                relative = f"{folder}/{name}" if folder else name
            used.add(relative)
            disk_folder, disk_name = folder, name
            nfd = False
            if not nfd_folder_done and folder and not folder.isascii():
                disk_folder = unicodedata.normalize("NFD", folder)
                nfd, nfd_folder_done = True, True
                # every file in that folder lives under the NFD name
            elif not nfd_file_done and not name.isascii() and plan.role == "evidence":
                disk_name = unicodedata.normalize("NFD", name)
                nfd, nfd_file_done = True, True
            target_dir = _existing_variant(unit_dir, disk_folder) if disk_folder else unit_dir
            target_dir.mkdir(parents=True, exist_ok=True)
            workdir = Path(tmp) / str(n)
            workdir.mkdir()
            if plan.post == "duplicate":
                source, outcome = written[-1]  # the file the previous plan wrote, byte for byte
                shutil.copyfile(source, target_dir / disk_name)
            else:
                outcome = build_plan(plan, target_dir / disk_name, pki, workdir, seed=seed * 7919 + n)
            written.append((target_dir / disk_name, outcome))
            nfd = nfd or _is_nfd_path(target_dir.relative_to(unit_dir) / disk_name)
            entries.append((relative, manifest_entry(plan, relative, nfd, outcome)))
            if plan.post == "duplicate":
                _label_duplicate(entries[-2][1], entries[-1][1])
            if plan.role == "evidence" and plan.header and plan.criterion and plan.expected != ("unreadable",):
                evidence.setdefault(plan.criterion, []).append(evidence_reference(plan.header))
    built = [BuiltFile(unit, relative, entry) for relative, entry in entries]
    built.append(_write_self_assessment(unit, unit_dir, evidence, seed))
    return built


def _keep_order(path: str) -> tuple[str, str]:
    """Which of identical files `duplicate-document` keeps: the first by path without its extension.

    Both files of a duplicate are the same signed born-digital PDF, so only the path decides
    (validators/rules/duplicate_document.py, `_keep_key`).
    """
    return str(PurePosixPath(path).with_suffix("")), path


def _label_duplicate(original: dict[str, Any], copy: dict[str, Any]) -> None:
    """Give the copy's case and expected rules to whichever of the two files the rule reports.

    The copy was planned in another criterion's folder, but a name or a loose file can sort it
    first: then the original's file is the one reported, and the labels change places.
    """
    labels = [(entry["case"], entry["expected"]) for entry in (original, copy)]
    kept, reported = sorted((original, copy), key=lambda entry: _keep_order(entry["path"]))
    (kept["case"], kept["expected"]), (reported["case"], reported["expected"]) = labels
    kept["facts"]["duplicate"] = {"role": "kept", "copy": reported["path"]}
    reported["facts"]["duplicate"] = {"role": "copy", "kept": kept["path"]}


def _existing_variant(unit_dir: Path, folder: str) -> Path:
    """Reuse a folder already created under another Unicode form (the NFD folder stays NFD)."""
    parts = Path(folder).parts
    current = unit_dir
    for part in parts:
        match = None
        if current.exists():
            for child in current.iterdir():
                if child.is_dir() and unicodedata.normalize("NFC", child.name) == unicodedata.normalize("NFC", part):
                    match = child
                    break
        current = match if match is not None else current / part
    return current


def _is_nfd_path(path: Path) -> bool:
    text = str(path)
    return text != unicodedata.normalize("NFC", text)


def _write_self_assessment(unit: Unit, unit_dir: Path, evidence: Mapping[str, Sequence[str]], seed: int) -> BuiltFile:
    table = build_self_assessment(
        unit_name=unit.short_name,
        issuer_parent="ỦY BAN NHÂN DÂN",
        issuer=unit.issuer,
        year=ASSESSMENT_YEAR,
        evidence=evidence,
        seed=seed * 31 + unit.index,
        report_reference=f"(Kèm theo Báo cáo số 96/BC-UBND ngày 15/12/{ASSESSMENT_YEAR} của {unit.short_name})",
    )
    writer: Callable[..., None]
    if unit.index % 3 != 2:
        extension, writer = ".xlsx", write_self_assessment_xlsx
    elif (unit.index // 3) % 2 == 0:
        extension, writer = ".docx", write_self_assessment_docx
    else:
        extension, writer = ".csv", write_self_assessment_csv
    name = SELF_ASSESSMENT_STEM + extension
    writer(table, unit_dir / name)
    explanations = {row.code: row.explanation_quality for row in table.rows if not row.is_field
                    and row.explanation_quality != "none"}
    entry = {
        "path": name,
        "nfd_on_disk": False,
        "role": "self-assessment",
        "case": "self-assessment",
        "criterion": None,
        "expected": [],
        "header": None,
        "facts": {
            "format": extension.lstrip("."),
            "total_max": table.total_max,
            "total_self": table.total_self,
            "rows": len(table.rows),
            "scores_as_text": [row.code for row in table.rows if row.score_as_text],
            "explanations": explanations,
        },
    }
    return BuiltFile(unit, name, entry)


# --- PKI and batch -----------------------------------------------------------------------------------


def signer_profiles(units: Iterable[Unit], plans: Sequence[Sequence[DocPlan]]) -> list[SignerProfile]:
    """Person and organisation for every unit, plus expired/rogue certificates where a plan needs them."""
    profiles: list[SignerProfile] = []
    for unit, unit_plans in zip(units, plans, strict=True):
        place, org = unit.place, unit.short_name
        profiles.append(person_profile(unit.identity_key("person"), unit.chairman, organization=org,
                                       locality=place, province=PROVINCE, cccd=unit.cccd))
        profiles.append(organization_profile(unit.identity_key("organization"), unit.organization_name,
                                             locality=place, province=PROVINCE, mst=unit.mst))
        needed = {step.identity for plan in unit_plans for step in plan.signatures}
        if unit.identity_key("person-expired") in needed:
            profiles.append(person_profile(unit.identity_key("person-expired"), unit.chairman, organization=org,
                                           locality=place, province=PROVINCE, cccd=unit.cccd,
                                           validity=EXPIRED_LEAF_VALIDITY))
        if unit.identity_key("rogue") in needed:
            profiles.append(person_profile(unit.identity_key("rogue"), unit.chairman, organization=org,
                                           locality=place, province=PROVINCE, cccd=unit.cccd, self_signed=True))
    return profiles


@dataclass(frozen=True)
class BatchResult:
    out: Path
    manifest: Path
    trust_root: Path
    files: int
    seconds: float
    total_bytes: int


# Worker state for --jobs > 1 (inherited by forked processes; keys never leave memory).
_WORKER: dict[str, Any] = {}


def _build_unit_job(index: int) -> list[BuiltFile]:
    units: Sequence[Unit] = _WORKER["units"]
    plans: Sequence[Sequence[DocPlan]] = _WORKER["plans"]
    out: Path = _WORKER["out"]
    unit = units[index]
    return build_unit(unit, plans[index], out / unit.folder, _WORKER["pki"], _WORKER["seed"])


def generate(
    out: Path,
    *,
    units: int = DEFAULT_UNITS,
    docs_per_unit: int = DEFAULT_DOCS_PER_UNIT,
    seed: int = 0,
    manifest_path: Path | None = None,
    trust_root_path: Path | None = None,
    jobs: int = 1,
) -> BatchResult:
    """Build the batch into ``out``, the manifest and the trust root. Returns a summary."""
    started = time.perf_counter()
    out = out.resolve()
    manifest_path = (manifest_path or out.parent / "manifest.json").resolve()
    trust_root_path = (trust_root_path or out.parent / "trust" / "test-root.pem").resolve()
    _prepare_output(out, manifest_path)

    unit_list = make_units(units, seed)
    plans = plan_batch(unit_list, docs_per_unit, seed)
    pki = build_test_pki(signer_profiles(unit_list, plans))
    pki.write_trust_root(trust_root_path)

    built: list[BuiltFile] = []
    if jobs > 1 and len(unit_list) > 1 and "fork" in _start_methods():
        import multiprocessing

        _WORKER.update(units=unit_list, plans=plans, out=out, pki=pki, seed=seed)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for unit_files in pool.map(_build_unit_job, range(len(unit_list))):
                built.extend(unit_files)
        _WORKER.clear()
    else:
        for unit, unit_plans in zip(unit_list, plans, strict=True):
            built.extend(build_unit(unit, unit_plans, out / unit.folder, pki, seed))

    manifest = _manifest(out, manifest_path, trust_root_path, unit_list, built, complete=True,
                         params={"units": units, "docs_per_unit": docs_per_unit, "seed": seed})
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total_bytes = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return BatchResult(out, manifest_path, trust_root_path, len(built), time.perf_counter() - started, total_bytes)


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def _manifest(out: Path, manifest_path: Path, trust_root: Path, units: Sequence[Unit], built: Sequence[BuiltFile],
              *, complete: bool, params: Mapping[str, Any]) -> dict[str, Any]:
    by_unit: dict[int, list[Mapping[str, Any]]] = {}
    for item in built:
        by_unit.setdefault(item.unit.index, []).append(item.entry)
    return {
        "generator": GENERATOR_ID,
        "schema": MANIFEST_SCHEMA,
        "complete": complete,
        "batch_dir": os.path.relpath(out, manifest_path.parent),
        "trust_root": os.path.relpath(trust_root, manifest_path.parent),
        "assessment_year": ASSESSMENT_YEAR,
        "signed_long_after_days": SIGNED_LONG_AFTER_DAYS,
        "parameters": dict(params),
        "rules": list(RULES),
        "notes": MANIFEST_NOTES,
        "units": [
            {
                "folder": unit.folder,
                "name": unit.short_name,
                "issuer": f"ỦY BAN NHÂN DÂN {unit.issuer}",
                "place": unit.place,
                "district": unit.district,
                "person": {"name": unit.chairman, "uid": f"CCCD:{unit.cccd}"},
                "vice_chairman": unit.vice_chairman,
                "organization": {"name": unit.organization_name, "uid": f"MST:{unit.mst}"},
                "self_assessment": SELF_ASSESSMENT_STEM + (
                    ".xlsx" if unit.index % 3 != 2 else ".docx" if (unit.index // 3) % 2 == 0 else ".csv"),
                "files": by_unit.get(unit.index, []),
            }
            for unit in units
        ],
    }


class OutputNotOwned(RuntimeError):
    """The output folder exists, is not empty, and was not made by this generator."""


def _prepare_output(out: Path, manifest_path: Path) -> None:
    """Delete ``out`` only if the manifest next to it says this generator made it; then recreate it."""
    forbidden = {Path("/").resolve(), Path.home().resolve(), Path.cwd().resolve(), SAMPLES_DIR,
                 SAMPLES_DIR.parent}
    if out in forbidden or out in manifest_path.parents:
        raise OutputNotOwned(f"refusing to use {out} as the output folder")
    if out.exists():
        if not out.is_dir():
            raise OutputNotOwned(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            if not _owned(out, manifest_path):
                raise OutputNotOwned(
                    f"{out} is not empty and {manifest_path} does not show it was generated here; "
                    "delete it yourself or choose another --out")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    # Claim the folder before writing into it, so an interrupted run can be cleaned up next time.
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    claim = {"generator": GENERATOR_ID, "schema": MANIFEST_SCHEMA, "complete": False,
             "batch_dir": os.path.relpath(out, manifest_path.parent)}
    manifest_path.write_text(json.dumps(claim, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _owned(out: Path, manifest_path: Path) -> bool:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR_ID:
        return False
    batch_dir = manifest.get("batch_dir")
    return isinstance(batch_dir, str) and (manifest_path.parent / batch_dir).resolve() == out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.generate",
                                     description="Generate the sample evidence batch and its manifest.")
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR / "batch", help="batch folder (default samples/batch)")
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS, help=f"number of units (default {DEFAULT_UNITS})")
    parser.add_argument("--docs-per-unit", type=int, default=DEFAULT_DOCS_PER_UNIT,
                        help=f"evidence files per unit (default {DEFAULT_DOCS_PER_UNIT})")
    parser.add_argument("--seed", type=int, default=0, help="seed for all choices (default 0)")
    parser.add_argument("--manifest", type=Path, default=None, help="default: <out>/../manifest.json")
    parser.add_argument("--trust-root", type=Path, default=None, help="default: <out>/../trust/test-root.pem")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes, one unit per task (default 1)")
    args = parser.parse_args(argv)
    if args.units < 1 or args.docs_per_unit < 1:
        parser.error("--units and --docs-per-unit must be ≥ 1")
    try:
        result = generate(args.out, units=args.units, docs_per_unit=args.docs_per_unit, seed=args.seed,
                          manifest_path=args.manifest, trust_root_path=args.trust_root, jobs=args.jobs)
    except OutputNotOwned as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{result.files} files, {result.total_bytes / 1e6:.2f} MB in {result.out}")
    print(f"manifest: {result.manifest}\ntrust root: {result.trust_root}\ntime: {result.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
