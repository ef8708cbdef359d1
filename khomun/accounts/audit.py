"""Writing and reading the audit trail."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from khomun.accounts import policy
from khomun.accounts.models import AuditEvent, User
from khomun.orgunits.models import under_any


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def _scope_path_of(user: User | None) -> str:
    unit = policy.primary_unit(user) if user is not None else None
    return unit.path if unit else ""


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    target: User | None = None,
    username: str = "",
    **detail: Any,
) -> AuditEvent:
    """Store one audit event. The scope is the target's unit (or the actor's)."""
    subject = target or actor
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        target=target,
        username=username or (subject.username if subject else ""),
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        scope_path=_scope_path_of(subject),
        detail=detail,
    )


def record_personal_read(request: HttpRequest, what: str, orgunit_path: str, **detail: Any) -> None:
    """PDPA: every read of a person's national ID or phone is kept, with the area it
    belongs to so that the province can read its own log."""
    actor = request.user if isinstance(request.user, User) else None
    AuditEvent.objects.create(
        action="personal_data_read",
        actor=actor,
        username=actor.username if actor else "",
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        scope_path=orgunit_path,
        detail={"what": what, **detail},
    )


def events_for(user: Any) -> QuerySet[AuditEvent]:
    """The part of the log a user may read: everything for the department, the own
    province's for a province admin, nothing for anyone else."""
    paths = policy.audit_scope_paths(user)
    qs = AuditEvent.objects.select_related("actor", "target")
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(under_any("scope_path", paths))
