"""An uploaded archive, treated as hostile: refused with a reason the clerk can act on, or stored and queued.
A unit the council has locked takes none (423), whatever the file. An accepted upload is written in the audit log.

The archive is opened once at upload by the CLI's own reader (`kiemchung.pipeline.archives.open_archive`,
the same limits: members, sizes, bombs, nesting) so that what the check would refuse is refused now, while
the clerk is still there: not an archive, damaged, encrypted, names that leave the archive, links, bombs.
Accepted, it is stored under DATA/archives by its SHA-256, read-only and never changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from kiemchung.extractors.models import ReadProblem
from kiemchung.pipeline.archives import ARCHIVE_SUFFIXES, open_archive
from kiemchung.web.models import Action, Status, Submission, Unit
from kiemchung.web.review import record

_MIB = 1024 * 1024
_SUFFIXES = ", ".join(ARCHIVE_SUFFIXES)
_REFUSED_MEMBERS = (ReadProblem.UNSAFE, ReadProblem.LINK, ReadProblem.ENCRYPTED)


class UploadRefused(Exception):
    """Why an upload was not accepted (Vietnamese, says what to do) and the HTTP status that goes with it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class RefuseOversizedBodies:
    """Middleware, before CSRF's (which reads the body): a request announced larger than the upload limit is
    answered 413 before any of it is read. (waitress refuses bodies past the same size whatever they announce.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.KIEMCHUNG_MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + _MIB:  # the form's other fields and the multipart framing
            return refusal_response(request, UploadRefused(_too_big(limit), 413))
        return self.get_response(request)


def refusal_response(request: HttpRequest, refusal: UploadRefused) -> HttpResponse:
    return refused(request, refusal.message, refusal.status)


def refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A refusal (Vietnamese, what to do) as the caller reads it: JSON for the API, a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": message}, status=status)
    return render(request, "web/refused.html", {"message": message}, status=status)


def accept(unit: Unit, user: AbstractBaseUser, upload: UploadedFile | None) -> Submission:
    """Check `upload`, store it content-addressed and queue its check; raises `UploadRefused`."""
    if unit.locked:
        raise UploadRefused(locked_notice(unit), 423)
    if upload is None:
        raise UploadRefused(f"Chưa chọn tệp. Hãy chọn tệp nén ({_SUFFIXES}) chứa thư mục hồ sơ của đơn vị.")
    name = PurePath(upload.name or "").name
    if PurePath(name).suffix.lower() not in ARCHIVE_SUFFIXES:
        raise UploadRefused(
            f"Tệp «{name}» không phải tệp nén. Hãy nén thư mục hồ sơ của đơn vị thành tệp {_SUFFIXES} rồi nộp lại."
        )
    if (upload.size or 0) > settings.KIEMCHUNG_MAX_UPLOAD_BYTES:
        raise UploadRefused(_too_big(settings.KIEMCHUNG_MAX_UPLOAD_BYTES), 413)
    waiting = Submission.objects.filter(unit=unit, status__in=(Status.QUEUED, Status.READING)).count()
    if waiting >= settings.KIEMCHUNG_MAX_WAITING:
        raise UploadRefused(
            f"Đơn vị đã có {waiting} lần nộp đang chờ kiểm tra. Hãy đợi các lần nộp đó kiểm tra xong rồi nộp lại.", 429
        )
    temporary = _receive(upload)
    try:
        _inspect(temporary, name)
        sha256, size = _digest(temporary)
        _store(temporary, sha256)
    finally:
        temporary.unlink(missing_ok=True)
    with transaction.atomic():
        submission = Submission.objects.create(unit=unit, uploader=user, archive_sha256=sha256, archive_name=name,
                                               archive_size=size)
        record(user, Action.UPLOAD, unit, submission, new=name)
    return submission


def locked_notice(unit: Unit) -> str:
    """Why a locked unit takes no upload, and what the clerk can still do."""
    when = timezone.localtime(unit.locked_at).strftime("%H:%M ngày %d/%m/%Y")
    return (f"Hội đồng thẩm định đã khóa hồ sơ của {unit.name} lúc {when} (đã hết hạn nộp), nên không nộp thêm "
            f"được. Nếu cần nộp bổ sung, hãy liên hệ Hội đồng để được mở khóa.")


def archive_path(sha256: str) -> Path:
    return Path(settings.ARCHIVES) / sha256


def _too_big(limit: int) -> str:
    return (f"Tệp nộp lớn hơn giới hạn {limit // _MIB} MB. Hãy bỏ các tệp không phải tài liệu kiểm chứng "
            f"(bản trùng, video) hoặc chia hồ sơ, rồi nộp lại.")


def _receive(upload: UploadedFile) -> Path:
    """The upload copied into the data folder's own temporary folder (the check reads it from there)."""
    descriptor, name = tempfile.mkstemp(prefix="upload-", dir=settings.FILE_UPLOAD_TEMP_DIR)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return Path(name)


def _inspect(path: Path, name: str) -> None:
    """Open the archive as the check will, into a folder removed at once; refuse what it would refuse."""
    work = Path(tempfile.mkdtemp(prefix="inspect-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        opened = open_archive(path, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if opened.problem is not None and opened.problem.problem is not ReadProblem.CORRUPT:
        raise UploadRefused(_member_refusal(name, opened.problem.problem))
    if opened.problem is not None and not opened.members:
        raise UploadRefused(
            f"Tệp «{name}» không phải tệp nén {_SUFFIXES} hợp lệ hoặc đã bị hỏng. Hãy nén lại thư mục hồ sơ "
            f"(chuột phải vào thư mục → Nén / Send to → Compressed folder) rồi nộp lại."
        )
    for member in opened.members:
        if member.problem is not None and member.problem.problem in _REFUSED_MEMBERS:
            raise UploadRefused(_member_refusal(f"{name}!/{member.name}", member.problem.problem))
    if not any(member.copy is not None for member in opened.members):
        raise UploadRefused(f"Tệp nén «{name}» không chứa tệp nào. Hãy nén thư mục hồ sơ có tài liệu rồi nộp lại.")


def _member_refusal(where: str, problem: ReadProblem) -> str:
    if problem is ReadProblem.ENCRYPTED:
        return f"«{where}» có mật khẩu nên không đọc được. Hãy nén lại không đặt mật khẩu rồi nộp lại."
    if problem is ReadProblem.LINK:
        return f"«{where}» là một liên kết (shortcut), không phải tệp. Hãy đưa chính tệp vào tệp nén rồi nộp lại."
    return (f"«{where}» không an toàn để giải nén (tên tệp trỏ ra ngoài thư mục, tệp nén lồng quá sâu hoặc giải nén "
            f"ra quá lớn). Hãy nén lại trực tiếp thư mục hồ sơ của đơn vị rồi nộp lại.")


def _digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(_MIB):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _store(temporary: Path, sha256: str) -> None:
    """Keep the archive under its SHA-256, read-only; the same content uploaded twice is kept once."""
    target = archive_path(sha256)
    if target.exists():
        return
    temporary.chmod(0o400)
    os.replace(temporary, target)  # the same file system: the archive appears whole or not at all
