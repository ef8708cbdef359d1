"""`khomun generate`: refuses to run twice, appends, resets, and repeats itself by seed."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from khomun.records.models import Record, Subject
from khomun.synthetic.generator import Options, generate
from khomun.synthetic.models import GeneratedRun
from khomun.synthetic.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def small(**changes: Any) -> Options:
    """Samut Songkhram (3 districts), FY2562 only: a run of a second or two."""
    values: dict[str, Any] = {
        "seed": 7,
        "years": 1,
        "fiscal_year_end": 2562,
        "province": "75",
        "today": TODAY,
        "stream": io.StringIO(),
    }
    values.update(changes)
    return Options(**values)


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The data without its ids, in id order."""
    subjects = list(
        Subject.objects.order_by("id").values_list(
            "kind",
            "name",
            "orgunit__code",
            "national_id",
            "attributes",
            "active_from",
            "dissolved_on",
        )
    )
    records = list(
        Record.objects.order_by("id").values_list(
            "period__dataset__key",
            "period__number",
            "subject__name",
            "orgunit__code",
            "values",
            "state",
            "complete",
            "version",
            "created_at",
            "submitted_at",
        )
    )
    return subjects, records


def test_it_refuses_to_run_into_generated_data() -> None:
    generate(small())
    before = Record.objects.count()
    with pytest.raises(CommandError, match="มีข้อมูลจำลองอยู่แล้ว.*--append.*--reset"):
        call_command("generate", "--scale", "province", "--province", "75", stderr=io.StringIO())
    assert Record.objects.count() == before
    assert GeneratedRun.objects.count() == 1


def test_the_same_seed_gives_the_same_data() -> None:
    first_summary = generate(small())
    first = snapshot()
    summary = generate(small(reset=True))
    assert summary.records == first_summary.records > 1000
    assert snapshot() == first
    assert GeneratedRun.objects.count() == 1


def test_another_seed_gives_other_data() -> None:
    generate(small())
    first = snapshot()
    generate(small(seed=8, reset=True))
    second = snapshot()
    assert first[1] != second[1]
    # The villages and the district shares are the country's, so sizes stay close.
    assert abs(len(first[1]) - len(second[1])) < 0.2 * len(first[1])


def test_append_adds_a_second_set_with_other_people() -> None:
    first = generate(small())
    second = generate(small(append=True))
    assert GeneratedRun.objects.count() == 2
    assert second.run.first_record_id > first.run.last_record_id
    ids = list(Subject.objects.exclude(national_id="").values_list("kind", "national_id"))
    assert len(ids) == len(set(ids))
    assert Record.objects.count() == first.records + second.records


def test_reset_removes_what_earlier_runs_wrote_and_nothing_else(
    lampang_data: dict[str, Any],
) -> None:
    generate(small())
    generate(small(append=True))
    summary = generate(small(reset=True))
    assert GeneratedRun.objects.count() == 1
    assert Record.objects.count() == summary.records + 1  # and the fixture's own record
    assert Record.objects.filter(pk=lampang_data["lampang_record"]).exists()


def test_the_command_prints_counts_and_a_progress_bar() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate",
        "--scale",
        "province",
        "--province",
        "75",
        "--years",
        "1",
        "--fiscal-year-end",
        "2562",
        "--today",
        "2019-11-20",
        "--seed",
        "3",
        stdout=out,
        stderr=err,
    )
    assert "records" in err.getvalue() and "left" in err.getvalue()
    assert "2562 otop_sales:" in out.getvalue()
    assert GeneratedRun.objects.get().seed == 3


def test_it_rejects_a_bad_province_code() -> None:
    with pytest.raises(CommandError, match="รหัสจังหวัด"):
        call_command("generate", "--scale", "province", "--province", "Lampang")


def test_the_current_year_is_only_partly_recorded() -> None:
    today = dt.date(2019, 5, 15)  # FY2562, half way
    generate(small(fiscal_year_end=None, today=today))
    assert not Record.objects.filter(period__start__gt=today).exists()
    assert not Record.objects.filter(created_at__date__gt=today).exists()
    assert not Record.objects.filter(submitted_at__date__gt=today).exists()
    otop = Record.objects.filter(period__dataset__key="otop_sales")
    march = otop.filter(period__number=6)  # locked since 10 May
    april = otop.filter(period__number=7)  # due 10 May, open until 9 June: late ones to come
    may = otop.filter(period__number=8)  # the month is not over: nothing to record yet
    assert 0 < april.count() < march.count()
    assert not may.exists()
    assert not Record.objects.filter(period__dataset__key="leaders_orgs_networks").exists()
    assert not Subject.objects.filter(active_from__gt=today).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk mode is for PostgreSQL")
def test_bulk_mode_rebuilds_every_index_and_foreign_key() -> None:
    def schema() -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename IN ('records_record', 'records_subject') ORDER BY 1"
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid "
                "IN ('records_record'::regclass, 'records_subject'::regclass) ORDER BY 1"
            )
            return indexes + cursor.fetchall()

    before = schema()
    summary = generate(small(bulk=True))
    assert summary.records > 1000
    assert schema() == before
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_value FROM pg_sequences WHERE sequencename LIKE 'records_record%'"
        )
        assert cursor.fetchone()[0] >= summary.run.last_record_id
    # The app's next ids come after the generated ones.
    some = Record.objects.exclude(subject=None).select_related("subject").first()
    assert some is not None and some.subject is not None
    subject = Subject.objects.create(
        kind=some.subject.kind, name="ใหม่", orgunit=some.subject.orgunit, orgunit_path="TH/"
    )
    record = Record.objects.create(
        dataset_version_id=some.dataset_version_id,
        period_id=some.period_id,
        orgunit_id=some.orgunit_id,
        orgunit_path=some.orgunit_path,
        subject=subject,
    )
    assert subject.pk > summary.run.last_subject_id
    assert record.pk > summary.run.last_record_id
