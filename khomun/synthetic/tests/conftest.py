"""One generated province for the whole module: Lampang (13 districts), FY2561 and
FY2562 (both catalogs), seen from 20 November 2019 when every period is locked.

Generating takes seconds, so it happens once per test module inside an outer
transaction that is rolled back at the end; each test runs in a savepoint on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from khomun.synthetic.generator import Options, Summary, generate

SEED = 2562
TODAY = dt.date(2019, 11, 20)


def lampang_options(**changes: Any) -> Options:
    values: dict[str, Any] = {
        "seed": SEED,
        "years": 2,
        "fiscal_year_end": 2562,
        "province": "52",
        "today": TODAY,
    }
    values.update(changes)
    return Options(**values)


@pytest.fixture(scope="module")
def generated(django_db_setup: None, django_db_blocker: Any) -> Iterator[Summary]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield generate(lampang_options())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
