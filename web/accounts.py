"""`kiemchung user add`: an account with its role, a one-time password and, if asked, an API token."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from kiemchung.web.models import ApiToken, Batch, Membership, Role, Unit


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
    batch_created: Batch | None  # the batch, when this command made it


def add_user(name: str, role: str, unit_name: str | None = None, *, batch_name: str | None = None,
             token: bool = False) -> NewAccount:
    """Create the user `name` with `role`: a clerk with their unit, a council member with their batch if one is
    named (units and batches found by code or name, made when new; a new unit goes into the batch named)."""
    if role not in Role.values:
        raise AccountError(f"vai trò {role!r} không có; chọn một trong {', '.join(Role.values)}",
                           f"no role {role!r}; choose one of {', '.join(Role.values)}")
    if (role == Role.CLERK) != bool(unit_name):
        raise AccountError("cán bộ đơn vị (clerk) cần --unit ĐƠN_VỊ; hội đồng và quản trị viên không có đơn vị",
                           "a clerk needs --unit UNIT; the council and administrators have none")
    if role == Role.ADMIN and batch_name:
        raise AccountError("quản trị viên không thuộc đợt thẩm định nào: bỏ --batch",
                           "administrators belong to no batch: leave out --batch")
    users = get_user_model()
    if users.objects.filter(username=name).exists():
        raise AccountError(f"đã có người dùng {name!r}; hãy chọn tên khác", f"the user {name!r} exists already")
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        batch, batch_created = _named(Batch, batch_name, "đợt thẩm định", "batch") if batch_name else (None, False)
        unit, unit_created = _named(Unit, unit_name, "đơn vị", "unit", batch=batch) if unit_name else (None, False)
        if unit is not None and batch is not None and unit.batch_id != batch.pk:
            where = f"thuộc đợt {unit.batch.name!r}" if unit.batch else "chưa thuộc đợt nào"
            raise AccountError(f"đơn vị {unit.name!r} {where}, không thuộc đợt {batch.name!r}; đổi đợt của đơn vị "
                               "trong trang quản trị (/admin/) nếu cần",
                               f"the unit {unit.name!r} is not in the batch {batch.name!r}; move it in /admin/")
        is_admin = role == Role.ADMIN
        user = users.objects.create_user(name, password=password, is_staff=is_admin, is_superuser=is_admin)
        council_batch = batch if role == Role.COUNCIL else None
        Membership.objects.create(user=user, role=role, unit=unit, batch=council_batch, must_change_password=True)
        issued = ApiToken.issue(user) if token else None
    return NewAccount(password, issued, unit if unit_created else None, batch if batch_created else None)


def unit_code(name: str) -> str:
    """A unit's or a batch's code for addresses: its name without diacritics, "ubnd-xa-tan-lap" (đ is d)."""
    plain = name.replace("đ", "d").replace("Đ", "D")
    return slugify(unicodedata.normalize("NFC", plain))


def _named(model: type[Unit] | type[Batch], name: str, noun: str, noun_en: str,
           **fields: object) -> tuple[Any, bool]:
    """The unit or batch whose code or name is `name`, or a new one named so (with `fields`)."""
    name = unicodedata.normalize("NFC", name.strip())
    found = model.objects.filter(code=name).first() or model.objects.filter(name=name).first()
    if found is not None:
        return found, False
    code = unit_code(name)
    if not code or model.objects.filter(code=code).exists():
        raise AccountError(f"không tạo được {noun} {name!r}: mã {code!r} trống hoặc đã dùng; tạo {noun} trong trang "
                           "quản trị (/admin/) rồi dùng mã của nó",
                           f"cannot make the {noun_en} {name!r}: its code {code!r} is empty or taken; "
                           "make it in /admin/")
    return model.objects.create(code=code, name=name, **fields), True
