"""Hostile evidence: every crafted or damaged file gets a clear finding, in bounded time and memory.

Each case is generated into a temporary folder by `samples.hostile` (or `samples.broken`) and read
with `read_document` under a per-file time bound. Then all of them sit in one unit and go through
`pipeline.run.check` in a child process, which must finish within `RUN_SECONDS` and grow its peak
RSS by at most `RUN_RSS_GROWTH_MIB`, list every file exactly once in report.json with the expected
`read_error.problem`, and leave the evidence untouched. Permissions are tested as an unprivileged
user (tests run as root in CI, where chmod 000 stops nothing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiemchung.extractors import read_document
from kiemchung.extractors.docx import MAX_COMPRESSION_RATIO, MAX_UNCOMPRESSED_BYTES
from kiemchung.extractors.models import DocumentFacts, ReadProblem
from kiemchung.extractors.pdf import MAX_CONTENT_BYTES, MAX_STREAM_BYTES
from kiemchung.extractors.self_assessment import MAX_CSV_BYTES, read_self_assessment
from kiemchung.pipeline.config import Layout
from kiemchung.pipeline.discovery import discover
from samples import broken, hostile
from samples.documents import DocSpec, write_docx, write_pdf
from samples.self_assessment import build_self_assessment, write_self_assessment_xlsx

REPO = Path(__file__).parent.parent
# Bounds. One file: the slowest case (20 000 pages, which pypdf flattens at ~0.15 ms a page) takes
# about 4 s here. The whole unit, every case at once: about 4 s and 90 MiB of growth here, most of
# both the 20 000 pages. Without the budgets of extractors/pdf.py the form bomb alone grows RSS by
# ~610 MiB (pypdf keeps every stream it inflates), which is what the memory bound would catch.
FILE_SECONDS = 15.0
RUN_SECONDS = 60.0
RUN_RSS_GROWTH_MIB = 400
NOBODY = 65534

PLAN = DocSpec(
    date=dt.date(2023, 1, 30),
    type_name="KẾ HOẠCH",
    subject="Cải thiện, nâng cao chỉ số Cải cách hành chính năm 2023",
    body=("Căn cứ Kế hoạch số 12a/KH-UBND ngày 05/01/2023 của UBND huyện về cải cách hành chính;",),
    number="15",
)


@dataclass(frozen=True)
class Sources:
    """Well-formed files the hostile ones are made from."""

    pdf: Path
    docx: Path
    xlsx: Path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    folder = tmp_path_factory.mktemp("sources")
    pdf, docx, xlsx = folder / "plan.pdf", folder / "plan.docx", folder / "table.xlsx"
    write_pdf(PLAN, pdf)
    write_docx(PLAN, docx)
    table = build_self_assessment(unit_name="UBND xã Hiểm Nguy", issuer_parent="UBND HUYỆN ĐÔNG SƠN",
                                  issuer="UBND XÃ HIỂM NGUY", year=2023, evidence={}, seed=3)
    write_self_assessment_xlsx(table, xlsx)
    return Sources(pdf, docx, xlsx)


@dataclass(frozen=True)
class Case:
    """One hostile file: where it goes in the unit, how it is made, and what it must come out as."""

    path: str  # relative to the unit folder
    write: Callable[[Sources, Path], object]  # what it returns is not used
    problem: ReadProblem | None  # None: read normally
    detail: str = ""  # a phrase the read error's detail must hold, so that the finding says why
    check: Callable[[DocumentFacts], bool] | None = None  # more about a file that reads


def _plan_header(facts: DocumentFacts) -> bool:
    """The header of PLAN came through: number, and issuer from the other column."""
    header = facts.header
    return (header.number is not None and header.number.value == "15" and header.issuer is not None
            and header.issuer.value == "ỦY BAN NHÂN DÂN XÃ CAO AN")


def _first_last_and_three(facts: DocumentFacts) -> bool:
    """20 000 pages counted, the first three imaged, and their text seen."""
    return (facts.page_count == 20_000 and [page.page for page in facts.imaging] == [1, 2, 3]
            and facts.imaging[0].visible_chars == len("UBNDXACAOAN") + len("So:15/KH-UBND"))  # blanks not counted


def _docx_with(doctype: Callable[[], bytes]) -> Callable[[Sources, Path], object]:
    return lambda s, p: hostile.write_docx_with_doctype(s.docx, p, doctype())


CASES = (
    Case("1.1/rỗng.pdf", lambda s, p: broken.write_zero_byte(p), ReadProblem.EMPTY),
    Case("1.1/cắt cụt.pdf", lambda s, p: broken.write_truncated(s.pdf, p), ReadProblem.TRUNCATED),
    Case("1.1/ngẫu nhiên.pdf", lambda s, p: broken.write_random_bytes(p), ReadProblem.WRONG_CONTENT, "unknown"),
    # Read by what they hold, whatever their name says.
    Case("1.1/word đổi tên.pdf", lambda s, p: broken.write_misnamed_copy(s.docx, p), None, check=_plan_header),
    Case("1.1/pdf đổi tên.docx", lambda s, p: broken.write_misnamed_copy(s.pdf, p), None, check=_plan_header),
    Case("1.2/mật khẩu mở.pdf",
         lambda s, p: broken.write_encrypted_pdf(s.pdf, p, user_password="123456", owner_password="chu"),
         ReadProblem.ENCRYPTED),
    Case("1.2/chỉ mật khẩu chủ.pdf",
         lambda s, p: broken.write_encrypted_pdf(s.pdf, p, user_password="", owner_password="chu"), None,
         check=_plan_header),
    # pypdf (strict=False) rebuilds a damaged cross-reference table from the objects, as viewers do.
    Case("2.1/xref lệch.pdf", lambda s, p: hostile.write_broken_xref_pdf(s.pdf, p, damage="shifted"), None,
         check=_plan_header),
    Case("2.1/xref rác.pdf", lambda s, p: hostile.write_broken_xref_pdf(s.pdf, p, damage="garbage"), None,
         check=_plan_header),
    Case("2.1/startxref hỏng.pdf", lambda s, p: hostile.write_broken_xref_pdf(s.pdf, p, damage="no-startxref"), None,
         check=_plan_header),
    Case("2.1/xref hết cứu.pdf", lambda s, p: hostile.write_broken_xref_pdf(s.pdf, p, damage="hopeless"),
         ReadProblem.CORRUPT, "Root"),
    Case("2.2/nội dung tự tham chiếu.pdf", lambda s, p: hostile.write_self_reference_pdf(p), ReadProblem.CORRUPT,
         "/Contents is a reference loop"),
    Case("2.2/tài nguyên tự tham chiếu.pdf", lambda s, p: hostile.write_self_reference_pdf(p, part="resources"),
         ReadProblem.CORRUPT, "/Resources is a reference loop"),
    Case("2.2/vòng Kids.pdf", lambda s, p: hostile.write_kids_loop_pdf(p), ReadProblem.CORRUPT, "cyclic"),
    # pypdf notices the /Parent cycle and inherits nothing; the page itself reads.
    Case("2.2/vòng Parent.pdf", lambda s, p: hostile.write_parent_loop_pdf(p), None),
    Case("2.2/form tự vẽ.pdf", lambda s, p: hostile.write_self_drawing_form_pdf(p), None),
    Case("3.1/bom nén 1 GiB.pdf", lambda s, p: hostile.write_flate_bomb_pdf(p), ReadProblem.CORRUPT,
         "decompression bomb"),
    Case("3.1/bom form.pdf", lambda s, p: hostile.write_form_bomb_pdf(p), ReadProblem.CORRUPT,
         "bytes of drawing operators"),
    Case("3.1/form lặp nghìn lần.pdf", lambda s, p: hostile.write_repeated_form_pdf(p), ReadProblem.CORRUPT,
         "forms counted per use"),
    Case("3.1/hai vạn trang.pdf", lambda s, p: hostile.write_many_pages_pdf(p), None, check=_first_last_and_three),
    Case("3.1/lũ chú thích.pdf", lambda s, p: hostile.write_annotation_flood_pdf(p), None),
    Case("3.2/bom zip.docx", lambda s, p: hostile.write_zip_bomb_docx(s.docx, p, inflated=32 << 20),
         ReadProblem.CORRUPT, "zip bomb"),
    Case("3.2/khai khống kích thước.docx", lambda s, p: hostile.write_declared_huge_docx(s.docx, p),
         ReadProblem.CORRUPT, "zip bomb"),
    Case("3.2/kích thước dối.docx", lambda s, p: hostile.write_lying_sizes_docx(s.docx, p, inflated=64 << 20),
         ReadProblem.CORRUPT, "damaged archive member word/media/image1.png"),
    Case("3.2/vạn mục.docx", lambda s, p: hostile.write_many_members_zip(p), ReadProblem.CORRUPT,
         "zip directory lists"),
    Case("4.1/XXE tệp.docx", _docx_with(lambda: hostile.external_entity_doctype("w:document")),
         ReadProblem.CORRUPT, "declares a DTD"),
    Case("4.1/XXE mạng.docx",
         _docx_with(lambda: hostile.external_dtd_doctype("w:document", "http://127.0.0.1:9/x.dtd")),
         ReadProblem.CORRUPT, "declares a DTD"),
    Case("4.1/tỉ tiếng cười.docx", _docx_with(lambda: hostile.billion_laughs_doctype("w:document")),
         ReadProblem.CORRUPT, "declares a DTD"),
    # A workbook is never evidence: it is reported as such, and never parsed.
    Case("4.1/XXE.xlsx",
         lambda s, p: hostile.write_xlsx_with_doctype(s.xlsx, p, hostile.external_entity_doctype("worksheet")),
         ReadProblem.UNSUPPORTED),
    Case(unicodedata.normalize("NFD", "5.1/Kế hoạch số 15 ngày 30.01.2023.pdf"), lambda s, p: shutil.copy(s.pdf, p),
         None, check=_plan_header),
    Case("5.1/" + hostile.name_of_bytes("Kế hoạch cải cách hành chính ", ".pdf"), lambda s, p: shutil.copy(s.pdf, p),
         None, check=_plan_header),
)
BY_PATH = {unicodedata.normalize("NFC", case.path): case for case in CASES}


def _write(case: Case, sources: Sources, unit: Path) -> Path:
    path = unit / case.path
    path.parent.mkdir(parents=True, exist_ok=True)
    case.write(sources, path)
    return path


@pytest.mark.parametrize("case", CASES, ids=[unicodedata.normalize("NFC", c.path) for c in CASES])
def test_each_hostile_file(case: Case, sources: Sources, tmp_path: Path) -> None:
    path = _write(case, sources, tmp_path)
    before = path.read_bytes()
    start = time.monotonic()
    facts = read_document(path)
    elapsed = time.monotonic() - start
    assert elapsed < FILE_SECONDS, f"{case.path}: {elapsed:.1f} s"
    if case.problem is None:
        assert facts.read_error is None, facts.read_error
        assert case.check is None or case.check(facts), facts
    else:
        assert facts.read_error is not None and facts.read_error.problem is case.problem, facts.read_error
        assert case.detail in (facts.read_error.detail + (facts.read_error.actual_kind or "")), facts.read_error
    assert path.read_bytes() == before, "the evidence was modified"


def test_the_bomb_is_what_it_claims() -> None:
    """Repeated deflate blocks make a valid zlib stream: a full inflate (which checks the Adler-32)
    of a 256 MiB one, and the 1 GiB one is the same blocks, four times as many, in about 1 MiB."""
    assert len(hostile.zeros_deflated(1 << 30)) < 1_100_000
    inflater, total, rest = zlib.decompressobj(), 0, hostile.zeros_deflated(256 << 20)
    while rest:  # in 64 MiB steps: the test itself must not hold it all
        total += len(inflater.decompress(rest, 64 << 20))
        rest = inflater.unconsumed_tail
    assert inflater.eof and total == 256 << 20
    assert MAX_CONTENT_BYTES < MAX_STREAM_BYTES < total


def test_zip_limits_are_checked_before_inflating(sources: Sources, tmp_path: Path) -> None:
    """A declared 300 MiB member is refused from the directory alone, in milliseconds."""
    path = tmp_path / "declared.docx"
    hostile.write_declared_huge_docx(sources.docx, path)
    start = time.monotonic()
    facts = read_document(path)
    assert time.monotonic() - start < 1.0
    assert facts.read_error is not None and f"limits {MAX_UNCOMPRESSED_BYTES} bytes" in facts.read_error.detail
    assert f"ratio {MAX_COMPRESSION_RATIO}" in facts.read_error.detail


# --- XML external entities ---------------------------------------------------------------------------


class _Listener:
    """A local TCP port that records every connection: the "network" an external entity would reach."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    yield server
    server.close()


