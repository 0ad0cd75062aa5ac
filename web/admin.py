"""The batches, units, roles, submissions, tokens and the audit log in Django's admin (administrators only).
Submissions are read-only there: an upload and its check are never edited by hand; the audit log can be read,
never added to, changed or deleted."""

from django.contrib import admin
from django.http import HttpRequest

from kiemchung.web.models import ApiToken, AuditEntry, Batch, Membership, Submission, Unit


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "batch", "locked_at", "locked_by")
    list_filter = ("batch",)
    search_fields = ("code", "name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "batch")
    list_filter = ("role", "batch")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("pk", "unit", "uploader", "status", "created", "finished")
    list_filter = ("status",)

    def has_change_permission(self, request: HttpRequest, obj: Submission | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created")
    readonly_fields = ("digest",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "who", "action", "unit", "submission", "code", "criterion", "old", "new")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
