"""Buddhist-Era dates, Thai month names, Thai digits and the Thai fiscal year.

PyThaiNLP does the formatting; this module only fixes the formats Khomun uses so
that every screen, letter and export writes a date the same way.
"""

import datetime as dt

from pythainlp.util import arabic_digit_to_thai_digit, thai_strftime

BE_OFFSET = 543
ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def be_year(day: dt.date) -> int:
    """The Buddhist-Era year of a date: 2019 CE is 2562 BE."""
    return day.year + BE_OFFSET


def fiscal_year(day: dt.date) -> int:
    """The Thai fiscal year (BE) that a date belongs to: it starts on 1 October."""
    return be_year(day) + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year given in BE: FY2562 is 1 Oct 2018 to 30 Sep 2019."""
    ce = year_be - BE_OFFSET
    return dt.date(ce - 1, 10, 1), dt.date(ce, 9, 30)


def thai_digits(value: object) -> str:
    """Arabic digits to Thai digits, as official letters write them."""
    return arabic_digit_to_thai_digit(str(value))


def format_date(
    day: dt.date, *, short: bool = False, digits: bool = False, lang: str = "th"
) -> str:
    """A date in Buddhist Era: "22 มีนาคม 2562", short "22 มี.ค. 2562", or Thai digits."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if lang == "en":
        month = ENGLISH_MONTHS[day.month - 1]
        return f"{day.day} {month[:3] if short else month} {be_year(day)} BE"
    text = thai_strftime(
        dt.datetime(day.year, day.month, day.day), "%-d %b %Y" if short else "%-d %B %Y"
    )
    return thai_digits(text) if digits else text


def format_datetime(moment: dt.datetime, *, lang: str = "th") -> str:
    """A moment in local time: "22 มี.ค. 2562 14:05"."""
    from django.utils import timezone

    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{format_date(local.date(), short=True, lang=lang)} {local:%H:%M}"