def _passwd_marker() -> str:
    """A line of /etc/passwd that text must never contain (the root entry, as on every Linux)."""
    return next(line for line in Path("/etc/passwd").read_text().splitlines() if line.startswith("root:"))


def test_the_libraries_do_not_resolve_entities_either(sources: Sources, tmp_path: Path, listener: _Listener) -> None:
    """Defence in depth: even without our DTD refusal, python-docx (lxml, resolve_entities=False) and
    openpyxl (lxml without entities; stdlib expat for sheets, which never fetches external entities
    and caps expansion) read no file, open no connection and expand no bomb."""
    import docx
    from lxml.etree import XMLSyntaxError
    from openpyxl import load_workbook

    url = f"http://127.0.0.1:{listener.port}/x"
    for name, doctype in [("file", hostile.external_entity_doctype("w:document")),
                          ("url", hostile.external_entity_doctype("w:document", url)),
                          ("dtd", hostile.external_dtd_doctype("w:document", url))]:
        path = tmp_path / f"{name}.docx"
        hostile.write_docx_with_doctype(sources.docx, path, doctype)
        try:
            text = "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)
        except XMLSyntaxError as error:  # the external subset is never loaded, so &xxe; stays undeclared
            assert name == "dtd" and "not defined" in str(error)
            continue
        assert "NOI DUNG" in text and "root:" not in text, name
    bomb = tmp_path / "lol.docx"
    hostile.write_docx_with_doctype(sources.docx, bomb, hostile.billion_laughs_doctype("w:document"))
    with pytest.raises(XMLSyntaxError, match="amplification"):
        docx.Document(str(bomb))
    for name, doctype in [("file", hostile.external_entity_doctype("worksheet")),
                          ("url", hostile.external_entity_doctype("worksheet", url))]:
        path = tmp_path / f"{name}.xlsx"
        hostile.write_xlsx_with_doctype(sources.xlsx, path, doctype)
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            cells = [str(v) for row in workbook.worksheets[0].iter_rows(values_only=True) for v in row]
        except Exception as error:  # stdlib ElementTree: "undefined entity &xxe;"
            assert "undefined entity" in str(error)
            cells = []
        finally:
            workbook.close()
        assert not any("root:" in cell for cell in cells), name
    time.sleep(0.3)  # let a late connection be counted
    assert listener.connections == 0


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
@pytest.mark.parametrize("kind", ["file", "url", "dtd", "laughs"])
def test_a_table_with_a_dtd_is_refused(kind: str, part: str, sources: Sources, tmp_path: Path,
                                       listener: _Listener) -> None:
    root = "worksheet" if "worksheets" in part else "workbook"
    url = f"http://127.0.0.1:{listener.port}/x"
    doctype = {"file": hostile.external_entity_doctype(root), "url": hostile.external_entity_doctype(root, url),
               "dtd": hostile.external_dtd_doctype(root, url), "laughs": hostile.billion_laughs_doctype(root)}[kind]
    path = tmp_path / "Bảng tự đánh giá.xlsx"
    hostile.write_xlsx_with_doctype(sources.xlsx, path, doctype, part=part)
    table = read_self_assessment(path)
    assert table.read_error is not None and table.read_error.problem is ReadProblem.CORRUPT
    assert f"XML part {part} declares a DTD" in table.read_error.detail
    assert table.rows == () and listener.connections == 0


