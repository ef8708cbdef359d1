"""Export one dataset-year of OTOP sales (about a million rows) to CSV, streamed.

The export runs in a child process (`python -m bench.exports --child`) through the
real path (`excel.exports.export_request` + `export_response`, as the export page
and the API call them) and writes the streamed body to /dev/null; the child reports
its time and its peak memory (VmHWM). The floor is PostgreSQL's
`COPY (SELECT the same rows) TO STDOUT` (on SQLite: fetching the same rows raw).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench.common import ROOT, Result, bench_user, data_years, is_postgres

DATASET = "otop_sales"


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child() -> None:
    from bench import common

    common.configure(sqlite=not os.environ["DATABASE_URL"].startswith("postgres"))
    import django

    django.setup()
    from khomun.excel.exports import export_request, export_response

    full_year, _current = data_years()
    admin = bench_user("bench_dept_admin", "department_admin", "TH")
    started = time.perf_counter()
    req = export_request(admin, dataset_key=DATASET, fiscal_year=full_year, file_format="csv")
    response = export_response(admin, req)
    size = 0
    with open(os.devnull, "wb") as sink:
        for chunk in response.streaming_content:
            size += len(chunk)
            sink.write(chunk)
    seconds = time.perf_counter() - started
    from khomun.excel.models import ExportLog

    rows = ExportLog.objects.order_by("-id").values_list("rows", flat=True).first()
    print(json.dumps({"seconds": seconds, "rows": rows, "bytes": size, "peak_mb": _peak_rss_mb()}))


def _floor(full_year: int) -> float:
    from django.db import connection

    from khomun.schedule.models import Period

    periods = list(
        Period.objects.filter(dataset__key=DATASET, dataset__fiscal_year=full_year).values_list(
            "pk", flat=True
        )
    )
    ids = ",".join(str(p) for p in periods)
    select = (
        'SELECT r.id, r.period_id, r.orgunit_path, r.state, r.complete, r.updated_at, r."values",'
        " s.id, s.name FROM records_record r LEFT JOIN records_subject s ON s.id = r.subject_id"
        f" WHERE r.period_id IN ({ids}) ORDER BY r.period_id, r.orgunit_path, s.name, r.id"
    )
    started = time.perf_counter()
    if is_postgres():
        connection.ensure_connection()
        copy_sql = f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"
        with (
            connection.connection.cursor() as cursor,
            open(os.devnull, "wb") as sink,
            cursor.copy(copy_sql) as copy,
        ):
            for data in copy:
                sink.write(data)
    else:
        with connection.cursor() as cursor:
            cursor.execute(select)
            while cursor.fetchmany(5000):
                pass
    return time.perf_counter() - started


def run() -> Result:
    full_year, _current = data_years()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.exports", "--child"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    floor = _floor(full_year)
    seconds, peak = out["seconds"], out["peak_mb"]
    return Result(
        f"export {DATASET} {full_year} (all periods, country) to CSV, streamed",
        f"{out['rows']:,} rows in {seconds:.1f} s ({out['rows'] / seconds:,.0f} rows/s), "
        f"{out['bytes'] / 1e6:,.0f} MB, peak RSS {peak:.0f} MB",
        f"{'COPY TO' if is_postgres() else 'raw fetch'} of the same rows {floor:.1f} s",
        seconds / floor,
        "< 15 s, peak < 250 MB",
        seconds < 15 and peak < 250,
    )


if __name__ == "__main__" and "--child" in sys.argv:
    child()
