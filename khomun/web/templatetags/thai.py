"""Template filters for Buddhist-Era dates and Thai digits (built into every template)."""

import datetime as dt

from django import template
from django.utils.translation import get_language

from khomun.lib import thaidate

register = template.Library()


@register.filter
def thaidate_full(value: dt.date | None) -> str:
    """{{ d|thaidate_full }} → "22 มีนาคม 2562" (English UI: "22 March 2562 BE")."""
    if not value:
        return ""
    return thaidate.format_date(value, lang=get_language() or "th")


@register.filter
def thaidate_short(value: dt.date | None) -> str:
    """{{ d|thaidate_short }} → "22 มี.ค. 2562"."""
    if not value:
        return ""
    return thaidate.format_date(value, short=True, lang=get_language() or "th")


@register.filter
def thaidate_official(value: dt.date | None) -> str:
    """{{ d|thaidate_official }} → "๒๒ มีนาคม ๒๕๖๒", as official letters write it."""
    if not value:
        return ""
    return thaidate.format_date(value, digits=True)


@register.filter
def thaidatetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    return thaidate.format_datetime(value, lang=get_language() or "th")


@register.filter
def thaidigits(value: object) -> str:
    return thaidate.thai_digits(value)
