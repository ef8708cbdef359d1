"""The data `generate` writes: plausible, valid, shaped like the services' own rows."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from stdnum.th import pin

from khomun.catalog.models import Dataset
from khomun.catalog.validation import validate_values
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Change, Record, Subject
from khomun.records.services import tokens
from khomun.schedule.models import Period
from khomun.synthetic.generator import Summary

pytestmark = pytest.mark.django_db

FY2561 = {
    "community_leaders",
    "orgs_networks",
    "otop_sales",
    "savings_groups",
    "poverty_fund",
    "volunteer_anniversary",
}


def test_it_fills_every_dataset_of_both_catalogs(generated: Summary) -> None:
    for year in (2561, 2562):
        keys = set(Dataset.objects.filter(fiscal_year=year).values_list("key", flat=True))
        written = {key for key, y in generated.by_dataset if y == year}
        assert written == keys
    assert {key for key, y in generated.by_dataset if y == 2561} >= FY2561
    assert Record.objects.count() == generated.records
    assert Subject.objects.count() == generated.subjects


def test_it_sizes_lampang_like_a_thirteen_district_province(generated: Summary) -> None:
    # Lampang has 100 of the country's ~7,250 subdistricts: about 1.4% of each target.
    kinds = Counter(
        Subject.objects.filter(active_from__lte="2019-09-30").values_list("kind", flat=True)
    )
    assert 600 < kinds["otop_producer"] < 2_000
    assert 200 < kinds["savings_group"] < 600
    assert 4_000 < kinds["community_leader"] < 12_000
    assert 300 < kinds["poverty_fund"] < 700
    otop_2562 = generated.by_dataset[("otop_sales", 2562)]
    assert otop_2562 > 10 * kinds["otop_producer"] * 0.8  # twelve months, most recorded


def test_every_district_expects_subjects_and_some_lag_behind(generated: Summary) -> None:
    districts = OrgUnit.objects.filter(level=Level.DISTRICT, code__startswith="52")
    period = Period.objects.get(dataset__fiscal_year=2562, dataset__key="savings_groups", number=2)
    behind = 0
    for district in districts:
        expected = Subject.objects.filter(
            kind="savings_group", orgunit_path__startswith=district.path
        ).count()
        assert expected > 0, district.code
        done = Record.objects.filter(period=period, orgunit=district, complete=True).count()
        behind += done < expected
    assert behind > 0
    states = Counter(Record.objects.values_list("state", flat=True))
    assert states[RecordState.DRAFT] > 0
    assert states[RecordState.SUBMITTED] > states[RecordState.DRAFT]
    assert states[RecordState.APPROVED] > 0
    assert Record.objects.filter(state=RecordState.DRAFT, complete=False).exists()


def test_some_records_are_submitted_late(generated: Summary) -> None:
    records = Record.objects.filter(submitted_at__isnull=False).select_related("period")
    late = [
        r
        for r in records[:5000]
        if r.submitted_at and r.submitted_at.date() > r.period.on_time_until
    ]
    assert 0 < len(late) < 2500


def test_every_generated_record_validates_against_its_version(generated: Summary) -> None:
    checked: Counter[str] = Counter()
    definitions = {}
    for record in Record.objects.select_related("dataset_version__dataset").iterator():
        version = record.dataset_version
        if version.pk not in definitions:
            definitions[version.pk] = version.parsed
        defn = definitions[version.pk]
        submitted = record.state != RecordState.DRAFT
        result = validate_values(defn, record.values, require_all=submitted)
        assert not result.errors, (defn.key, record.values, result.errors)
        assert result.complete == record.complete, (defn.key, record.values)
        assert result.cleaned == record.values, defn.key  # stored as the services clean them
        checked[defn.key] += 1
    assert len(checked) == 13  # 11 datasets of FY2562 and the two FY2561-only ones


def test_records_are_counted_at_the_district_office_like_the_services_do(
    generated: Summary,
) -> None:
    for record in Record.objects.select_related(
        "orgunit", "subject", "period", "dataset_version"
    ).order_by("?")[:300]:
        assert record.orgunit_path == record.orgunit.path
        assert record.dataset_version.dataset_id == record.period.dataset_id
        dataset = record.period.dataset
        assert dataset.current_id == record.dataset_version_id
        if record.subject is None:
            assert record.orgunit.level in dataset.levels
            continue
        assert record.orgunit.level == Level.DISTRICT
        assert record.subject.orgunit_path.startswith(record.orgunit.path)
        assert record.subject.kind == dataset.subject_kind
        assert record.subject.is_active_during(record.period.start, record.period.end)
        assert record.created_at <= record.updated_at
        if record.submitted_at:
            assert record.created_at <= record.submitted_at <= record.updated_at
            assert record.submitted_at.date() <= record.period.lock


def test_no_history_rows_are_written(generated: Summary) -> None:
    assert not Change.objects.exists()


def test_national_ids_are_valid_and_unique_per_kind(generated: Summary) -> None:
    people = Subject.objects.exclude(national_id="").values_list("kind", "national_id")
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, number in people:
        assert pin.is_valid(number), number
        by_kind[kind].append(number)
    assert len(by_kind["community_leader"]) > 4_000
    for kind, numbers in by_kind.items():
        assert len(numbers) == len(set(numbers)), kind
    # The same leader keeps one ID from the FY2561 database into the FY2562 one.
    assert set(by_kind["community_leader"]) & set(by_kind["community_actor"])
    assert not set(by_kind["community_actor"]) & set(by_kind["community_volunteer"])


def test_record_values_name_the_subjects_id(generated: Summary) -> None:
    records = Record.objects.filter(
        period__dataset__key="volunteer_evaluation", period__dataset__fiscal_year=2562
    ).select_related("subject")[:200]
    for record in records:
        assert record.subject is not None
        assert record.values["national_id"] == record.subject.national_id
        assert record.values["village"] == record.subject.orgunit.code


def test_subjects_are_registered_as_the_services_would(generated: Summary) -> None:
    for subject in Subject.objects.select_related("orgunit").order_by("?")[:200]:
        assert subject.orgunit_path == subject.orgunit.path
        assert subject.search_text == tokens(subject.name)
        assert subject.created_by_id is None
        assert subject.active_from is not None
        if subject.dissolved_on:
            assert subject.dissolved_on > subject.active_from


def test_savings_grow_and_otop_sales_peak_in_december(generated: Summary) -> None:
    def total(key: str, field: str, number: int) -> float:
        values = Record.objects.filter(
            period__dataset__key=key, period__dataset__fiscal_year=2562, period__number=number
        ).values_list("values", flat=True)
        return sum(float(v.get(field, 0)) for v in values)

    assert total("savings_groups", "savings_balance", 4) > total(
        "savings_groups", "savings_balance", 1
    )
    december, june = total("otop_sales", "sales_amount", 3), total("otop_sales", "sales_amount", 9)
    assert december > 1.3 * june


def test_villages_are_made_with_the_tree_rules(generated: Summary) -> None:
    villages = OrgUnit.objects.filter(level=Level.VILLAGE, code__startswith="52").select_related(
        "parent"
    )
    assert 700 < villages.count() < 1_500  # about ten per subdistrict
    for village in villages[:300]:
        assert village.parent is not None
        assert village.parent.level == Level.SUBDISTRICT
        assert village.code[:6] == village.parent.code and len(village.code) == 8
        assert village.path == f"{village.parent.path}{village.code}/"
        assert village.has_cdd_office
