"""Account use cases: create (one or from CSV), grant and revoke roles, tokens.

Each raises AccountError with a Thai message (naming the field and row) and
changes nothing when it fails.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import string
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest
from django.utils import timezone

from khomun.accounts import audit, policy
from khomun.accounts.choices import AuditAction, Role
from khomun.accounts.models import ApiToken, RoleAssignment, User
from khomun.lib import refcache
from khomun.orgunits.models import OrgUnit

PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
CSV_COLUMNS = ["username", "first_name", "last_name", "email", "role", "orgunit", "position"]


class AccountError(Exception):
    """A refused account change; `field` and `row` say where the problem is."""

    def __init__(self, message: str, *, field: str = "", row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.row = row


def random_password(length: int = 14) -> str:
    """A random initial password with upper, lower and digits; never from the user name."""
    while True:
        candidate = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


@dataclass
class NewAccount:
    user: User
    password: str


def _resolve_unit(code: str, row: int | None) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise AccountError(f"ไม่พบหน่วยงานรหัส “{code}”", field="orgunit", row=row)
    return unit


def _check_role(role: str, row: int | None) -> str:
    if role not in Role.values:
        allowed = ", ".join(Role.values)
        raise AccountError(f"ไม่รู้จักบทบาท “{role}” (ใช้ได้: {allowed})", field="role", row=row)
    return role


def create_account(
    actor: Any,
    *,
    username: str,
    role: str,
    orgunit_code: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    position: str = "",
    password: str | None = None,
    must_change: bool = True,
    request: HttpRequest | None = None,
    row: int | None = None,
) -> NewAccount:
    """Create one account with one role. `actor` None means the command line (trusted).

    With no password given, a random one is made. The password must be changed at
    first log-in unless `must_change` is off (demo accounts only).
    """
    username = username.strip()
    if not username:
        raise AccountError("กรุณาระบุชื่อผู้ใช้", field="username", row=row)
    if len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        raise AccountError(
            "ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษร ตัวเลข และ @ . + - _ ไม่เกิน 150 ตัว",
            field="username",
            row=row,
        )
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"มีชื่อผู้ใช้ “{username}” อยู่แล้ว", field="username", row=row)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise AccountError(f"อีเมล “{email}” ไม่ถูกต้อง", field="email", row=row) from None
    role = _check_role(role, row)
    unit = _resolve_unit(orgunit_code, row)
    if unit.level not in policy.ROLE_LEVELS[role]:
        raise AccountError(
            f"บทบาท {Role(role).label} ใช้กับหน่วยระดับ{unit.get_level_display()}ไม่ได้",
            field="orgunit",
            row=row,
        )
    if actor is not None and not policy.can_grant(actor, role, unit):
        raise AccountError(
            f"ท่านไม่มีสิทธิ์สร้างบัญชีบทบาท {Role(role).label} ที่ {unit.name_th}",
            field="role",
            row=row,
        )
    password = password if password is not None else random_password()
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        position=position.strip(),
        must_change_password=must_change,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages), field="password", row=row) from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
        RoleAssignment.objects.create(user=user, role=role, orgunit=unit)
        actor_user = actor if isinstance(actor, User) else None
        audit.record(AuditAction.ACCOUNT_CREATED, request=request, actor=actor_user, target=user)
        audit.record(
            AuditAction.ROLE_GRANTED,
            request=request,
            actor=actor_user,
            target=user,
            role=role,
            orgunit=unit.code,
        )
    return NewAccount(user, password)


def import_accounts_csv(
    actor: Any, data: bytes, request: HttpRequest | None = None
) -> list[NewAccount]:
    """Create every account of a CSV file, or none: the first bad row stops everything.

    Columns: username, first_name, last_name, email, role, orgunit[, position].
    UTF-8 (with or without BOM) or Windows-874, as Thai Excel saves it.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp874")
        except UnicodeDecodeError:
            raise AccountError("อ่านไฟล์ไม่ได้: ต้องเป็น CSV แบบ UTF-8 หรือ Windows-874") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:6] if c not in (reader.fieldnames or [])]
    if missing:
        raise AccountError(f"ไฟล์ไม่มีคอลัมน์: {', '.join(missing)}", field=missing[0], row=1)
    created: list[NewAccount] = []
    with transaction.atomic():
        for row_number, row in enumerate(reader, start=2):
            if not any((v or "").strip() for v in row.values()):
                continue
            created.append(
                create_account(
                    actor,
                    username=row["username"] or "",
                    role=(row["role"] or "").strip(),
                    orgunit_code=row["orgunit"] or "",
                    first_name=row["first_name"] or "",
                    last_name=row["last_name"] or "",
                    email=(row["email"] or "").strip(),
                    position=row.get("position") or "",
                    request=request,
                    row=row_number,
                )
            )
        if not created:
            raise AccountError("ไฟล์ไม่มีแถวข้อมูล", row=2)
    return created


