"""Import a 100,000-row .xlsx of OTOP sales for one district and one open period.

The file is written with XlsxWriter (new producers in the district's villages: the
heaviest case, a subject, a record and their history per row) and imported through
the real path: `excel.imports.start_import`, which checks the upload and hands the
job to the Celery task (run inline here, as without a broker). The floor is
PostgreSQL COPY of the same subjects and records (SQLite: executemany INSERT).
Everything is rolled back afterwards.
"""

from __future__ import annotations

import io
import json
import random
import time
from typing import Any

from bench.common import Result, bench_user, is_postgres, rolled_back

DISTRICT = "5201"


def build_xlsx(rows: int, villages: list[str]) -> bytes:
    import xlsxwriter

    from khomun.catalog.models import Dataset

    defn = Dataset.objects.filter(key="otop_sales", current__isnull=False).latest("fiscal_year")
    fields = defn.current.parsed.fields  # type: ignore[union-attr]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("ข้อมูล")
    sheet.write_row(0, 0, [f.label_th for f in fields])
    rng = random.Random(7)
    for i in range(1, rows + 1):
        amount = rng.randint(5_000, 200_000)
        values = {
            "producer_name": f"กลุ่มผู้ผลิตทดสอบที่ {i}",
            "producer_type": "วิสาหกิจชุมชน",
            "village": villages[i % len(villages)],
            "product_name": "ผ้าฝ้ายทอมือ",
            "product_category": "ผ้าและเครื่องแต่งกาย",
            "star_rating": "3 ดาว",
            "sales_channels": "จำหน่ายที่แหล่งผลิต/ในชุมชน, ออนไลน์",
            "sales_amount": amount,
            "sales_online": amount // 10,
            "sales_fair": 0,
        }
        sheet.write_row(i, 0, [values.get(f.key) for f in fields])
    book.close()
    return out.getvalue()


def _copy_floor(rows: int, villages: list[Any], period: Any) -> float:
    """COPY (PostgreSQL) or executemany (SQLite) of `rows` subjects and their records."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    version = period.dataset.current_id
    office = villages[0].path.split("/")[2]
    from khomun.orgunits.models import OrgUnit

    office_unit = OrgUnit.objects.get(code=office)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM records_subject")
        first = cursor.fetchone()[0] + 1_000_000
    subjects = [
        (
            first + i,
            "otop_producer",
            f"กลุ่มผู้ผลิตทดสอบที่ {i}",
            f"กลุ่ม ผู้ ผลิต ทดสอบ ที่ {i}",
            villages[i % len(villages)].pk,
            villages[i % len(villages)].path,
            "",
            "{}",
            now,
            now,
        )
        for i in range(rows)
    ]
    values = json.dumps({"sales_amount": "1000.00", "producer_name": "x"}, ensure_ascii=False)
    records = [
        (version, period.pk, office_unit.pk, office_unit.path, first + i, values, now, now)
        + ("draft", True, 1, "")
        for i in range(rows)
    ]
    s_cols = (
        "id, kind, name, search_text, orgunit_id, orgunit_path, national_id, attributes,"
        " created_at, updated_at"
    )
    r_cols = (
        'dataset_version_id, period_id, orgunit_id, orgunit_path, subject_id, "values",'
        " created_at, updated_at, state, complete, version, return_comment"
    )
    started = time.perf_counter()
    if is_postgres():
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY records_subject ({s_cols}) FROM STDIN") as copy:
                for row in subjects:
                    copy.write_row(row)
            with cursor.copy(f"COPY records_record ({r_cols}) FROM STDIN") as copy:
                for row in records:
                    copy.write_row(row)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO records_subject ({s_cols}, active_from, dissolved_on) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL)",
                subjects,
            )
            cursor.executemany(
                f"INSERT INTO records_record ({r_cols})"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                records,
            )
    return time.perf_counter() - started


def run(rows: int) -> Result:
    from bench.api import _open_period
    from khomun.api.records_endpoints import period_for_input  # noqa: F401 (app loaded)
    from khomun.excel.imports import start_import
    from khomun.orgunits.models import OrgUnit
    from khomun.records.models import Record

    period = _open_period("otop_sales")
    unit = OrgUnit.objects.get(code=DISTRICT)
    villages = list(OrgUnit.objects.filter(level="village", path__startswith=unit.path))
    user = bench_user(f"bench_recorder_{DISTRICT}", "district_recorder", DISTRICT)
    started = time.perf_counter()
    content = build_xlsx(rows, [v.code for v in villages])
    built = time.perf_counter() - started
    # The district's records of the period only: other benchmarks may write elsewhere.
    in_district = Record.objects.filter(period=period, orgunit_path__startswith=unit.path)
    before = in_district.count()
    with rolled_back():
        started = time.perf_counter()
        job = start_import(user, period, unit, "otop-100k.xlsx", content)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        stored = in_district.count() - before
    with rolled_back():
        floor = _copy_floor(rows, villages, period)
    ok = job.state == "done" and stored == rows
    rate = rows / seconds
    return Result(
        f"import {rows:,}-row .xlsx (new OTOP producers, {DISTRICT}, {period})",
        f"{rate:,.0f} rows/s ({seconds:.1f} s; file {len(content) / 1e6:.1f} MB built in "
        f"{built:.1f} s)",
        f"{'COPY' if is_postgres() else 'executemany INSERT'} of the same subjects and records "
        f"{floor:.1f} s ({rows / floor:,.0f} rows/s)",
        seconds / floor,
        ">= 5,000 rows/s",
        ok and rate >= 5000,
        f"job {job.state}, {stored:,} records stored" + ("" if ok else f": {job.message}"),
    )