@pytest.mark.parametrize("kind", ["file", "url", "dtd", "laughs"])
def test_a_word_file_with_a_dtd_is_refused(kind: str, sources: Sources, tmp_path: Path, listener: _Listener) -> None:
    """As evidence and as a self-assessment table in Word."""
    url = f"http://127.0.0.1:{listener.port}/x"
    doctype = {"file": hostile.external_entity_doctype("w:document"),
               "url": hostile.external_entity_doctype("w:document", url),
               "dtd": hostile.external_dtd_doctype("w:document", url),
               "laughs": hostile.billion_laughs_doctype("w:document")}[kind]
    path = tmp_path / "Bảng tự đánh giá.docx"
    hostile.write_docx_with_doctype(sources.docx, path, doctype)
    facts = read_document(path)
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.CORRUPT
    assert "XML part word/document.xml declares a DTD" in facts.read_error.detail
    table = read_self_assessment(path)
    assert table.read_error is not None and "declares a DTD" in table.read_error.detail
    assert listener.connections == 0


def test_a_dtd_in_utf16_is_found_too(sources: Sources, tmp_path: Path) -> None:
    """OOXML allows UTF-16 parts; the DTD search does not stop at UTF-8."""
    def to_utf16(data: bytes) -> bytes:
        text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        text = text.replace("<w:body>", "<w:body>", 1)
        head, _, rest = text.partition("?>")
        return (head + "?>" + hostile.external_entity_doctype("w:document").decode() + rest).encode("utf-16")

    path = tmp_path / "utf16.docx"
    hostile.rewrite_package(sources.docx, path, {"word/document.xml": to_utf16})
    facts = read_document(path)
    assert facts.read_error is not None and "declares a DTD" in facts.read_error.detail


