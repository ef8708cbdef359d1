"""`{% notification_bell %}`: the header bell with the unread count (one COUNT query)."""

from __future__ import annotations

from typing import Any

from django import template

from khomun.accounts import policy
from khomun.notifications.channels.inapp import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    # Not on the password-change and two-factor steps: nothing behind the bell opens yet.
    if user is None or not user.is_authenticated or policy.pending_account_step(user):
        return {"show": False}
    return {"show": True, "unread": unread_count(user)}
