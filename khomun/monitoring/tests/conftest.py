"""Monitoring fixtures: savings groups of Lampang's districts with records in FY2562
period 1 (due 20 Dec 2561, locked after 19 Jan 2562), entered through the services."""

import datetime as dt

import pytest

from khomun.accounts.choices import Role
from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records.services import create_subject, save_record

IN_PERIOD = dt.date(2018, 12, 1)  # savings period 1 open, before its due date
AFTER_DUE = dt.date(2019, 1, 5)  # late, but before the lock
AFTER_LOCK = dt.date(2019, 1, 25)


def savings_period(number=1):
    return Dataset.objects.get(fiscal_year=2562, key="savings_groups").periods.get(number=number)


def complete_values(name, village):
    return {
        "group_name": name,
        "village": village.code,
        "members_male": 10,
        "members_female": 10,
        "members": 20,
        "savings_balance": "1000",
        "loans_outstanding": "500",
    }


def make_groups(actor, district_code, count, *, start=1):
    """`count` savings groups in villages of the first subdistrict of a district."""
    subdistrict = OrgUnit.objects.filter(parent__code=district_code).order_by("code").first()
    groups = []
    for n in range(start, start + count):
        village = get_or_create_village(subdistrict.code, n, f"บ้านทดสอบ {n}")
        name = f"กลุ่มออมทรัพย์ {district_code}-{n}"
        groups.append(create_subject(actor, kind="savings_group", orgunit=village, name=name))
    return groups


def record_group(actor, group, *, complete=True, period=None, today=IN_PERIOD):
    values = complete_values(group.name, group.orgunit)
    if not complete:
        values = {"group_name": group.name}
    return save_record(actor, period or savings_period(), values, subject=group, today=today)


@pytest.fixture
def district_head(make_user):
    return make_user("head.muang.lampang", Role.DISTRICT_HEAD, "5201")


@pytest.fixture
def chaiyaphum_admin(make_user):
    return make_user("chaiyaphum.admin", Role.PROVINCE_ADMIN, "36")


@pytest.fixture
def muang(catalog_2562, lampang_recorder):
    """Mueang Lampang: four groups, two recorded complete, one incomplete, one missing."""
    groups = make_groups(lampang_recorder, "5201", 4)
    complete = [record_group(lampang_recorder, g) for g in groups[:2]]
    draft = record_group(lampang_recorder, groups[2], complete=False)
    assert all(r.complete for r in complete) and not draft.complete
    return {"groups": groups, "complete": complete, "draft": draft}