def test_a_corrupt_self_assessment_workbook(sources: Sources, tmp_path: Path) -> None:
    corrupt = tmp_path / "Bảng tự đánh giá hỏng.xlsx"
    hostile.write_corrupt_workbook(sources.xlsx, corrupt)
    table = read_self_assessment(corrupt)
    assert table.read_error is not None and table.read_error.problem is ReadProblem.CORRUPT
    assert table.read_error.detail.startswith("openpyxl:")
    cut = tmp_path / "Bảng tự đánh giá cụt.xlsx"
    broken.write_truncated(sources.xlsx, cut, fraction=0.5)
    table = read_self_assessment(cut)
    assert table.read_error is not None and table.read_error.problem is ReadProblem.TRUNCATED
    bomb = tmp_path / "Bảng tự đánh giá bom.xlsx"
    hostile.write_zip_bomb_docx(sources.xlsx, bomb, inflated=32 << 20)
    table = read_self_assessment(bomb)
    assert table.read_error is not None and "zip bomb" in table.read_error.detail


# --- names, paths and permissions --------------------------------------------------------------------


def test_a_path_beyond_path_max_is_a_finding_not_a_crash(tmp_path: Path, sources: Sources) -> None:
    deep = hostile.make_deep_folder(tmp_path, total_bytes=4300)
    hostile.write_bytes_at(deep, "Kế hoạch.pdf", sources.pdf.read_bytes())
    facts = read_document(deep / "Kế hoạch.pdf")
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.NO_ACCESS
    assert "File name too long" in facts.read_error.detail


