"""The stored completeness figures (`monitoring.summary`) equal a live count after
every kind of write, never keep a count a concurrent writer made stale, and are
checked and repaired by `khomun figures check`."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khomun.monitoring import approval, summary
from khomun.monitoring.completeness import figures_by_prefix, figures_by_prefix_live
from khomun.monitoring.models import AreaFigures
from khomun.monitoring.tests.conftest import (
    AFTER_DUE,
    IN_PERIOD,
    make_groups,
    record_group,
    savings_period,
)
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records.models import Record
from khomun.records.services import (
    delete_record,
    dissolve_subject,
    merge_subjects,
    save_record,
    submit_record,
    update_subject,
)
from khomun.schedule.services import set_province_deadline


def nonzero(groups):
    return {
        period_id: {key: f for key, f in by_key.items() if any(vars(f).values())}
        for period_id, by_key in groups.items()
    }


def assert_same_as_live(periods):
    """Stored figures, summed for the country and for Lampang, equal a live count."""
    country = OrgUnit.objects.get(level="country")
    lampang = OrgUnit.objects.get(code="52")
    for unit, prefix in ((country, 6), (country, 11), (lampang, 11)):
        stored = nonzero(figures_by_prefix(periods, unit, prefix))
        live = nonzero(figures_by_prefix_live(periods, unit, prefix))
        assert stored == live, (unit.code, prefix)
    return nonzero(figures_by_prefix(periods, country, 11))


@pytest.fixture
def periods(catalog_2562):
    return [savings_period(1), savings_period(2)]


def test_area_of_a_path():
    assert summary.area_of("TH/52/5201/520101/52010101/") == "TH/52/5201/"
    assert summary.area_of("TH/52/5201/") == "TH/52/5201/"
    assert summary.area_of("TH/52/") == "TH/52/"
    assert summary.area_of("TH/") == "TH/"


def test_every_kind_of_write_keeps_the_stored_figures_equal_to_a_live_count(
    periods, lampang_recorder, lampang_admin, chaiyaphum_recorder, district_head
):
    assert_same_as_live(periods)  # builds the (empty) periods
    assert AreaFigures.objects.filter(area=summary.MARKER).count() == 2

    groups = make_groups(lampang_recorder, "5201", 4)
    (far,) = make_groups(chaiyaphum_recorder, "3601", 1)
    figures = assert_same_as_live(periods)
    assert figures[periods[0].pk]["TH/52/5201/"].expected == 4

    records = [record_group(lampang_recorder, g) for g in groups[:3]]
    record_group(chaiyaphum_recorder, far)
    figures = assert_same_as_live(periods)
    assert figures[periods[0].pk]["TH/52/5201/"].recorded == 3

    # a change to an incomplete draft, then a submission, an approval and a return
    draft = save_record(
        lampang_recorder, None, {"group_name": groups[2].name}, record=records[2], today=IN_PERIOD
    )
    assert_same_as_live(periods)
    submitted = submit_record(lampang_recorder, records[0], today=AFTER_DUE)
    figures = assert_same_as_live(periods)
    assert figures[periods[0].pk]["TH/52/5201/"].late == 1
    approval.approve_record(lampang_admin, submitted)
    assert_same_as_live(periods)
    submit_record(lampang_recorder, records[1], today=IN_PERIOD)
    approval.return_record(lampang_admin, Record.objects.get(pk=records[1].pk), "ยอดเงินออมผิด")
    assert_same_as_live(periods)
    delete_record(lampang_recorder, draft, today=IN_PERIOD)
    assert_same_as_live(periods)

    # the province's own earlier deadline moves the submission from on time to late
    submit_record(lampang_recorder, Record.objects.get(pk=records[1].pk), today=IN_PERIOD)
    set_province_deadline(
        lampang_admin, periods[0], OrgUnit.objects.get(code="52"), IN_PERIOD - dt.timedelta(days=5)
    )
    figures = assert_same_as_live(periods)
    assert figures[periods[0].pk]["TH/52/5201/"].on_time == 0

    # subjects: moved to another district, dissolved, merged
    subdistrict = OrgUnit.objects.filter(parent__code="5202").order_by("code").first()
    elsewhere = get_or_create_village(subdistrict.code, 1, "บ้านใหม่")
    update_subject(lampang_admin, groups[3], name=groups[3].name, orgunit=elsewhere)
    figures = assert_same_as_live(periods)
    assert figures[periods[0].pk]["TH/52/5202/"].expected == 1
    dissolve_subject(lampang_admin, groups[2], dt.date(2018, 11, 1))
    assert_same_as_live(periods)
    merge_subjects(lampang_admin, groups[0], groups[2])
    assert_same_as_live(periods)

    # a period's dates, changed by the department
    period = periods[1]
    period.start = dt.date(2018, 10, 1)
    period.save()
    assert_same_as_live(periods)


def test_a_read_with_nothing_stale_counts_no_records(periods, lampang_recorder):
    for group in make_groups(lampang_recorder, "5201", 3):
        record_group(lampang_recorder, group)
    country = OrgUnit.objects.get(level="country")
    figures_by_prefix(periods, country, 11)  # builds (keeping the rows the writes made)
    figures_by_prefix(periods, country, 11)  # recounts those rows
    with CaptureQueriesContext(connection) as queries:
        figures = figures_by_prefix(periods, country, 11)
    assert figures[periods[0].pk]["TH/52/5201/"].recorded == 3
    assert len(queries.captured_queries) == 1
    assert "records_record" not in queries.captured_queries[0]["sql"]


def test_a_write_during_a_recount_leaves_the_row_stale(periods, lampang_recorder, monkeypatch):
    """A recount that started before a write must not store its older count as current."""
    groups = make_groups(lampang_recorder, "5201", 2)
    record_group(lampang_recorder, groups[0])
    country = OrgUnit.objects.get(level="country")
    figures_by_prefix(periods, country, 11)
    record_group(lampang_recorder, groups[1], period=periods[1])  # stale: recounted next read

    count = summary._live

    def count_then_someone_saves(*args, **kwargs):
        result = count(*args, **kwargs)
        monkeypatch.setattr(summary, "_live", count)
        record_group(lampang_recorder, groups[1])  # after the count, before the store
        return result

    monkeypatch.setattr(summary, "_live", count_then_someone_saves)
    before = figures_by_prefix(periods, country, 11)[periods[0].pk]["TH/52/5201/"]
    assert before.recorded == 1  # what the reader counted
    row = AreaFigures.objects.get(period=periods[0], area="TH/52/5201/")
    assert row.built_version != row.version
    after = figures_by_prefix(periods, country, 11)[periods[0].pk]["TH/52/5201/"]
    assert after.recorded == 2
    assert_same_as_live(periods)


def test_the_check_finds_and_repairs_a_write_that_bypassed_the_hooks(
    periods, lampang_recorder, capsys
):
    for group in make_groups(lampang_recorder, "5201", 2):
        record_group(lampang_recorder, group)
    assert_same_as_live(periods)
    call_command("figures", "check")
    assert "ไม่ตรง 0 แถว" in capsys.readouterr().out

    Record.objects.update(complete=False)  # a queryset update that tells nobody
    with pytest.raises(SystemExit) as exited:
        call_command("figures", "check", "--fiscal-year", "2562")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "TH/52/5201/: complete 2→0" in out and "ไม่ตรง 1 แถว" in out

    with pytest.raises(SystemExit):
        call_command("figures", "check", "--repair")
    assert "ซ่อมแล้ว" in capsys.readouterr().out
    assert_same_as_live(periods)
    call_command("figures", "check")
    assert "ไม่ตรง 0 แถว" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify"], "คำสั่ง: ต้องเป็น check"),
        (["check", "--fiscal-year", "abc"], "--fiscal-year: ต้องเป็นปีงบประมาณ"),
        (["check", "--fiscal-year", "1999"], "--fiscal-year: ปีงบประมาณต้องเป็น พ.ศ."),
    ],
)
def test_the_check_command_refuses_bad_arguments_in_thai(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("figures", *args)


def test_the_nightly_task_repairs_this_years_figures(periods, lampang_recorder, time_machine):
    from khomun.monitoring.tasks import check_area_figures

    time_machine.move_to(dt.datetime(2018, 12, 2, 2, 30))
    (group,) = make_groups(lampang_recorder, "5201", 1)
    record_group(lampang_recorder, group)
    assert_same_as_live(periods)
    assert check_area_figures() == 0
    Record.objects.update(complete=False)
    assert check_area_figures() == 1
    assert_same_as_live(periods)
    assert check_area_figures() == 0


def test_a_new_village_keeps_the_stored_figures_and_a_unit_change_marks_its_datasets(
    periods, lampang_recorder
):
    from khomun.catalog.models import Dataset

    anniversary = list(
        Dataset.objects.get(fiscal_year=2562, key="volunteer_anniversary").periods.all()
    )
    every = [*periods, *anniversary]
    assert_same_as_live(every)
    stored = AreaFigures.objects.count()
    subdistrict = OrgUnit.objects.filter(parent__code="5201").order_by("code").first()
    get_or_create_village(subdistrict.code, 42, "บ้านใหม่")  # made when a subject is registered
    assert AreaFigures.objects.count() == stored  # nothing dropped: no rebuild of the country
    # a province's office closes: its anniversary report is no longer expected
    lampang = OrgUnit.objects.get(code="52")
    before = assert_same_as_live(every)[anniversary[0].pk]["TH/52/"].expected
    lampang.has_cdd_office = False
    lampang.save()
    after = assert_same_as_live(every)[anniversary[0].pk]
    assert before == 1 and "TH/52/" not in after
