"""API benchmarks: completeness of the whole country, and saving one record.

Server time is measured in-process through Django's test client (the whole
middleware stack and the API, no network).
"""

from __future__ import annotations

import json
import time
from typing import Any

from bench.common import Result, bench_token, bench_user, data_years, ms, percentile, timed

COMPLETENESS_DATASET = "otop_sales"
COMPLETENESS_PERIOD = 6  # March: a whole month, every habit of every district in it


def _raw_completeness(period: Any) -> list[tuple[Any, ...]]:
    """The floor: one hand-written SQL query counting what /completeness counts for the
    country (per province: expected, recorded, complete, submitted, approved, returned,
    on time by the period's own date)."""
    from django.db import connection

    from khomun.monitoring.completeness import _end_of

    kind = period.dataset.subject_kind
    active = (
        "s.kind = %(kind)s AND s.merged_into_id IS NULL AND s.orgunit_path LIKE 'TH/%%' "
        "AND (s.active_from IS NULL OR s.active_from <= %(end)s) "
        "AND (s.dissolved_on IS NULL OR s.dissolved_on >= %(start)s)"
    )
    sql = f"""
        WITH expected AS (
            SELECT substr(s.orgunit_path, 1, 6) AS g, count(*) AS n
            FROM records_subject s WHERE {active} GROUP BY 1
        ), done AS (
            SELECT substr(s.orgunit_path, 1, 6) AS g, count(*) AS recorded,
                   sum(CASE WHEN r.complete THEN 1 ELSE 0 END) AS complete,
                   sum(CASE WHEN r.state IN ('submitted', 'approved') THEN 1 ELSE 0 END) AS sub,
                   sum(CASE WHEN r.state = 'approved' THEN 1 ELSE 0 END) AS approved,
                   sum(CASE WHEN r.state = 'returned' THEN 1 ELSE 0 END) AS returned,
                   sum(CASE WHEN r.state IN ('submitted', 'approved')
                            AND r.submitted_at < %(limit)s THEN 1 ELSE 0 END) AS on_time
            FROM records_record r JOIN records_subject s ON s.id = r.subject_id
            WHERE r.period_id = %(period)s AND {active} GROUP BY 1
        )
        SELECT e.g, e.n, d.recorded, d.complete, d.sub, d.approved, d.returned, d.on_time
        FROM expected e LEFT JOIN done d ON d.g = e.g ORDER BY e.g
    """
    params = {
        "kind": kind,
        "start": period.start,
        "end": period.end,
        "period": period.pk,
        "limit": _end_of(period.on_time_until),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def completeness(reps: int) -> list[Result]:
    from django.test import Client

    from khomun.schedule.models import Period

    full_year, _current = data_years()
    admin = bench_user("bench_dept_admin", "department_admin", "TH")
    token = bench_token(admin)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = (
        f"/api/v1/completeness?dataset={COMPLETENESS_DATASET}&fiscal_year={full_year}"
        f"&period={COMPLETENESS_PERIOD}"
    )
    period = Period.objects.select_related("dataset").get(
        dataset__key=COMPLETENESS_DATASET,
        dataset__fiscal_year=full_year,
        number=COMPLETENESS_PERIOD,
    )

    def call() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]

    api = timed(call, reps)
    raw = timed(lambda: _raw_completeness(period), reps)
    same = _same_as_raw(client.get(url).json(), period)
    ratio = percentile(api, 95) / percentile(raw, 95)
    p95 = percentile(api, 95)
    name = f"completeness API, country, {COMPLETENESS_DATASET} {full_year} p{COMPLETENESS_PERIOD}"
    body = client.get(url).json()
    steady = Result(
        name,
        ms(api),
        f"raw SQL {ms(raw)}",
        ratio,
        "p95 < 150 ms and <= 2x raw",
        p95 < 150 and ratio <= 2 and same,
        f"expected {body['expected']:,}, recorded {body['recorded']:,}, "
        + ("every province equal to the raw query" if same else "DIFFERS from the raw query!"),
    )
    # Deadline day: between two reads, saves have made some districts' stored figures
    # stale (`summary.touch`, what every save does); the read recounts their provinces.
    after = _after_writes(call, period, reps)
    same = _same_as_raw(client.get(url).json(), period)
    ratio = percentile(after, 95) / percentile(raw, 95)
    stale = Result(
        name + f", after saves in {STALE_DISTRICTS} districts",
        ms(after),
        f"raw SQL {ms(raw)}",
        ratio,
        "p95 < 150 ms and <= 2x raw",
        percentile(after, 95) < 150 and ratio <= 2 and same,
        "every province equal to the raw query" if same else "DIFFERS from the raw query!",
    )
    return [steady, stale]


STALE_DISTRICTS = 5


def _after_writes(call: Any, period: Any, reps: int) -> list[float]:
    """Server time of a read after saves in a few random districts (outside the timing)."""
    import random

    from khomun.monitoring import summary
    from khomun.orgunits.models import OrgUnit

    districts = list(
        OrgUnit.objects.filter(level="district", has_cdd_office=True).values_list("path", flat=True)
    )
    rng = random.Random(5)

    def saves_elsewhere() -> None:
        summary.touch((period.pk, path) for path in rng.sample(districts, STALE_DISTRICTS))

    return timed(call, reps, warmup=0, before=saves_elsewhere)