def _first_beyond_path_max(deep: Path) -> Path:
    """The shallowest folder on the way to `deep` whose path the kernel refuses (PATH_MAX is 4096
    bytes with the final NUL): discovery can name it, but never list it."""
    return next(p for p in reversed([deep, *deep.parents]) if len(str(p).encode()) >= 4096)


def test_discovery_lists_a_folder_beyond_path_max(tmp_path: Path, sources: Sources) -> None:
    unit = tmp_path / "UBND xã Sâu Thẳm"
    unit.mkdir()
    shutil.copy(sources.pdf, unit / "Kế hoạch.pdf")
    deep = hostile.make_deep_folder(unit, total_bytes=4300)
    hostile.write_bytes_at(deep, "Kế hoạch.pdf", sources.pdf.read_bytes())
    (found,) = discover(unit, Layout.UNIT).units
    assert found.files == (unit / "Kế hoạch.pdf", _first_beyond_path_max(deep))
    facts = read_document(found.files[1])
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.NO_ACCESS


def test_a_permission_error_is_no_access(tmp_path: Path, sources: Sources, monkeypatch: pytest.MonkeyPatch) -> None:
    """The code path itself, as any user: opening the file raises PermissionError."""
    target = tmp_path / "khoá.pdf"
    shutil.copy(sources.pdf, target)
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", deny)
    facts = read_document(target)
    assert facts.read_error is not None and facts.read_error.problem is ReadProblem.NO_ACCESS


