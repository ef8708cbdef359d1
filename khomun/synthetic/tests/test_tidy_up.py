"""After a load on PostgreSQL, `khomun generate` vacuums what it filled and analyses
every table (the planner misjudged a dataset's periods without statistics).

In a module of its own: the other modules keep a generated province in an outer
transaction whose locks VACUUM would wait for."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from khomun.synthetic.generator import tidy_up

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
def test_after_the_load_the_filled_tables_are_vacuumed_and_analysed(monkeypatch) -> None:
    """Dead row versions left by a national load slowed every index scan 1,000-fold
    (a recorder's due list: 786 ms, 0.3 ms after VACUUM) until autovacuum came by."""
    from khomun.synthetic.management.commands import generate as command

    def counts() -> dict[str, tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT relname, vacuum_count, analyze_count FROM pg_stat_user_tables "
                "WHERE relname IN ('records_record', 'records_subject', 'records_change',"
                " 'schedule_period', 'orgunits_orgunit')"
            )
            return {name: (vacuums, analyses) for name, vacuums, analyses in cursor.fetchall()}

    before = counts()
    tidy_up()  # from inside the test's transaction, as after the command's own
    after = counts()
    filled = {"records_record", "records_subject", "records_change"}
    assert set(after) == filled | {"schedule_period", "orgunits_orgunit"}
    for table, (vacuums, analyses) in after.items():
        assert analyses > before[table][1], (table, before, after)
        if table in filled:
            assert vacuums > before[table][0], (table, before, after)
    # and the command runs it after the load
    ran = []
    monkeypatch.setattr(command, "tidy_up", lambda: ran.append(True))
    call_command(
        "generate",
        *("--scale", "province", "--province", "75", "--years", "1", "--fiscal-year-end", "2562"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert ran == [True]
