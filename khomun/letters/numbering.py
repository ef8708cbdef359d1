"""Letter numbers from the office's own register (ทะเบียนหนังสือส่ง).

A number is taken from a counter row, locked for the rest of the transaction
(`select_for_update` on PostgreSQL; on SQLite every write transaction is IMMEDIATE,
so writers queue for the one database lock). The caller stores the Letter in the same
transaction; the unique constraint on (office, year, series, number) is the last guard.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from khomun.letters.choices import Series
from khomun.letters.models import NumberCounter
from khomun.lib.thaidate import be_year, thai_digits
from khomun.orgunits.models import Office


def register_year(day: dt.date) -> int:
    """The register a letter dated `day` is numbered in: Thai offices start again at 1
    every calendar year, on 1 January (BE year)."""
    return be_year(day)


def next_number(office: Office, year: int, series: str) -> int:
    """Take the next number; must run inside the transaction that stores the letter."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside transaction.atomic()")
    counters = NumberCounter.objects.select_for_update().filter(
        office=office, year=year, series=series
    )
    if not counters.exists():
        try:
            with transaction.atomic():  # a savepoint: another writer may create it first
                NumberCounter.objects.create(office=office, year=year, series=series)
        except IntegrityError:
            pass
    counters.update(last=F("last") + 1)
    return counters.get().last


def number_text(code: str, series: str, number: int) -> str:
    """ "ลป ๐๐๑๙.๔/ว ๒๒๖๖๗" for a circular letter, "ชย ๐๐๑๙/๑๐๒๖" for another."""
    circular = "ว " if series == Series.CIRCULAR else ""
    return thai_digits(f"{code}/{circular}{number}")