def _same_as_raw(body: dict[str, Any], period: Any) -> bool:
    """Every province's figures from the API equal the raw query's."""
    names = ("expected", "recorded", "complete", "submitted", "approved", "returned", "on_time")
    raw = {row[0]: tuple(value or 0 for value in row[1:]) for row in _raw_completeness(period)}
    api = {
        f"TH/{child['orgunit']}/": tuple(child[name] for name in names)
        for child in body["children"]
        if child["expected"]
    }
    return api == raw


def _open_period(key: str) -> Any:
    from django.utils import timezone

    from khomun.schedule.models import Period

    today = timezone.localdate()
    _full, current = data_years()
    return (
        Period.objects.select_related("dataset")
        .filter(dataset__key=key, dataset__fiscal_year=current, start__lte=today, lock__gte=today)
        .order_by("-number")  # the newest open period: the fewest records so far
        .first()
    )


def otop_values(village: str, amount: int) -> dict[str, Any]:
    return {
        "producer_name": "กลุ่มทอผ้าบ้านทดสอบ",
        "producer_type": "community_enterprise",
        "village": village,
        "product_name": "ผ้าฝ้ายทอมือ",
        "product_category": "textile",
        "star_rating": "3",
        "sales_channels": ["local", "online"],
        "sales_amount": f"{amount}.00",
        "sales_online": "1000.00",
        "sales_fair": "0.00",
    }


def save(reps: int) -> Result:
    """POST /api/v1/records for producers without a record in an open period, against a
    bare INSERT of the same row; everything is rolled back afterwards."""
    from django.db import connection
    from django.test import Client

    from khomun.orgunits.models import OrgUnit
    from khomun.records.models import Record, Subject

    period = _open_period("otop_sales")
    if period is None:
        return Result("save record API", "-", "-", None, "p95 < 25 ms", False, "no open period")
    done = Record.objects.filter(period=period).values("subject_id")
    # Producers of Lampang without a record in the period, each saved by its district's recorder.
    free = list(
        Subject.objects.filter(kind="otop_producer", orgunit_path__startswith="TH/52/")
        .exclude(pk__in=done)
        .filter(merged_into__isnull=True, dissolved_on__isnull=True)
        .order_by("orgunit_path", "pk")
        .values_list("pk", "orgunit__code")[: 2 * reps + 20]
    )
    if len(free) < 2 * reps + 10:
        return Result("save record API", "-", "-", None, "p95 < 25 ms", False, "too few subjects")
    clients: dict[str, Any] = {}
    for _pk, village in free:
        district = village[:4]
        if district not in clients:
            recorder = bench_user(f"bench_recorder_{district}", "district_recorder", district)
            clients[district] = Client(HTTP_AUTHORIZATION=f"Bearer {bench_token(recorder)}")
    api_subjects, raw_subjects = free[: reps + 5], free[reps + 5 :]
    version_id = period.dataset.current_id
    unit_id = OrgUnit.objects.get(code="5201").pk  # any unit: the floor checks nothing
    samples: list[float] = []
    floor: list[float] = []
    created: list[int] = []
    try:
        for index, (subject_id, village) in enumerate(api_subjects):
            payload = {
                "dataset": "otop_sales",
                "fiscal_year": period.dataset.fiscal_year,
                "period": period.number,
                "subject": subject_id,
                "values": otop_values(village, 20000 + index),
            }
            started = time.perf_counter()
            response = clients[village[:4]].post(
                "/api/v1/records", json.dumps(payload), content_type="application/json"
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 201, response.content[:400]
            created.append(response.json()["id"])
            if index >= 5:  # warm-up
                samples.append(elapsed)
        sql = (
            "INSERT INTO records_record (dataset_version_id, period_id, orgunit_id, orgunit_path,"
            ' subject_id, "values", state, complete, version, return_comment, created_at,'
            " updated_at) VALUES (%s, %s, %s, %s, %s, %s, 'draft', true, 1, '', %s, %s)"
            " RETURNING id"
        )
        from django.utils import timezone

        with connection.cursor() as cursor:
            for index, (subject_id, village) in enumerate(raw_subjects):
                now = timezone.now()
                values = json.dumps(otop_values(village, 20000 + index), ensure_ascii=False)
                started = time.perf_counter()
                cursor.execute(
                    sql,
                    [version_id, period.pk, unit_id, "TH/52/5201/", subject_id, values, now, now],
                )
                created.append(cursor.fetchone()[0])
                elapsed = (time.perf_counter() - started) * 1000
                if index >= 5:
                    floor.append(elapsed)
    finally:  # the bench data stays as generated
        from khomun.records.models import Change

        Change.objects.filter(entity="record", entity_id__in=created).delete()
        Record.objects.filter(pk__in=created).delete()
    p95 = percentile(samples, 95)
    return Result(
        f"save one record, POST /api/v1/records ({period})",
        ms(samples),
        f"bare INSERT {ms(floor)}",
        p95 / percentile(floor, 95),
        "p95 < 25 ms",
        p95 < 25,
        "each save and each INSERT committed (autocommit); removed afterwards",
    )
