"""Audit receivers for log-in, log-out, failed log-in and lock-out."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from khomun.accounts import audit
from khomun.accounts.choices import AuditAction
from khomun.accounts.models import User


def _known(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if user.language and request is not None and hasattr(request, "session"):
        request.session["khomun_language"] = user.language
    audit.record(AuditAction.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(AuditAction.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        AuditAction.LOGIN_FAILED, request=request, target=_known(username), username=username
    )


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    audit.record(
        AuditAction.LOCKED_OUT, request=request, target=_known(username), username=username or ""
    )
