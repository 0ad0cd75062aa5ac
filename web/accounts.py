"""`kiemchung user add`: an account with its role, a one-time password and, if asked, an API token."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from kiemchung.web.models import ApiToken, Membership, Role, Unit


class AccountError(Exception):
    """Why the account was not made: Vietnamese and English, as the CLI's errors are."""

    def __init__(self, vietnamese: str, english: str) -> None:
        super().__init__(vietnamese)
        self.english = english


@dataclass(frozen=True)
class NewAccount:
    password: str  # to be changed at the first login
    token: str | None
    unit_created: Unit | None  # the clerk's unit, when this command made it


def add_user(name: str, role: str, unit_name: str | None = None, *, token: bool = False) -> NewAccount:
    """Create the user `name` with `role` (a clerk with their unit, found by code or name, made when new)."""
    if role not in Role.values:
        raise AccountError(f"vai trò {role!r} không có; chọn một trong {', '.join(Role.values)}",
                           f"no role {role!r}; choose one of {', '.join(Role.values)}")
    if (role == Role.CLERK) != bool(unit_name):
        raise AccountError("cán bộ đơn vị (clerk) cần --unit ĐƠN_VỊ; hội đồng và quản trị viên không có đơn vị",
                           "a clerk needs --unit UNIT; the council and administrators have none")
    users = get_user_model()
    if users.objects.filter(username=name).exists():
        raise AccountError(f"đã có người dùng {name!r}; hãy chọn tên khác", f"the user {name!r} exists already")
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        unit, created = _unit(unit_name) if unit_name else (None, False)
        is_admin = role == Role.ADMIN
        user = users.objects.create_user(name, password=password, is_staff=is_admin, is_superuser=is_admin)
        Membership.objects.create(user=user, role=role, unit=unit, must_change_password=True)
        issued = ApiToken.issue(user) if token else None
    return NewAccount(password, issued, unit if created else None)


def unit_code(name: str) -> str:
    """A unit's code for addresses: its name without diacritics, "ubnd-xa-tan-lap" (đ is d)."""
    plain = name.replace("đ", "d").replace("Đ", "D")
    return slugify(unicodedata.normalize("NFC", plain))


def _unit(name: str) -> tuple[Unit, bool]:
    """The unit whose code or name is `name`, or a new one named so."""
    name = unicodedata.normalize("NFC", name.strip())
    found = Unit.objects.filter(code=name).first() or Unit.objects.filter(name=name).first()
    if found is not None:
        return found, False
    code = unit_code(name)
    if not code or Unit.objects.filter(code=code).exists():
        raise AccountError(f"không tạo được đơn vị {name!r}: mã {code!r} trống hoặc đã dùng; tạo đơn vị trong trang "
                           "quản trị (/admin/) rồi dùng mã của nó",
                           f"cannot make the unit {name!r}: its code {code!r} is empty or taken; make it in /admin/")
    return Unit.objects.create(code=code, name=name), True