@functools.cache
def _unprivileged() -> list[str] | None:
    """The command prefix that runs a child as a user chmod 000 applies to; None when there is none."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import extractors"], cwd=REPO, capture_output=True,
                           env=_child_env(), check=False, timeout=60)
    return prefix if probe.returncode == 0 else None


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder an unprivileged child can enter (pytest's tmp_path is root-only when run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="kiemchung-hostile-"))
    folder.chmod(0o755)
    yield folder
    # os.walk, not rglob: it skips what it cannot list (a path beyond PATH_MAX), and rmtree works by
    # descriptors, so it removes those too.
    folder.chmod(0o755)
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            with contextlib.suppress(OSError):
                (Path(parent) / name).chmod(0o755 if name in dirs else 0o644)
    shutil.rmtree(folder)


_PERMISSION_WORKER = """
import json, sys
from pathlib import Path
from kiemchung.extractors import read_document
from kiemchung.pipeline.config import Layout
from kiemchung.pipeline.discovery import discover
(unit,) = discover(Path(sys.argv[1]), Layout.UNIT).units
print(json.dumps({unit.relative(f): read_document(f).read_error.problem.value for f in unit.files}))
"""


def test_unreadable_file_and_unlistable_folder(shared_dir: Path, sources: Sources) -> None:
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root without a working setpriv: chmod 000 cannot be tested")
    unit = shared_dir / "UBND xã Khoá"
    (unit / "6.1" / "thư mục khoá").mkdir(parents=True)
    shutil.copy(sources.pdf, unit / "6.1" / "thư mục khoá" / "ẩn.pdf")
    shutil.copy(sources.pdf, unit / "6.1" / "không đọc được.pdf")
    (unit / "6.1" / "không đọc được.pdf").chmod(0)
    (unit / "6.1" / "thư mục khoá").chmod(0)
    run = subprocess.run([*prefix, sys.executable, "-c", _PERMISSION_WORKER, str(unit)], cwd=REPO, capture_output=True,
                         text=True, env=_child_env(), check=False, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout) == {"6.1/thư mục khoá": "no-access", "6.1/không đọc được.pdf": "no-access"}


# --- all of them at once -------------------------------------------------------------------------------

# Memory is read from /proc/self/status, not ru_maxrss: a child's ru_maxrss starts at the RSS its
# parent had when it forked (pytest's, some hundred MiB), which would hide the run's own peak.
# Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS once the imports are done.
_RUN_WORKER = """
import json, re, sys, time
from pathlib import Path
from kiemchung.pipeline.config import load_config
from kiemchung.pipeline.run import check

