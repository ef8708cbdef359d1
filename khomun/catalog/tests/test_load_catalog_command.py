"""`khomun load_catalog YEAR [--from YEAR]`: idempotent, carries a year forward."""

import copy
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khomun.catalog.models import Dataset, DatasetVersion
from khomun.catalog.services import save_version
from khomun.records.models import Record
from khomun.schedule.models import Period

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_catalog", *args, stdout=out)
    return out.getvalue()


def test_it_loads_a_year_and_says_what_it_did(no_catalog, orgtree):
    assert "ปีงบประมาณ 2562: ใหม่ 11, ปรับปรุง 0, ไม่เปลี่ยนแปลง 0" in run("2562")
    assert Dataset.objects.filter(fiscal_year=2562, current__isnull=False).count() == 11


def test_a_second_run_stores_nothing_new(orgtree):
    run("2562")
    versions, periods = DatasetVersion.objects.count(), Period.objects.count()
    assert "ใหม่ 0, ปรับปรุง 0, ไม่เปลี่ยนแปลง 11" in run("2562")
    assert (DatasetVersion.objects.count(), Period.objects.count()) == (versions, periods)


def test_it_loads_the_2561_variants(orgtree):
    run("2561")
    keys = set(Dataset.objects.filter(fiscal_year=2561).values_list("key", flat=True))
    assert {"community_leaders", "orgs_networks"} <= keys
    assert "leaders_orgs_networks" not in keys
    fund = Dataset.objects.get(fiscal_year=2561, key="fund_management")
    assert [p.due for p in fund.periods.all()] == [dt.date(2018, 9, 30)]


def test_carrying_forward_makes_the_new_years_periods_on_the_new_calendar(orgtree):
    assert "ปีงบประมาณ 2570: ใหม่ 11" in run("2570", "--from", "2562")
    otop = Dataset.objects.get(fiscal_year=2570, key="otop_sales")
    periods = list(otop.periods.all())
    assert len(periods) == 12
    assert (periods[0].start, periods[0].due) == (dt.date(2026, 10, 1), dt.date(2026, 11, 10))
    assert periods[0].label_th == "งวดที่ 1 (ต.ค. 2569)"
    savings = Dataset.objects.get(fiscal_year=2570, key="savings_groups")
    assert savings.periods.get(number=1).due == dt.date(2026, 12, 20)
    assert "ไม่เปลี่ยนแปลง 11" in run("2570", "--from", "2562")


def test_a_changed_field_in_the_new_year_leaves_earlier_records_on_their_version(lampang_data):
    run("2570", "--from", "2562")
    record = Record.objects.get(pk=lampang_data["lampang_record"])
    before = record.dataset_version_id
    dataset = Dataset.objects.get(fiscal_year=2570, key="savings_groups")
    data = copy.deepcopy(dataset.current.definition)
    data["fields"] = [f for f in data["fields"] if f["key"] != "profit"]
    save_version(2570, data)
    record.refresh_from_db()
    assert record.dataset_version_id == before
    assert record.dataset_version.dataset.fiscal_year == 2562
    assert "profit" in record.dataset_version.parsed.field_keys
    dataset.refresh_from_db()
    assert "profit" not in dataset.current.parsed.field_keys


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["62"], "fiscal_year: ปีงบประมาณต้องเป็น พ.ศ."),
        (["2570", "--from", "2019"], "--from: ปีงบประมาณต้องเป็น พ.ศ."),
        (["2599"], "ไม่มีโฟลเดอร์นิยามฐานข้อมูลของปีงบประมาณ 2599"),
        (["2570", "--from", "2590"], "ปีงบประมาณ 2590 ยังไม่มีฐานข้อมูลที่ประกาศใช้"),
    ],
)
def test_it_refuses_a_bad_year_in_thai(no_catalog, orgtree, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Dataset.objects.exists()
