"""API v1 endpoints of the foundation: who am I, and the org tree."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from khomun.accounts import policy
from khomun.accounts.models import User
from khomun.api.errors import ApiError
from khomun.api.schemas import LevelName, MeOut, OrgUnitOut, OrgUnitPage, RoleOut
from khomun.orgunits.models import OrgUnit

router = Router()


def orgunit_out(unit: OrgUnit, parent_code: str | None) -> OrgUnitOut:
    return OrgUnitOut.model_validate(
        {
            "code": unit.code,
            "name_th": unit.name_th,
            "name_en": unit.name_en,
            "level": unit.level,
            "parent": parent_code,
        }
    )


@router.get("/me", response=MeOut, summary="The calling user, their roles and scope")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)  # the token auth always sets a real user
    assignments = policy.assignments(user)
    roles = [
        RoleOut(
            role=a.role,
            orgunit=orgunit_out(
                a.orgunit, a.orgunit.ancestor_codes()[-1] if a.orgunit.parent_id else None
            ),
        )
        for a in assignments
    ]
    return MeOut(
        username=user.username,
        name=user.get_full_name(),
        email=user.email,
        language=user.language,
        roles=roles,
        scope=sorted({a.orgunit.code for a in assignments}),
    )


class OrgUnitFilter(Schema):
    parent: str | None = None
    level: LevelName | None = None
    limit: int = 1000
    offset: int = 0


@router.get(
    "/orgunits",
    response=OrgUnitPage,
    summary="Org units in the caller's scope (and the units above it)",
)
def orgunits(request: HttpRequest, filters: Query[OrgUnitFilter]) -> OrgUnitPage:
    if not 1 <= filters.limit <= 10000:
        raise ApiError(400, "limit ต้องอยู่ระหว่าง 1 ถึง 10000", {"limit": ["ต้องอยู่ระหว่าง 1 ถึง 10000"]})
    if filters.offset < 0:
        raise ApiError(400, "offset ต้องไม่ติดลบ", {"offset": ["ต้องไม่ติดลบ"]})
    user = request.user
    ancestor_codes = {c for a in policy.assignments(user) for c in a.orgunit.ancestor_codes()}
    qs = policy.visible_orgunits(user) | OrgUnit.objects.filter(code__in=ancestor_codes)
    if getattr(user, "is_superuser", False):
        qs = OrgUnit.objects.all()
    if filters.parent:
        parent = OrgUnit.objects.filter(code=filters.parent).first()
        if parent is None or not policy.visible_or_ancestor(user, parent):
            raise Http404
        qs = qs.filter(parent=parent)
    if filters.level:
        qs = qs.filter(level=filters.level)
    qs = qs.select_related("parent").order_by("path")
    total = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    items = [orgunit_out(u, u.parent.code if u.parent else None) for u in page]
    return OrgUnitPage(items=items, count=total)