def status_kib(key):
    return int(re.search(key + r":\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))

config = load_config(year=2023, formats="json")
Path("/proc/self/clear_refs").write_text("5")
baseline = status_kib("VmRSS")
start = time.monotonic()
check(Path(sys.argv[1]), config, Path(sys.argv[2]), progress="quiet")
seconds = time.monotonic() - start
print(json.dumps({"seconds": seconds, "baseline_kib": baseline, "peak_kib": status_kib("VmHWM")}))
"""
HOSTILE_UNIT = "UBND xã Hiểm Nguy"
BROKEN_TABLE_UNIT = "UBND xã Bảng Hỏng"
DEEP_FILE = "Kế hoạch sâu.pdf"


def _state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every path under root: content hash, mode and modification time."""
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            try:
                info = path.lstat()
            except OSError:  # beyond PATH_MAX: named by its parent's listing, not reachable by path
                state[str(path.relative_to(root))] = ("unreachable", 0, 0)
                continue
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else "dir"
            except PermissionError:  # not root: the chmod 000 file is unreadable to the test too
                digest = "unreadable"
            state[str(path.relative_to(root))] = (digest, info.st_mode, info.st_mtime_ns)
    return state


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="the peak RSS is read from Linux /proc")
def test_all_hostile_files_in_one_run(shared_dir: Path, sources: Sources) -> None:
    prefix = _unprivileged()
    evidence, out = shared_dir / "evidence", shared_dir / "out"
    unit = evidence / HOSTILE_UNIT
    for case in CASES:
        _write(case, sources, unit)
    hostile.write_xlsx_with_doctype(sources.xlsx, unit / "Bảng tự đánh giá Chỉ số CCHC 2023.xlsx",
                                    hostile.external_entity_doctype("worksheet"))
    (unit / "5.2").mkdir()
    deep = hostile.make_deep_folder(unit / "5.2", total_bytes=3900)  # long, but within PATH_MAX
    hostile.write_bytes_at(deep, DEEP_FILE, sources.pdf.read_bytes())
    (unit / "5.3").mkdir()
    deeper = hostile.make_deep_folder(unit / "5.3", total_bytes=4300)  # beyond it
    hostile.write_bytes_at(deeper, DEEP_FILE, sources.pdf.read_bytes())
    expected = {path: case.problem for path, case in BY_PATH.items()}
    expected[unicodedata.normalize("NFC", str((deep / DEEP_FILE).relative_to(unit)))] = None
    expected[unicodedata.normalize("NFC", str(_first_beyond_path_max(deeper).relative_to(unit)))] = (
        ReadProblem.NO_ACCESS)
    if prefix is not None:  # chmod 000 means something to the child
        (unit / "6.1" / "thư mục khoá").mkdir(parents=True)
        shutil.copy(sources.pdf, unit / "6.1" / "không đọc được.pdf")
        (unit / "6.1" / "không đọc được.pdf").chmod(0)
        (unit / "6.1" / "thư mục khoá").chmod(0)
        expected["6.1/thư mục khoá"] = expected["6.1/không đọc được.pdf"] = ReadProblem.NO_ACCESS
    other = evidence / BROKEN_TABLE_UNIT
    other.mkdir(parents=True)
    hostile.write_corrupt_workbook(sources.xlsx, other / "Bảng tự đánh giá Chỉ số CCHC 2023.xlsx")
    shutil.copy(sources.pdf, other / "Kế hoạch số 15.pdf")
    out.mkdir()
    if prefix:
        os.chown(out, NOBODY, NOBODY)
    before = _state(evidence)

    child = subprocess.Popen([*(prefix or []), sys.executable, "-c", _RUN_WORKER, str(evidence), str(out)], cwd=REPO,
                             env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = child.communicate(timeout=2 * RUN_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        raise AssertionError(f"the run exceeded {2 * RUN_SECONDS:.0f} s") from None
    assert child.returncode == 0, stderr[-3000:]
    measured = json.loads(stdout.strip().splitlines()[-1])
    growth_mib = (measured["peak_kib"] - measured["baseline_kib"]) / 1024
    print(f"all-hostile run: {measured['seconds']:.1f} s, peak RSS {measured['peak_kib'] / 1024:.0f} MiB "
          f"(+{growth_mib:.0f} MiB over the {measured['baseline_kib'] / 1024:.0f} MiB after the imports)")
    assert measured["seconds"] < RUN_SECONDS
    assert growth_mib < RUN_RSS_GROWTH_MIB

    assert _state(evidence) == before, "the evidence was modified"
    report = json.loads((out / HOSTILE_UNIT / "report.json").read_text(encoding="utf-8"))
    paths = [item["path"] for item in report["evidence"]]
    assert sorted(paths) == sorted(expected), "every file exactly once"
    for item in report["evidence"]:
        problem = expected[item["path"]]
        rules = [finding["rule"] for finding in item["findings"]]
        if problem is None:
            assert item["read_error"] is None and "unreadable" not in rules, item
        else:
            assert item["read_error"]["problem"] == problem.value and "unreadable" in rules, item
    assert next(i for i in report["evidence"] if i["path"] == "3.1/hai vạn trang.pdf")["pages"] == 20_000
    table_findings = [f for f in report["findings"] if f["rule"] == "self-assessment-unreadable"]
    assert table_findings and "declares a DTD" in table_findings[0]["detail"]
    marker = _passwd_marker()
    assert marker not in json.dumps(report, ensure_ascii=False)

    broken_table = json.loads((out / BROKEN_TABLE_UNIT / "report.json").read_text(encoding="utf-8"))
    assert [f["rule"] for f in broken_table["findings"]] == ["self-assessment-unreadable"]
    assert [item["read_error"] for item in broken_table["evidence"]] == [None]


def test_a_huge_csv_table_is_not_read_into_memory(tmp_path: Path) -> None:
    path = tmp_path / "Bảng tự đánh giá.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_CSV_BYTES + 1)  # sparse: no 16 MiB written
    table = read_self_assessment(path)
    assert table.read_error is not None and f"limit {MAX_CSV_BYTES}" in table.read_error.detail
