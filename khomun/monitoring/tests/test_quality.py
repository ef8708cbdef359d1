"""Data quality: the robust statistics, and the flags found in savings-group records of
FY2562 periods 1–4 entered through the record services."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khomun.monitoring import quality
from khomun.monitoring.models import QualityFlag
from khomun.monitoring.tests.conftest import complete_values, make_groups, savings_period
from khomun.orgunits.models import OrgUnit
from khomun.records.services import create_subject, save_record

# A day inside each savings period of FY2562 (quarters from October 2018).
IN = {
    1: dt.date(2018, 12, 1),
    2: dt.date(2019, 3, 1),
    3: dt.date(2019, 6, 1),
    4: dt.date(2019, 9, 1),
}

spreads = st.lists(st.floats(min_value=0.85, max_value=1.15), min_size=5, max_size=40)
bases = st.floats(min_value=10, max_value=1e7)


@given(base=bases, factors=spreads)
def test_it_flags_nothing_when_every_value_lies_inside_the_spread(base, factors):
    values = [base * f for f in factors]
    assert all(quality.robust_outlier(v, values) is None for v in values)


@given(
    base=bases,
    factors=spreads,
    data=st.data(),
    times=st.floats(min_value=20, max_value=1000),
)
def test_it_flags_one_value_multiplied_by_twenty_or_more(base, factors, data, times):
    values = [base * f for f in factors]
    i = data.draw(st.integers(min_value=0, max_value=len(values) - 1))
    values[i] *= times
    outlier = quality.robust_outlier(values[i], values)
    assert outlier is not None and outlier.ratio is not None and outlier.ratio > 10
    assert all(quality.robust_outlier(v, values) is None for j, v in enumerate(values) if j != i)


def test_it_uses_the_ratio_to_the_last_value_when_history_is_short():
    assert quality.ratio_outlier(10_000, 1_000) is not None
    assert quality.ratio_outlier(100, 1_000) is not None
    assert quality.ratio_outlier(5_000, 1_000) is None
    assert quality.ratio_outlier(5_000, 0) is None


def _save(actor, group, number, **changes):
    values = {**complete_values(group.name, group.orgunit), **changes}
    return save_record(actor, savings_period(number), values, subject=group, today=IN[number])


def _flags(period_number, code="5201", **filters):
    period = savings_period(period_number)
    quality.refresh_flags(period, OrgUnit.objects.get(code=code))
    return QualityFlag.objects.filter(record__period=period, **filters)


@pytest.mark.django_db
def test_it_flags_the_one_group_whose_savings_are_far_above_its_peers(
    catalog_2562, lampang_recorder
):
    groups = make_groups(lampang_recorder, "5201", 6)
    records = [
        _save(lampang_recorder, g, 1, savings_balance=str(1000 + 50 * n))
        for n, g in enumerate(groups)
    ]
    odd = _save(
        lampang_recorder,
        make_groups(lampang_recorder, "5201", 1, start=7)[0],
        1,
        savings_balance="21000",
    )
    flags = _flags(1, kind=QualityFlag.Kind.PEERS)
    assert [(f.record_id, f.field_key) for f in flags] == [(odd.pk, "savings_balance")]
    detail = flags[0].detail
    assert detail["value"] == 21000 and detail["basis"] == "district" and detail["ratio"] > 10
    assert records[0].pk not in {f.record_id for f in flags}


@pytest.mark.django_db
def test_it_flags_savings_far_from_the_groups_own_history(catalog_2562, lampang_recorder):
    group = make_groups(lampang_recorder, "5201", 1)[0]
    for number, savings in ((1, "1000"), (2, "1100"), (3, "1050")):
        _save(lampang_recorder, group, number, savings_balance=savings)
    assert not _flags(3, kind=QualityFlag.Kind.OWN_HISTORY).exists()
    jump = _save(lampang_recorder, group, 4, savings_balance="25000")
    flag = _flags(4, kind=QualityFlag.Kind.OWN_HISTORY).get()
    assert (flag.record_id, flag.field_key) == (jump.pk, "savings_balance")
    assert flag.detail["basis"] == "history" and flag.detail["median"] == 1050


@pytest.mark.django_db
def test_it_compares_with_the_last_value_when_there_is_little_history(
    catalog_2562, lampang_recorder
):
    group = make_groups(lampang_recorder, "5201", 1)[0]
    _save(lampang_recorder, group, 1, savings_balance="1000")
    _save(lampang_recorder, group, 2, savings_balance="10000")
    flag = _flags(2, kind=QualityFlag.Kind.OWN_HISTORY).get()
    assert flag.detail["basis"] == "last" and flag.detail["ratio"] == 10


@pytest.mark.django_db
def test_it_flags_a_record_identical_to_the_previous_period(catalog_2562, lampang_recorder):
    same, changed = make_groups(lampang_recorder, "5201", 2)
    for group in (same, changed):
        _save(lampang_recorder, group, 1)
    unchanged = _save(lampang_recorder, same, 2)
    _save(lampang_recorder, changed, 2, savings_balance="1200")
    flags = _flags(2, kind=QualityFlag.Kind.UNCHANGED)
    assert [f.record_id for f in flags] == [unchanged.pk]
    assert not _flags(1, kind=QualityFlag.Kind.UNCHANGED).exists()  # nothing before it


@pytest.mark.django_db
def test_it_flags_groups_with_the_same_name_in_the_same_district(
    catalog_2562, lampang_recorder, make_user
):
    first = make_groups(lampang_recorder, "5201", 1)[0]
    other_village = make_groups(lampang_recorder, "5201", 1, start=2)[0].orgunit
    twin = create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=other_village,
        name=first.name.replace(" ", "  "),
        confirm_duplicate=True,
    )
    elsewhere = make_user("muang.lampang2", "district_recorder", "5202")
    far = make_groups(elsewhere, "5202", 1)[0]
    far.name = first.name
    far.save()
    records = [_save(lampang_recorder, s, 1) for s in (first, twin)]
    _save(elsewhere, far, 1)
    flags = _flags(1, code="52", kind=QualityFlag.Kind.DUPLICATE)
    assert sorted(f.record_id for f in flags) == sorted(r.pk for r in records)
    assert flags.get(record=records[0]).detail["others"][0]["id"] == twin.pk


@pytest.mark.django_db
def test_refreshing_keeps_decided_flags_and_drops_open_ones_that_no_longer_apply(
    catalog_2562, lampang_recorder
):
    group = make_groups(lampang_recorder, "5201", 1)[0]
    _save(lampang_recorder, group, 1, savings_balance="1000")
    record = _save(lampang_recorder, group, 2, savings_balance="10000")
    flag = _flags(2).get(kind=QualityFlag.Kind.OWN_HISTORY)
    flag.status = QualityFlag.Status.CONFIRMED
    flag.save()
    assert _flags(2).get(kind=QualityFlag.Kind.OWN_HISTORY).status == "confirmed"
    flag.delete()
    assert _flags(2).filter(kind=QualityFlag.Kind.OWN_HISTORY).exists()  # found again, open
    save_record(
        lampang_recorder,
        record.period,
        {**record.values, "savings_balance": "1100"},
        record=record,
        expected_version=record.version,
        today=IN[2],
    )
    assert not _flags(2).filter(kind=QualityFlag.Kind.OWN_HISTORY).exists()


@pytest.mark.django_db
def test_the_explanation_names_the_field_the_amount_and_the_times(catalog_2562):
    defn = savings_period(1).dataset.current.parsed
    flag = QualityFlag(
        kind=QualityFlag.Kind.PEERS,
        field_key="savings_balance",
        detail={"value": 1_500_000, "median": 125_000, "mad": 1, "ratio": 12, "basis": "district"},
    )
    assert quality.explain(flag, defn) == (
        "เงินสัจจะสะสมทรัพย์คงเหลืองวดนี้ 1,500,000 บาท สูงกว่าค่ากลางของกลุ่มเดียวกันในอำเภอ 12 เท่า"
    )
    flag.detail = {"value": 100, "median": 1000, "basis": "last"}
    assert quality.explain(flag, defn) == (
        "เงินสัจจะสะสมทรัพย์คงเหลืองวดนี้ 100 บาท ต่ำกว่างวดก่อน (1,000 บาท) 10 เท่า"
    )
