from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from khomun.accounts import policy
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit

register = template.Library()


@register.simple_tag
def letter_reminder_url(user: Any, unit: OrgUnit, fiscal_year: int) -> str:
    """The new-letter page for a province, with the year and this month filled in;
    empty when the user does not send that province's letters."""
    if unit.level != Level.PROVINCE or not policy.can_send_letters(user, unit):
        return ""
    url = reverse("letters:letters_new", args=[unit.code])
    month = timezone.localdate().month
    return f"{url}?type=reminder&fiscal_year={fiscal_year}&month={month}"
