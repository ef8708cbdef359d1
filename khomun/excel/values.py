"""A stored value as a spreadsheet shows it, for templates and exports alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from khomun.catalog.definition import FieldDef
from khomun.lib.thaidate import be_year

YES = {"th": "ใช่", "en": "yes"}
NO = {"th": "ไม่ใช่", "en": "no"}


def lang_of(language: str | None) -> str:
    return "en" if language == "en" else "th"


def choice_label(f: FieldDef, value: object, lang: str) -> str:
    for choice in f.choices:
        if choice.value == value:
            return choice.label_en if lang == "en" and choice.label_en else choice.label_th
    return "" if value is None else str(value)


def boolean_words(lang: str) -> list[str]:
    return [YES[lang], NO[lang]]


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def date_text(value: object, lang: str) -> str:
    """ "20/03/2562" (Buddhist Era) in Thai, "20/03/2019" in English: both import back."""
    day = as_date(value)
    if day is None:
        return "" if value is None else str(value)
    year = day.year if lang == "en" else be_year(day)
    return f"{day.day:02d}/{day.month:02d}/{year}"


def as_number(value: object) -> int | float | None:
    """A number for a spreadsheet cell (money is stored as text such as "1234.50")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def text_value(f: FieldDef, value: object, lang: str) -> object:
    """The value as the user reads it: labels for choices, ใช่/ไม่ใช่, numbers as numbers."""
    if value is None or value == "" or value == []:
        return None
    if f.type == "choice":
        return choice_label(f, value, lang)
    if f.type == "multichoice":
        items = value if isinstance(value, list) else [value]
        return ", ".join(choice_label(f, v, lang) for v in items)
    if f.type == "boolean":
        return YES[lang] if value else NO[lang]
    if f.type in ("integer", "money", "decimal"):
        number = as_number(value)
        return number if number is not None else str(value)
    return value
