"""The home page and the monitoring page of a province admin, at national scale.

Server time through the test client (sessions, two-factor, the view, the template);
the floor is the same SQL statements the page ran, replayed through a raw cursor
(what the database alone costs). The number of queries is printed for a small and a
large province: it must not grow with the number of districts.
"""

from __future__ import annotations

from typing import Any

from bench.common import Result, bench_user, data_years, logged_in_client, ms, percentile, timed

SMALL, LARGE = "58", "30"  # Mae Hong Son (7 districts), Nakhon Ratchasima (32)


def _queries(client: Any, url: str) -> list[tuple[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [(q["sql"], None) for q in captured.captured_queries]


def _replay(statements: list[tuple[str, Any]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, _params in statements:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                cursor.execute(sql)
                cursor.fetchall()


def run(reps: int) -> list[Result]:
    from django.db.models import Count

    from khomun.orgunits.models import OrgUnit

    _full, current = data_years()
    districts = dict(
        OrgUnit.objects.filter(code__in=[SMALL, LARGE])
        .annotate(n=Count("children"))
        .values_list("code", "n")
    )
    results = []
    for page, path in (("home", "/"), ("monitoring", f"/monitoring/{current}/{{code}}/")):
        counts, samples, floor = _measure("province_admin", (SMALL, LARGE), path, reps)
        p95 = percentile(samples, 95)
        results.append(
            Result(
                f"{page} page of a province admin ({LARGE}: {districts.get(LARGE)} districts)",
                ms(samples),
                f"its {counts[LARGE]} SQL queries replayed {ms(floor)}",
                p95 / percentile(floor, 95),
                "p95 < 200 ms, queries constant",
                p95 < 200 and counts[SMALL] == counts[LARGE],
                f"queries: {counts[SMALL]} with {districts.get(SMALL)} districts, "
                f"{counts[LARGE]} with {districts.get(LARGE)}",
            )
        )
    results.append(_recorder_home(reps))
    return results


def _measure(
    role: str, codes: tuple[str, str], path: str, reps: int
) -> tuple[dict[str, int], list[float], list[float]]:
    """The page at `path` ("{code}" filled in) for a user of `role` in each unit: its
    number of queries for both, its time and its replayed queries' for the second."""
    counts: dict[str, int] = {}
    for code in codes:
        user = bench_user(f"bench_{role}_{code}", role, code)
        client = logged_in_client(user)
        url = path.format(code=code)
        client.get(url)  # the first read of a period stores its figures (once)
        statements = _queries(client, url)
        counts[code] = len(statements)

    def call() -> None:
        assert client.get(url).status_code == 200

    samples = timed(call, reps)
    floor = timed(lambda: _replay(statements), reps)
    return counts, samples, floor


def _recorder_home(reps: int) -> Result:
    """The due list of a district recorder (what 300 recorders open on deadline day)."""
    # Mueang Mae Hong Son, Mueang Nakhon Ratchasima
    counts, samples, floor = _measure("district_recorder", ("5801", "3001"), "/", reps)
    p95 = percentile(samples, 95)
    return Result(
        "home page (due list) of a district recorder (3001)",
        ms(samples),
        f"its {counts['3001']} SQL queries replayed {ms(floor)}",
        p95 / percentile(floor, 95),
        "p95 < 200 ms, queries constant",
        p95 < 200 and counts["5801"] == counts["3001"],
        f"queries: {counts['5801']} in 5801, {counts['3001']} in 3001",
    )
