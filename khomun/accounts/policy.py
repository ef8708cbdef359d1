"""The one place that decides who may see and do what.

Views, the API, the admin and the CLI all ask these functions; none of them
checks roles on its own. A role is held over an org unit and reaches everything
below it (its path is a prefix). Out of scope is "not found"; in scope but not
allowed to change is "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from khomun.accounts.choices import Role
from khomun.accounts.models import RoleAssignment, User
from khomun.lib import refcache
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit, under_any

# Roles whose holders must use two-factor log-in.
ADMIN_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.BUREAU_OWNER, Role.PROVINCE_ADMIN})

# The org-unit levels each role may be held at.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.DEPARTMENT_ADMIN: frozenset({Level.COUNTRY}),
    Role.BUREAU_OWNER: frozenset({Level.COUNTRY}),
    Role.PROVINCE_ADMIN: frozenset({Level.PROVINCE}),
    Role.PROVINCE_RECORDER: frozenset({Level.PROVINCE}),
    Role.DISTRICT_RECORDER: frozenset({Level.DISTRICT}),
    Role.DISTRICT_HEAD: frozenset({Level.DISTRICT}),
    Role.EXECUTIVE: frozenset({Level.COUNTRY, Level.PROVINCE, Level.DISTRICT}),
}

# What a province admin may hand out inside its own province.
PROVINCE_GRANTABLE = frozenset(
    {Role.PROVINCE_RECORDER, Role.DISTRICT_RECORDER, Role.DISTRICT_HEAD, Role.EXECUTIVE}
)


def assignments(user: Any) -> list[RoleAssignment]:
    """The user's roles with their org units, kept by the process until roles or org
    units change (refcache) and on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_khomun_roles", None)
    if cached is None:
        cached = refcache.lookup(("roles", user.pk), lambda: _load_assignments(user.pk))
        user._khomun_roles = cached
    return cached


def _load_assignments(user_id: int) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user_id=user_id).select_related("orgunit"))


def forget(user: Any) -> None:
    """Drop the cached roles after a change."""
    if hasattr(user, "_khomun_roles"):
        del user._khomun_roles


def has_role(user: Any, *roles: str) -> bool:
    return any(a.role in roles for a in assignments(user))


def _paths(user: Any, roles: frozenset[str] | None = None) -> list[str]:
    return [a.orgunit.path for a in assignments(user) if roles is None or a.role in roles]


def _within(unit: OrgUnit, paths: list[str]) -> bool:
    return any(unit.path.startswith(p) for p in paths)


def primary_unit(user: Any) -> OrgUnit | None:
    """The highest org unit the user holds a role over: where their home page starts."""
    units = sorted((a.orgunit for a in assignments(user)), key=lambda u: len(u.path))
    return units[0] if units else None


def can_view(user: Any, unit: OrgUnit) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _within(unit, _paths(user))


def visible_orgunits(user: Any, qs: QuerySet[OrgUnit] | None = None) -> QuerySet[OrgUnit]:
    """The org units the user may read: the subtrees of their roles."""
    qs = OrgUnit.objects.all() if qs is None else qs
    if getattr(user, "is_superuser", False):
        return qs
    paths = _paths(user)
    if not paths:
        return qs.none()
    return qs.filter(under_any("path", paths))


def visible_or_ancestor(user: Any, unit: OrgUnit) -> bool:
    """True for units in scope and for the units above them (the way up the tree)."""
    return can_view(user, unit) or any(p.startswith(unit.path) for p in _paths(user))


def get_orgunit_for_user(user: Any, code: str) -> OrgUnit:
    """The scoping helper: the unit with this code if the user may read it, else 404."""
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None or not can_view(user, unit):
        raise Http404
    return unit


def can_manage_orgunit(user: Any, unit: OrgUnit) -> bool:
    """Accounts and office details of `unit`: the department, or the unit's province admin."""
    if getattr(user, "is_superuser", False):
        return True
    return _within(unit, _paths(user, frozenset({Role.DEPARTMENT_ADMIN, Role.PROVINCE_ADMIN})))


def can_read_audit(user: Any, unit: OrgUnit) -> bool:
    return can_manage_orgunit(user, unit)


def audit_scope_paths(user: Any) -> list[str] | None:
    """Path prefixes of the audit log the user may read; None means all of it."""
    if getattr(user, "is_superuser", False) or has_role(user, Role.DEPARTMENT_ADMIN):
        return None
    return _paths(user, frozenset({Role.PROVINCE_ADMIN}))


def can_grant(user: Any, role: str, unit: OrgUnit) -> bool:
    """May `user` give `role` over `unit` to someone?"""
    if unit.level not in ROLE_LEVELS.get(role, frozenset()):
        return False
    if getattr(user, "is_superuser", False) or has_role(user, Role.DEPARTMENT_ADMIN):
        return True
    if role not in PROVINCE_GRANTABLE:
        return False
    return _within(unit, _paths(user, frozenset({Role.PROVINCE_ADMIN})))


def grantable_roles(user: Any) -> list[str]:
    if getattr(user, "is_superuser", False) or has_role(user, Role.DEPARTMENT_ADMIN):
        return list(Role.values)
    if has_role(user, Role.PROVINCE_ADMIN):
        return [r for r in Role.values if r in PROVINCE_GRANTABLE]
    return []


def can_manage_user(actor: Any, target: User) -> bool:
    """An account may be changed by whoever manages every unit its roles sit on."""
    if getattr(actor, "is_superuser", False) or has_role(actor, Role.DEPARTMENT_ADMIN):
        return True
    target_roles = list(RoleAssignment.objects.filter(user=target).select_related("orgunit"))
    if not target_roles:
        return False
    return all(
        a.role in PROVINCE_GRANTABLE and can_manage_orgunit(actor, a.orgunit) for a in target_roles
    )


