"""What the service keeps: units (and whether the council locked them), who belongs to which (and in what
role), submissions, API tokens, and the audit log of what the council and the clerks did.

A unit's evidence, reports and decisions are seen by that unit's clerks, the council and the administrators
only: `kiemchung.web.access` is the one place that decides it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    COUNCIL = "council", "Hội đồng thẩm định"
    CLERK = "clerk", "Cán bộ đơn vị"
    ADMIN = "admin", "Quản trị viên"


class Status(models.TextChoices):
    QUEUED = "queued", "Đang chờ kiểm tra"
    READING = "reading", "Đang kiểm tra"
    DONE = "done", "Đã kiểm tra xong"
    FAILED = "failed", "Không kiểm tra được"


class Batch(models.Model):
    """An appraisal batch (đợt thẩm định): the units one council appraises together, "Cấp xã 2025". A council
    member of a batch sees its units only; a council member of none sees every unit (one council for the province)."""

    code = models.SlugField("mã", max_length=64, unique=True)
    name = models.CharField("tên", max_length=200, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name = "đợt thẩm định"
        verbose_name_plural = "đợt thẩm định"

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit that submits evidence (a commune, a department). `code` names it in addresses and the API."""

    code = models.SlugField("mã", max_length=64, unique=True)
    name = models.CharField("tên", max_length=200, unique=True)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="units",
                              verbose_name="đợt thẩm định")
    # Set by the council after the deadline: a locked unit accepts no upload until it is unlocked.
    locked_at = models.DateTimeField("khóa lúc", null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="người khóa")

    class Meta:
        ordering = ("name",)
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class Membership(models.Model):
    """A user's role; a clerk belongs to exactly one unit, the council and administrators to none. A council
    member may belong to a batch (then sees its units only); nobody else does."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField("vai trò", max_length=16, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="clerks")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="council",
                              verbose_name="đợt thẩm định")
    # set by `kiemchung user add`: the password it printed is used once, to choose one's own
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(role="clerk", unit__isnull=False) | (~models.Q(role="clerk") & models.Q(unit=None)),
                name="clerk_has_one_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(role="council") | models.Q(batch=None), name="only_council_batch"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Submission(models.Model):
    """One upload of a unit's evidence (a round) and the check of it.

    The evidence is an archive: the clerk's, or the service's own zip of the folder the clerk sent
    (`folder`). It is stored once under DATA/archives, named by its SHA-256, and never changed; so is the
    self-assessment table sent beside it, if any. The CLI's reports are written under DATA/reports/<id>/, and
    `report_folder` is the unit's folder there (relative to the data folder) once the check is done.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    archive_sha256 = models.CharField(max_length=64)
    archive_name = models.CharField("tệp đã nộp", max_length=255)  # as the clerk's computer named it (or the folder)
    archive_size = models.BigIntegerField()
    folder = models.BooleanField("nộp dạng thư mục", default=False)  # the archive is the service's zip of a folder
    table_sha256 = models.CharField(max_length=64, blank=True)  # the self-assessment table sent apart, if any
    table_name = models.CharField("bảng tự đánh giá", max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    report_folder = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)  # why the check failed, in Vietnamese, for the clerk

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = "lần nộp"
        verbose_name_plural = "lần nộp"

    def __str__(self) -> str:
        return f"{self.unit} #{self.pk}"


class ApiToken(models.Model):
    """A token for scripts (`Authorization: Bearer …`); only its SHA-256 is kept, the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "mã API"
        verbose_name_plural = "mã API"

    @staticmethod
    def hash(token: str) -> str:
        # A token is 256 random bits: one SHA-256 is enough, a slow password hash would only slow every call.
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: models.Model) -> str:
        """A new token for `user`; returns the token itself, which is not kept."""
        token = "kc_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=cls.hash(token))
        return token


class Action(models.TextChoices):
    CONFIRM = "confirm", "Xác nhận phát hiện"
    DISMISS = "dismiss", "Bác bỏ phát hiện"
    SCORE = "score", "Cho điểm tiêu chí"
    LOCK = "lock", "Khóa hồ sơ"
    UNLOCK = "unlock", "Mở khóa hồ sơ"
    UPLOAD = "upload", "Nộp hồ sơ"


class AppendOnly(Exception):
    """An attempt to change or remove a row of the audit log."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Rows are added one by one; bulk changes and removals are refused like single ones."""

    def update(self, **kwargs: object) -> int:
        raise AppendOnly("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the audit log is append-only")


class AuditEntry(models.Model):
    """One thing done, kept for good: who, when, what, on which unit (and submission, finding or criterion),
    the value before and after, and why.

    It is also where the council's decisions live: a finding's verdict and a criterion's final score are
    the latest row about them (`kiemchung.web.review`), so the log cannot disagree with what the pages show.
    A finding is named as `kiemchung.web.rounds` names it: its rule code and its place (criterion or path).
    """

    at = models.DateTimeField("lúc", auto_now_add=True)
    who = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                            verbose_name="người thực hiện")
    action = models.CharField("việc", max_length=16, choices=Action.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="audit", verbose_name="đơn vị")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="audit",
                                   verbose_name="lần nộp")
    code = models.CharField("mã quy tắc", max_length=8, blank=True)  # the finding's rule, KC301
    criterion = models.CharField("tiêu chí", max_length=32, blank=True)
    path = models.CharField("tệp", max_length=1000, blank=True)
    old = models.CharField("giá trị cũ", max_length=255, blank=True)
    new = models.CharField("giá trị mới", max_length=255, blank=True)
    reason = models.TextField("lý do", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        verbose_name = "nhật ký"
        verbose_name_plural = "nhật ký"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who} {self.action} {self.unit}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnly("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the audit log is append-only")
