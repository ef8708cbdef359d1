"""Changing the reminder rules: the department's defaults and a province's overrides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from khomun.accounts import policy
from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import ReminderRule
from khomun.schedule.reminders import BUILT_IN, Offsets
from khomun.schedule.services import ScheduleError

DEFAULT = "default"
PROVINCE = "province"
BUILT_IN_SOURCE = "built_in"


@dataclass(frozen=True)
class RuleRow:
    """A dataset as the rules page shows it: the rule in force and where it comes from."""

    dataset: Dataset
    default: Offsets
    default_source: str  # DEFAULT or BUILT_IN_SOURCE
    override: Offsets | None

    @property
    def effective(self) -> Offsets:
        return self.override or self.default

    @property
    def source(self) -> str:
        return PROVINCE if self.override else self.default_source


def rule_rows(datasets: list[Dataset], province: OrgUnit | None) -> list[RuleRow]:
    """One row per dataset with its default and (for a province) its override: one query."""
    keys = {d.key for d in datasets}
    mine = Q(province__isnull=True) | (Q(province=province) if province else Q(pk__in=[]))
    rows = ReminderRule.objects.filter(mine, dataset_key__in=keys)
    defaults = {r.dataset_key: r for r in rows if r.province_id is None}
    overrides = {r.dataset_key: r for r in rows if province and r.province_id == province.pk}
    result = []
    for d in datasets:
        default = defaults.get(d.key)
        override = overrides.get(d.key)
        result.append(
            RuleRow(
                dataset=d,
                default=Offsets.of(default) if default else BUILT_IN,
                default_source=DEFAULT if default else BUILT_IN_SOURCE,
                override=Offsets.of(override) if override else None,
            )
        )
    return result


def _save(actor: Any, key: str, province: OrgUnit | None, values: dict[str, Any]) -> ReminderRule:
    if not Dataset.objects.filter(key=key).exists():
        raise ScheduleError("ไม่พบฐานข้อมูลนี้", "dataset")
    fields = {
        "days_before": sorted(set(values["days_before"]), reverse=True),
        "on_due_day": bool(values["on_due_day"]),
        "days_after": sorted(set(values["days_after"])),
        "weekly_until_lock": bool(values["weekly_until_lock"]),
        "enabled": bool(values["enabled"]),
        "updated_by": actor,
    }
    with transaction.atomic():
        rule, _created = ReminderRule.objects.update_or_create(
            dataset_key=key, province=province, defaults=fields
        )
    return rule


def set_default_rule(actor: Any, key: str, values: dict[str, Any]) -> ReminderRule:
    if not policy.can_edit_default_reminders(actor):
        raise ScheduleError("ท่านไม่มีสิทธิ์แก้ไขการเตือนของกรม", "province")
    return _save(actor, key, None, values)


def set_province_rule(
    actor: Any, province: OrgUnit, key: str, values: dict[str, Any]
) -> ReminderRule:
    if not policy.can_manage_province_messaging(actor, province):
        raise ScheduleError("ท่านไม่มีสิทธิ์แก้ไขการเตือนของจังหวัดนี้", "province")
    return _save(actor, key, province, values)


def remove_province_rule(actor: Any, province: OrgUnit, key: str) -> None:
    """Back to the department's default for this dataset."""
    if not policy.can_manage_province_messaging(actor, province):
        raise ScheduleError("ท่านไม่มีสิทธิ์แก้ไขการเตือนของจังหวัดนี้", "province")
    ReminderRule.objects.filter(dataset_key=key, province=province).delete()
