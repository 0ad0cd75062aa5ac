"""Who may see and do what: the one place that decides it, for the pages and the API alike.

A clerk sees their own unit only; a council member the units of their batch (`Batch`), or every unit when they
belong to none; the administrators every unit. What a user may not
see does not exist for them (404), so an address or an id reveals nothing about other units; what they may
see but not do (the council uploading for a unit, a clerk locking it or deciding on a finding) is refused (403).
"""

from __future__ import annotations

from typing import Any, TypeAlias

from django.db.models import QuerySet
from django.http import Http404

from kiemchung.web.models import Membership, Role, Submission, Unit

User: TypeAlias = Any  # a logged-in user or AnonymousUser (Django's classes carry no type hints)
NOT_FOUND = "Không tìm thấy, hoặc bạn không có quyền xem."  # the same answer for both, pages and API


def membership(user: User) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user).select_related("unit", "batch").first()


def visible_units(user: User) -> QuerySet[Unit]:
    member = membership(user)
    if member is None:
        return Unit.objects.none()
    if member.role == Role.CLERK:
        return Unit.objects.filter(pk=member.unit_id)
    if member.batch_id is not None:
        return Unit.objects.filter(batch=member.batch_id)
    return Unit.objects.all()


def unit_for(user: User, code: str) -> Unit:
    """The unit `code` if `user` may see it, else 404."""
    unit = visible_units(user).filter(code=code).first()
    if unit is None:
        raise Http404("unit")
    return unit


def submission_for(user: User, pk: int) -> Submission:
    """The submission `pk` if `user` may see its unit, else 404."""
    submission = Submission.objects.filter(pk=pk, unit__in=visible_units(user)).select_related("unit").first()
    if submission is None:
        raise Http404("submission")
    return submission


def may_upload(user: User, unit: Unit) -> bool:
    """A unit's own clerks upload its evidence (and administrators, to help them); the council reviews."""
    member = membership(user)
    if member is None:
        return False
    return member.role == Role.ADMIN or (member.role == Role.CLERK and member.unit_id == unit.pk)


def may_lock(user: User) -> bool:
    """The council locks units after the deadline and unlocks them (administrators too, to help them)."""
    return _role_in(user, Role.COUNCIL, Role.ADMIN)


def may_review(user: User) -> bool:
    """Confirming or dismissing findings and setting final scores is the council's judgement alone."""
    return _role_in(user, Role.COUNCIL)


def may_see_dashboard(user: User) -> bool:
    """The dashboard compares every unit: the council's, and the administrators' who help them."""
    return _role_in(user, Role.COUNCIL, Role.ADMIN)


def _role_in(user: User, *roles: Any) -> bool:  # `Role`s: Any, as Django's choices carry no type hints
    member = membership(user)
    return member is not None and member.role in roles
