"""Completeness figures against a direct count, on generated data (hypothesis)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khomun.catalog.models import Dataset
from khomun.monitoring import completeness
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Record, Subject
from khomun.schedule.models import ProvinceDeadline

DISTRICTS = ["5201", "5202", "5203", "3601"]  # three of Lampang, one outside it
STATES = [s.value for s in RecordState]


def savings(number=1):
    return Dataset.objects.get(fiscal_year=2562, key="savings_groups").periods.get(number=number)


def subdistrict_of(code):
    return OrgUnit.objects.filter(parent__code=code).order_by("code").first()


def moment(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


subject_spec = st.fixed_dictionaries(
    {
        "district": st.sampled_from(DISTRICTS),
        "in_subdistrict": st.booleans(),
        "starts": st.one_of(st.none(), st.integers(-200, 120)),  # days from period start
        "ends": st.one_of(st.none(), st.integers(-120, 200)),  # days from period start
        "merged": st.booleans(),
        "record": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "state": st.sampled_from(STATES),
                    "complete": st.booleans(),
                    "sent": st.integers(-20, 20),  # days from the due date
                    "province_office": st.booleans(),
                }
            ),
        ),
    }
)


def make_data(specs, period, deadline_shift):
    """Subjects and records from the specs; a Lampang deadline `deadline_shift` days early."""
    version = period.dataset.current
    units = {code: OrgUnit.objects.get(code=code) for code in DISTRICTS}
    places = {code: subdistrict_of(code) for code in DISTRICTS}
    lampang = OrgUnit.objects.get(code="52")
    if deadline_shift is not None:
        due = period.due - dt.timedelta(days=deadline_shift)
        ProvinceDeadline.objects.create(period=period, province=lampang, due=due)
    keeper = Subject.objects.create(
        kind="savings_group", name="keeper", orgunit=units["3601"], orgunit_path=units["3601"].path
    )
    for n, spec in enumerate(specs):
        district = units[spec["district"]]
        place = places[spec["district"]] if spec["in_subdistrict"] else district
        start = spec["starts"]
        end = spec["ends"]
        subject = Subject.objects.create(
            kind="savings_group",
            name=f"กลุ่ม {n}",
            orgunit=place,
            orgunit_path=place.path,
            active_from=period.start + dt.timedelta(days=start) if start is not None else None,
            dissolved_on=period.start + dt.timedelta(days=end) if end is not None else None,
            merged_into=keeper if spec["merged"] else None,
        )
        rec = spec["record"]
        if rec is None:
            continue
        office = lampang if rec["province_office"] and district.code[:2] == "52" else district
        sent = rec["state"] in ("submitted", "approved", "returned")
        Record.objects.create(
            dataset_version=version,
            period=period,
            orgunit=office,
            orgunit_path=office.path,
            subject=subject,
            state=rec["state"],
            complete=rec["complete"] or rec["state"] in ("submitted", "approved"),
            submitted_at=moment(period.due + dt.timedelta(days=rec["sent"])) if sent else None,
        )


def direct_count(period, unit, deadline_shift):
    """The figures of `unit` counted in Python, one subject at a time."""

    def last_on_time(record):
        if deadline_shift is not None and record.orgunit_path.startswith("TH/52/"):
            return period.on_time_until - dt.timedelta(days=deadline_shift)
        return period.on_time_until

    expected = [
        s
        for s in Subject.objects.filter(kind="savings_group")
        if s.orgunit_path.startswith(unit.path) and s.is_active_during(period.start, period.end)
    ]
    records = {r.subject_id: r for r in Record.objects.filter(period=period)}
    mine = [records[s.pk] for s in expected if s.pk in records]
    sent = [r for r in mine if r.state in ("submitted", "approved")]
    on_time = [r for r in sent if timezone.localdate(r.submitted_at) <= last_on_time(r)]
    return {
        "expected": len(expected),
        "recorded": len(mine),
        "complete": sum(r.complete for r in mine),
        "submitted": len(sent),
        "approved": sum(r.state == "approved" for r in mine),
        "returned": sum(r.state == "returned" for r in mine),
        "on_time": len(on_time),
        "late": len(sent) - len(on_time),
        "missing": len(expected) - len(mine),
    }


def figures(f):
    return {
        name: getattr(f, name)
        for name in (
            "expected",
            "recorded",
            "complete",
            "submitted",
            "approved",
            "returned",
            "on_time",
            "late",
            "missing",
        )
    }


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(subject_spec, max_size=14),
    deadline_shift=st.one_of(st.none(), st.integers(1, 30)),
)
def test_every_figure_equals_a_direct_count(catalog_2562, specs, deadline_shift):
    period = savings(2)
    with transaction.atomic():
        make_data(specs, period, deadline_shift)
        lampang = OrgUnit.objects.get(code="52")
        result = completeness.for_period(period, lampang)
        assert figures(result.total) == direct_count(period, lampang, deadline_shift)
        assert [c.code for c, _ in result.children][:3] == ["5201", "5202", "5203"]
        for child, f in result.children:
            assert figures(f) == direct_count(period, child, deadline_shift), child.code
        country = completeness.for_period(period, OrgUnit.objects.get(code="TH"))
        by_code = {c.code: f for c, f in country.children}
        for code in ("52", "36"):
            unit = OrgUnit.objects.get(code=code)
            assert figures(by_code[code]) == direct_count(period, unit, deadline_shift)
        assert figures(country.total) == direct_count(period, country.unit, deadline_shift)
        transaction.set_rollback(True)


def test_it_counts_reporting_units_for_datasets_without_subjects(catalog_2562):
    period = Dataset.objects.get(fiscal_year=2562, key="volunteer_anniversary").periods.get()
    lampang = OrgUnit.objects.get(code="52")
    Record.objects.create(
        dataset_version=period.dataset.current,
        period=period,
        orgunit=lampang,
        orgunit_path=lampang.path,
        complete=True,
    )
    country = completeness.for_period(period, OrgUnit.objects.get(code="TH"))
    provinces = OrgUnit.objects.filter(level="province", has_cdd_office=True).count()
    assert country.total.expected == provinces
    assert country.total.recorded == 1 and country.total.complete == 1
    by_code = {c.code: f for c, f in country.children}
    assert (by_code["52"].expected, by_code["52"].recorded, by_code["52"].missing) == (1, 1, 0)
    assert (by_code["36"].expected, by_code["36"].missing) == (1, 1)
    # At the province the province's own record is the total; its districts expect nothing.
    province = completeness.for_period(period, lampang)
    assert province.total.recorded == 1
    assert all(f.expected == 0 for _, f in province.children)


def test_it_colours_by_completeness():
    assert completeness.Figures(expected=4, complete=4).colour == "green"
    assert completeness.Figures(expected=4, complete=2).colour == "amber"
    assert completeness.Figures(expected=4, complete=1).colour == "red"
    assert completeness.Figures().colour == "none"
    assert completeness.Figures(expected=4, recorded=3, complete=2).as_dict()["missing"] == 1


def test_it_lists_missing_and_incomplete_subjects(catalog_2562):
    period = savings(1)
    district = OrgUnit.objects.get(code="5201")
    place = subdistrict_of("5201")
    names = ["ไม่มีข้อมูล", "ร่าง", "ครบ", "ส่งกลับ"]
    subjects = [
        Subject.objects.create(kind="savings_group", name=n, orgunit=place, orgunit_path=place.path)
        for n in names
    ]
    for subject, state, complete in (
        (subjects[1], "draft", False),
        (subjects[2], "draft", True),
        (subjects[3], "returned", False),
    ):
        Record.objects.create(
            dataset_version=period.dataset.current,
            period=period,
            orgunit=district,
            orgunit_path=district.path,
            subject=subject,
            state=state,
            complete=complete,
        )
    found = {g.name: g.status for g in completeness.gaps(period, district)}
    assert found == {"ไม่มีข้อมูล": "missing", "ร่าง": "incomplete", "ส่งกลับ": "returned"}
    assert completeness.gaps(period, OrgUnit.objects.get(code="5202")) == []
