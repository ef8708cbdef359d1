"""Every factory gives values that the catalog's own validation accepts, for many
subjects and every period of both shipped catalogs (no database needed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from khomun.catalog.definition import DatasetDefinition, load_year, parse_definition
from khomun.catalog.services import definition_data
from khomun.catalog.validation import validate_values
from khomun.schedule import rules
from khomun.schedule.services import _rule_data
from khomun.synthetic import values as factories
from khomun.synthetic.plan import Area, District, Plan, village_layout
from khomun.synthetic.population import Entity, build, populations_of

TODAY = dt.date(2019, 11, 20)


def lampang_plan(years: list[int]) -> Plan:
    subdistricts = [
        Area(f"5201{n:02d}", f"เวียง{n}", f"TH/52/5201/5201{n:02d}/", 100 + n) for n in range(1, 13)
    ]
    district = District(1, "5201", "TH/52/5201/", "เมืองลำปาง", "52", subdistricts)
    district.villages = [v for s in subdistricts for v in village_layout(s)]
    return Plan(9, years, TODAY, [district], {"52": (2, "TH/52/", "ลำปาง")}, {})


def entities_for(plan: Plan, kind: str) -> list[Entity]:
    district = plan.districts[0]
    found = []
    for name in populations_of(kind):
        plan.shares[name] = {"5201": 60}
        found += build(plan, name, district, "ลำปาง", 0)
    return found


def periods(defn: DatasetDefinition) -> list[factories.PeriodInfo]:
    rule = rules.parse_rule(_rule_data(defn))
    specs = rules.generate_periods(rule, defn.fiscal_year)
    year = defn.fiscal_year
    return [
        factories.PeriodInfo(year, s.number, len(specs), s.start, s.end, s.due, TODAY)
        for s in specs
    ]


@pytest.mark.parametrize("year", [2561, 2562])
def test_every_factory_makes_valid_values_for_every_period(year: int) -> None:
    plan = lampang_plan([year])
    rng = random.Random(1)
    for defn in load_year(year):
        for info in periods(defn):
            if defn.subject is None:
                made = [factories.volunteer_anniversary("ลำปาง", info, rng, province=True)]
            else:
                factory = factories.FACTORIES[defn.key]
                made = [factory(e, info, rng) for e in entities_for(plan, defn.subject.kind)]
                assert len(made) >= 10, defn.key
            for values in made:
                result = validate_values(defn, values, require_all=True)
                assert not result.errors, (defn.key, values, result.errors)
                assert result.cleaned == values, defn.key


def test_identity_names_the_subject_as_the_services_would() -> None:
    defn = next(d for d in load_year(2562) if d.key == "leaders_orgs_networks")
    values = {"first_name": "สมชาย", "last_name": "ใจดี", "village": "52010101"}
    values["national_id"] = "3520100001230"
    name, attributes, national_id = factories.identity(defn, values)
    assert name == "สมชาย ใจดี"
    assert attributes["first_name"] == "สมชาย" and attributes["org_name"] is None
    identity_keys = {f.key for f in defn.fields if f.identity}
    assert set(attributes) == identity_keys
    expected_id = "3520100001230" if "national_id" in identity_keys else ""
    assert national_id == expected_id


def test_an_unknown_dataset_gets_valid_generic_values() -> None:
    base = next(d for d in load_year(2562) if d.key == "savings_groups")
    data = definition_data(base)
    data["key"] = "new_dataset"
    data["subject"]["kind"] = "new_kind"
    defn = parse_definition(data, "new_dataset.yaml")
    plan = lampang_plan([2562])
    info = periods(defn)[0]
    factory = factories.factory_for(defn)
    rng = random.Random(3)
    for e in entities_for(plan, "new_kind"):
        result = validate_values(defn, factory(e, info, rng), require_all=True)
        assert not result.errors


def test_conform_repairs_values_when_a_year_changed_the_fields() -> None:
    base = next(d for d in load_year(2562) if d.key == "otop_sales")
    extra = dataclasses.replace(
        base.fields[0],
        key="employees",
        type="integer",
        label_th="จำนวนลูกจ้าง",
        required=True,
        identity=False,
        max_length=None,
        min=1,
        max=50,
    )
    kept = tuple(f for f in base.fields if f.key != "star_rating")
    defn = dataclasses.replace(base, fields=(*kept, extra))  # one field gone, one new
    plan = lampang_plan([2562])
    info = periods(base)[0]
    rng = random.Random(5)
    for e in entities_for(plan, "otop_producer")[:30]:
        values = factories.conform(defn, factories.otop_sales(e, info, rng), e, info, rng)
        result = validate_values(defn, values, require_all=True)
        assert not result.errors
        assert "star_rating" not in values and 1 <= values["employees"] <= 50


def test_money_is_written_as_cleaned_text() -> None:
    assert factories.baht(123456) == "1234.56"
    assert factories.baht(5) == "0.05"
    assert factories.baht(-150000) == "-1500.00"
