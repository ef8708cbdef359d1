"""A small reminder set-up: OTOP (monthly, due the 10th) and savings groups
(quarterly, due the 20th) are the only published datasets; district 5201 of
Lampang has submitted everything, 5202 of Lampang and 3601 of Chaiyaphum nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from khomun.accounts.choices import Role
from khomun.accounts.models import User
from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Record, Subject
from khomun.schedule.models import Period

KEYS = ("otop_sales", "savings_groups")


def subject(unit_code: str, kind: str, name: str) -> Subject:
    unit = OrgUnit.objects.get(code=unit_code)
    return Subject.objects.create(kind=kind, name=name, orgunit=unit, orgunit_path=unit.path)


def submit_all(item: Subject, dataset: Dataset) -> None:
    """A submitted, complete record of the subject in every period of the dataset."""
    assert dataset.current is not None
    for period in dataset.periods.all():
        Record.objects.create(
            dataset_version=dataset.current,
            period=period,
            orgunit=item.orgunit,
            orgunit_path=item.orgunit_path,
            subject=item,
            state=RecordState.SUBMITTED,
            complete=True,
            submitted_at=timezone.make_aware(dt.datetime.combine(period.start, dt.time(9))),
        )


@pytest.fixture
def reminder_setup(
    catalog_2562: None,
    make_user: Callable[..., User],
    lampang_recorder: User,
    chaiyaphum_recorder: User,
    lampang_admin: User,
) -> dict[str, Any]:
    Dataset.objects.filter(fiscal_year=2562).exclude(key__in=KEYS).update(current=None)
    otop = Dataset.objects.get(fiscal_year=2562, key="otop_sales")
    savings = Dataset.objects.get(fiscal_year=2562, key="savings_groups")
    for code in ("5201", "5202", "3601"):
        subject(code, otop.subject_kind, f"ผู้ผลิต {code}")
        subject(code, savings.subject_kind, f"กลุ่มออมทรัพย์ {code}")
    for item in Subject.objects.filter(orgunit__code="5201"):
        submit_all(item, otop if item.kind == otop.subject_kind else savings)
    return {
        "otop": otop,
        "savings": savings,
        "done": lampang_recorder,
        "recorder_5202": make_user("recorder.5202", Role.DISTRICT_RECORDER, "5202"),
        "head_5202": make_user("head.5202", Role.DISTRICT_HEAD, "5202"),
        "outsider": chaiyaphum_recorder,
        "province_recorder": make_user("recorder.52", Role.PROVINCE_RECORDER, "52"),
        "admin": lampang_admin,
    }


def periods_of(dataset: Dataset) -> list[Period]:
    return list(dataset.periods.order_by("number"))