def grant_role(
    actor: Any, user: User, role: str, orgunit_code: str, request: HttpRequest | None = None
) -> RoleAssignment:
    role = _check_role(role, None)
    unit = _resolve_unit(orgunit_code, None)
    if unit.level not in policy.ROLE_LEVELS[role]:
        raise AccountError(
            f"บทบาท {Role(role).label} ใช้กับหน่วยระดับ{unit.get_level_display()}ไม่ได้",
            field="orgunit",
        )
    if actor is not None and not (
        policy.can_grant(actor, role, unit) and policy.can_manage_user(actor, user)
    ):
        raise AccountError("ท่านไม่มีสิทธิ์มอบบทบาทนี้", field="role")
    with transaction.atomic():
        assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role, orgunit=unit)
        audit.record(
            AuditAction.ROLE_GRANTED,
            request=request,
            actor=actor if isinstance(actor, User) else None,
            target=user,
            role=role,
            orgunit=unit.code,
        )
    policy.forget(user)
    return assignment


def revoke_role(actor: Any, assignment: RoleAssignment, request: HttpRequest | None = None) -> None:
    if actor is not None and not (
        policy.can_grant(actor, assignment.role, assignment.orgunit)
        and policy.can_manage_user(actor, assignment.user)
    ):
        raise AccountError("ท่านไม่มีสิทธิ์ถอนบทบาทนี้", field="role")
    with transaction.atomic():
        audit.record(
            AuditAction.ROLE_REVOKED,
            request=request,
            actor=actor if isinstance(actor, User) else None,
            target=assignment.user,
            role=assignment.role,
            orgunit=assignment.orgunit.code,
        )
        assignment.delete()
    policy.forget(assignment.user)


def reset_password(actor: Any, user: User, request: HttpRequest | None = None) -> str:
    """A new random password, shown once, to be changed at the next log-in."""
    if actor is not None and not policy.can_manage_user(actor, user):
        raise AccountError("ท่านไม่มีสิทธิ์จัดการบัญชีนี้")
    password = random_password()
    user.set_password(password)
    user.must_change_password = True
    with transaction.atomic():
        user.save(update_fields=["password", "must_change_password"])
        audit.record(
            AuditAction.PASSWORD_RESET,
            request=request,
            actor=actor if isinstance(actor, User) else None,
            target=user,
        )
    return password


def change_own_password(user: User, new_password: str, request: HttpRequest | None = None) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    with transaction.atomic():
        user.save(update_fields=["password", "must_change_password"])
        audit.record(AuditAction.PASSWORD_CHANGED, request=request, actor=user)


def issue_token(user: User, actor: User | None = None) -> str:
    """A new API token; only its hash is kept, so it is shown once."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash(key), prefix=key[:8])
    audit.record(AuditAction.TOKEN_ISSUED, actor=actor, target=user)
    return key


# When this process last wrote each token's last_used_at (at most once a minute), by
# the token's hash (never reused, unlike an id after a rollback).
_token_marked: dict[str, dt.datetime] = {}


def user_for_token(key: str) -> User | None:
    """The active user of a live token. The token and its user's row are kept by the
    process (refcache: a revoked token, a deactivated user or any save of either is
    seen by the next request); each call gets a User object of its own."""
    key_hash = ApiToken.hash(key)
    found = refcache.lookup(("api_token", key_hash), lambda: _token_row(key_hash))
    if found is None:
        return None
    token_id, last_used_at, user_values = found
    now = timezone.now()
    last = max(filter(None, (last_used_at, _token_marked.get(key_hash))), default=None)
    if last is None or (now - last).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        _token_marked[key_hash] = now
    return User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, user_values)


_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]


def _token_row(key_hash: str) -> tuple[int, dt.datetime | None, tuple[Any, ...]] | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    user_values = tuple(getattr(token.user, name) for name in _USER_FIELDS)
    return token.pk, token.last_used_at, user_values