def manageable_users(actor: Any) -> QuerySet[User]:
    """Accounts the actor may list and manage."""
    if getattr(actor, "is_superuser", False) or has_role(actor, Role.DEPARTMENT_ADMIN):
        return User.objects.all()
    paths = _paths(actor, frozenset({Role.PROVINCE_ADMIN}))
    if not paths:
        return User.objects.none()
    inside = under_any("orgunit__path", paths)
    manageable = RoleAssignment.objects.filter(inside, role__in=PROVINCE_GRANTABLE)
    # Anyone holding a role the actor could not grant (elsewhere, or higher) is off limits.
    off_limits = RoleAssignment.objects.exclude(pk__in=manageable.values("pk")).values("user_id")
    return User.objects.filter(pk__in=manageable.values("user_id")).exclude(pk__in=off_limits)


def requires_two_factor(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *ADMIN_ROLES)


def pending_account_step(user: Any) -> str | None:
    """What a signed-in user must do before anything else: "password" (the forced
    change), "two_factor" (an admin role not yet verified this session), or None."""
    if user.must_change_password:
        return "password"
    if requires_two_factor(user) and not user.is_verified():
        return "two_factor"
    return None


def can_use_admin(user: Any) -> bool:
    """The Django admin is for the department's and provinces' administrators."""
    return bool(getattr(user, "is_superuser", False)) or has_role(
        user, Role.DEPARTMENT_ADMIN, Role.PROVINCE_ADMIN
    )


# Roles that may enter and change records within their scope.
RECORDING_ROLES = frozenset(
    {
        Role.DISTRICT_RECORDER,
        Role.DISTRICT_HEAD,
        Role.PROVINCE_RECORDER,
        Role.PROVINCE_ADMIN,
        Role.DEPARTMENT_ADMIN,
    }
)


def can_record(user: Any, unit: OrgUnit) -> bool:
    """May the user enter or change records of `unit` (it lies within a recording role)?"""
    if getattr(user, "is_superuser", False):
        return True
    return _within(unit, _paths(user, RECORDING_ROLES))


def can_merge_subjects(user: Any, unit: OrgUnit) -> bool:
    """Merging duplicates is the province admin's (or the department's) job."""
    return can_manage_orgunit(user, unit)


def can_edit_catalog(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.DEPARTMENT_ADMIN)


def can_set_province_deadline(user: Any, province: OrgUnit) -> bool:
    return can_manage_orgunit(user, province) and province.level == Level.PROVINCE


def require_view(user: Any, unit: OrgUnit) -> None:
    """404 outside the user's scope."""
    if not can_view(user, unit):
        raise Http404


def require_record(user: Any, unit: OrgUnit) -> None:
    """404 outside the scope, 403 inside it for read-only roles."""
    from django.core.exceptions import PermissionDenied

    require_view(user, unit)
    if not can_record(user, unit):
        raise PermissionDenied


def can_submit_district(user: Any, unit: OrgUnit) -> bool:
    """The district head (พัฒนาการอำเภอ) submits the district's period."""
    if getattr(user, "is_superuser", False):
        return True
    return unit.level == Level.DISTRICT and _within(
        unit, _paths(user, frozenset({Role.DISTRICT_HEAD}))
    )


def can_approve(user: Any, unit: OrgUnit) -> bool:
    """Approving and returning is the province admin's (or the department's) job."""
    return can_manage_orgunit(user, unit)


def requested_unit(request: Any) -> OrgUnit:
    """The unit a page is asked about: `?orgunit=CODE` if in scope (else 404), or
    the user's own unit."""
    code = request.GET.get("orgunit", "").strip()
    if code:
        return get_orgunit_for_user(request.user, code)
    unit = primary_unit(request.user)
    if unit is None:
        raise Http404
    return unit


# Roles that see national IDs and phone numbers unmasked within their scope; executives
# and bureau owners, who read the whole country for analysis, see them masked (PDPA).
PERSONAL_DATA_ROLES = frozenset(
    {
        Role.DEPARTMENT_ADMIN,
        Role.PROVINCE_ADMIN,
        Role.PROVINCE_RECORDER,
        Role.DISTRICT_RECORDER,
        Role.DISTRICT_HEAD,
    }
)


def personal_data_paths(user: Any) -> list[str] | None:
    """Org paths under which the user sees personal data unmasked; None means everywhere."""
    if getattr(user, "is_superuser", False):
        return None
    return _paths(user, PERSONAL_DATA_ROLES)


def can_edit_default_reminders(user: Any) -> bool:
    """The department sets the reminder rules every province starts from."""
    return can_edit_catalog(user)


def can_manage_province_messaging(user: Any, province: OrgUnit) -> bool:
    """Reminder overrides, the message log, the LINE link and letters of a province
    are its admin's (or the department's)."""
    return can_manage_orgunit(user, province) and province.level == Level.PROVINCE


def can_manage_messaging(user: Any, unit: OrgUnit) -> bool:
    """A province's LINE links and message log are its admin's; the whole country's,
    the department admin's."""
    if unit.level == Level.COUNTRY:
        return can_manage_orgunit(user, unit)
    return can_manage_province_messaging(user, unit)


def can_send_letters(user: Any, province: OrgUnit) -> bool:
    """Letters to a province's districts come from the province office (SPEC §5)."""
    return can_manage_province_messaging(user, province)
