from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.accounts.choices import Role
from khomun.accounts.models import User
from khomun.lib import refcache
from khomun.orgunits.models import OrgUnit
from khomun.records.progress import due_for_unit


def _children(unit: OrgUnit) -> list[OrgUnit]:
    """The units right below, with their own number of children (kept by the process)."""
    return refcache.lookup(
        ("children", unit.pk),
        lambda: list(unit.children.annotate(child_count=Count("children")).order_by("code")),
    )


def _children_tiles(unit: OrgUnit) -> str:
    """The home page's tiles of the units right below, rendered once per language and
    kept by the process (a district's two dozen tiles took a third of the page's time)."""
    language = translation.get_language()
    return refcache.lookup(
        ("children_tiles", unit.pk, language),
        lambda: render_to_string("web/_child_tiles.html", {"children": _children(unit)}),
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what the user's roles cover, and the way into their part of the tree."""
    unit = policy.primary_unit(request.user)
    context = {
        "assignments": policy.assignments(request.user),
        "unit": unit,
        "children_tiles": _children_tiles(unit) if unit else "",
        "can_manage_accounts": bool(policy.grantable_roles(request.user)),
        "can_read_audit": policy.audit_scope_paths(request.user) != [],
        "can_edit_catalog": policy.can_edit_catalog(request.user),
        "messaging_unit": _messaging_unit(request.user, unit),
        "has_role": bool(policy.assignments(request.user)),
        "is_admin_role": policy.has_role(request.user, Role.DEPARTMENT_ADMIN, Role.PROVINCE_ADMIN),
        "is_executive": policy.has_role(request.user, Role.EXECUTIVE),
        "due": due_for_unit(unit) if unit else [],
    }
    return render(request, "web/home.html", context)


@login_required
def orgunit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One org unit: its place in the tree, its office and the units below it."""
    unit = policy.get_orgunit_for_user(request.user, code)
    ancestors = [a for a in unit.ancestors() if policy.can_view(request.user, a)]
    children = Paginator(_children(unit), 100).get_page(request.GET.get("page"))
    office = getattr(unit, "office", None)
    accounts = None
    if policy.can_manage_orgunit(request.user, unit):
        accounts = User.objects.filter(roles__orgunit=unit).distinct().count()
    return render(
        request,
        "web/orgunit.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": children,
            "office": office,
            "accounts": accounts,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    """Switch between Thai and English; remembered on the account and in a cookie."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if language in dict(settings.LANGUAGES):
        request.session["khomun_language"] = language
        if isinstance(request.user, User):
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
        )
    return response


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors on purpose: whatever broke may be what they use.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _messaging_unit(user: Any, unit: OrgUnit | None) -> OrgUnit | None:
    """The unit whose reminders, letters and message log the user runs: the department's
    whole country or an admin's own province; None for everyone else."""
    return unit if unit is not None and policy.can_manage_messaging(user, unit) else None
