"""Realistic, valid values for one record of each dataset of the catalog.

A factory takes the subject (an `Entity` with its fixed traits), the period and a
random stream, and returns the values as `catalog.validation.validate_values` would
clean them: money as text with 2 decimals ("1234.50"), dates as ISO text, choices
as their values, multichoice as a list in the definition's order. Sums are made in
satang (integers) so that the cross-field rules hold exactly.

Trends are functions of time, not of the previous record, so that a missing record
never changes the next one: savings grow a few percent a year, OTOP sales follow
the season (high in December and April, low in the rainy months) with a dip in the
COVID years, sufficiency villages improve. A dataset the generator does not know
(one a department officer adds later) gets `generic_values`, made from its field
types; `conform` repairs values when a known dataset's fields were changed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from khomun.catalog.definition import DatasetDefinition, FieldDef
from khomun.catalog.validation import is_empty, validate_values
from khomun.synthetic import vocab
from khomun.synthetic.plan import between
from khomun.synthetic.population import Entity

Values = dict[str, Any]
# The reference point of the trends: the first day of FY2562 (1 October 2018).
EPOCH = dt.date(2018, 10, 1)
BE = 543
# OTOP sales by calendar month: New-Year gifts and the December OTOP fair, Songkran,
# the August mid-year fair; the rainy season is slow.
OTOP_SEASON = {
    1: 1.10,
    2: 1.00,
    3: 1.05,
    4: 1.18,
    5: 0.86,
    6: 0.80,
    7: 0.80,
    8: 1.08,
    9: 0.86,
    10: 0.92,
    11: 1.00,
    12: 1.45,
}
FAIR_MONTHS = {8: 0.30, 12: 0.35, 1: 0.15}


@dataclass(frozen=True)
class PeriodInfo:
    """What a factory needs of a period: its dates and where it sits in time."""

    fiscal_year: int
    number: int
    count: int  # periods in the fiscal year
    start: dt.date
    end: dt.date
    due: dt.date
    today: dt.date
    # Years from the reference point to the end of the period (negative before it).
    years: float = field(init=False)
    month: int = field(init=False)  # calendar month of the period's end

    def __post_init__(self) -> None:
        object.__setattr__(self, "years", (self.end - EPOCH).days / 365.25)
        object.__setattr__(self, "month", self.end.month)

    def day_between(self, rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
        """A day in [first, last], never after today."""
        last = min(last, self.today)
        first = min(first, last)
        return first + dt.timedelta(days=between(rng, 0, (last - first).days))


Factory = Callable[[Entity, PeriodInfo, random.Random], Values]


# ---------------------------------------------------------------- small helpers


def baht(satang: int) -> str:
    """Satang as cleaned money text: 123456 -> "1234.56"."""
    sign = "-" if satang < 0 else ""
    satang = abs(satang)
    return f"{sign}{satang // 100}.{satang % 100:02d}"


def satang(amount_baht: float) -> int:
    return max(int(round(amount_baht * 100)), 0)


def noise(rng: random.Random, spread: float) -> float:
    """A multiplicative noise around 1 (log-normal)."""
    return math.exp(rng.gauss(0.0, spread))


def phone(rng: random.Random) -> str:
    return rng.choice(("08", "09", "06")) + f"{rng.randrange(10**8):08d}"


def pick_some(rng: random.Random, choices: tuple[str, ...], low: int, high: int) -> list[str]:
    """Between low and high of the choices, kept in the definition's order."""
    chosen = set(rng.sample(choices, rng.randint(low, min(high, len(choices)))))
    return [c for c in choices if c in chosen]


def person_fields(e: Entity, with_type: bool) -> Values:
    t = e.traits
    values: Values = {"record_type": "person"} if with_type else {}
    values.update(
        title=t["title"],
        first_name=t["first_name"],
        last_name=t["last_name"],
        national_id=e.national_id,
        birth_date=t["birth_date"],
    )
    if t.get("phone"):
        values["phone"] = t["phone"]
    return values


# ---------------------------------------------------------------- the datasets


def otop_sales(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    years = p.years
    covid = 0.72 if COVID_START <= p.end <= COVID_END else 1.0
    trend = (1 + t["growth"]) ** years
    amount = satang(t["base_sales"] * trend * OTOP_SEASON[p.month] * covid * noise(rng, 0.22))
    if rng.random() < 0.01:
        amount = 0  # a month without sales (illness, flood)
    online_from = t["online_from"]
    online = online_from is not None and years >= online_from
    channels = t["channels_online"] if online else t["channels"]
    values: Values = {
        "producer_name": t["producer_name"],
        "producer_type": t["producer_type"],
        "village": e.unit.code,
        "product_name": t["product_name"],
        "product_category": t["category"],
        "star_rating": STARS[min(5, t["stars"] + (years > t["star_up"]))],
        "sales_channels": list(channels),
        "sales_amount": baht(amount),
    }
    if "online" in channels:
        share = min(0.05 + 0.035 * max(years, 0), 0.45) * noise(rng, 0.3)
        values["sales_online"] = baht(int(amount * min(share, 0.5)))
    if "fair" in channels:
        values["sales_fair"] = baht(int(amount * FAIR_MONTHS.get(p.month, 0.04)))
    return values


COVID_START, COVID_END = dt.date(2020, 3, 1), dt.date(2021, 9, 30)
STARS = ("0", "1", "2", "3", "4", "5")


def savings_groups(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    age = p.years - t["since"]  # years since founding (or since the reference point)
    members = max(15, round(t["members"] + t["drift"] * max(age, 0) + between(rng, -2, 2)))
    male = round(members * t["male_share"])
    saved = max(t["balance"] + t["annual"] * age, t["annual"] * 0.2)
    balance = satang(saved * noise(rng, 0.02))
    welfare = int(balance * t["welfare_share"])
    loans = int((balance + welfare) * t["loan_ratio"] * rng.uniform(0.96, 1.0))
    quarter_interest = loans * 0.03 * rng.uniform(0.6, 1.05)
    profit = int(quarter_interest - balance * 0.002) if rng.random() > 0.03 else -satang(1500)
    ratio_ok = t["loan_ratio"] < 0.85
    level = "3" if ratio_ok and profit > 0 else ("2" if profit > 0 else "1")
    return {
        "group_name": t["name"],
        "village": e.unit.code,
        "founded_date": t["founded_date"],
        "members_male": male,
        "members_female": members - male,
        "members": members,
        "committee_size": min(t["committee"], members),
        "monthly_pledged_savings": baht(members * t["pledge"] * 100),
        "savings_balance": baht(balance),
        "welfare_fund": baht(welfare),
        "loans_outstanding": baht(loans),
        "new_loans": baht(int(loans * rng.uniform(0.12, 0.35))),
        "borrowing_members": round(members * rng.uniform(0.3, 0.7)),
        "profit": baht(profit),
        "health_level": level,
    }


def poverty_fund(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    age = max(p.fiscal_year - t["year_received"], 0)
    capital = satang(280_000 * (1 + t["growth"]) ** age)
    lent = int(capital * min(t["lent_ratio"] * rng.uniform(0.95, 1.05), 0.97))
    borrowing = min(t["target"], max(1, round(t["target"] * rng.uniform(0.5, 0.95))))
    overdue = round(borrowing * t["overdue_rate"] * rng.uniform(0.5, 1.3))
    overdue = min(overdue, borrowing)
    on_time = max(borrowing - overdue - rng.randint(0, 2), 0)
    return {
        "fund_name": t["name"],
        "village": e.unit.code,
        "year_received": t["year_received"],
        "capital": baht(capital),
        "cash_at_bank": baht(capital - lent),
        "lent_out": baht(lent),
        "households_target": t["target"],
        "households_borrowing": borrowing,
        "repaid_on_time": on_time,
        "overdue_households": overdue,
        "overdue_amount": baht(int(lent * overdue / max(borrowing, 1) * rng.uniform(0.4, 0.9))),
        "committee_size": t["committee"],
        "status": t["status"],
    }


def mother_land_fund(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    age = max(p.fiscal_year - t["year"], 0)
    score = max(0, min(100, round(t["score"] + 1.2 * max(p.years, 0) + rng.gauss(0, 4))))
    level = "good" if score >= 80 else ("fair" if score >= 60 else "improve")
    members = t["members"] + rng.randint(-3, 6)
    return {
        "village": e.unit.code,
        "fund_name": t["name"],
        "year_established": t["year"],
        "capital": baht(satang(t["capital"] * (1.04**age) * noise(rng, 0.05))),
        "members": members,
        "committee_size": min(t["committee"], members),
        "activities_count": rng.randint(2, 18),
        "drug_free_village": rng.random() < 0.72,
        "health_score": score,
        "health_level": level,
    }


# The 23 indicators of a sufficiency-economy village, per area.
SUFFICIENCY_AREAS = (
    ("area_mind_society", 6),
    ("area_economy", 6),
    ("area_learning", 6),
    ("area_environment", 5),
)


def sufficiency_village(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    passed = max(10, min(23, round(t["base"] + 0.45 * max(p.years, 0) + rng.gauss(0, 0.8))))
    areas = {key: top for key, top in SUFFICIENCY_AREAS}
    failed = 23 - passed
    while failed:
        key = rng.choice([k for k, left in areas.items() if left > 0])
        areas[key] -= 1
        failed -= 1
    level = "3" if passed >= 22 else ("2" if passed >= 17 else "1")
    values: Values = {
        "village": e.unit.code,
        "village_name": t["name"],
        "assessment_date": p.day_between(rng, p.end - dt.timedelta(days=75), p.end).isoformat(),
        "households": t["households"],
        **areas,
        "indicators_passed": passed,
        "result_level": level,
        "model_village": level == "3" and t["model"],
    }
    return values


def fund_management(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    age = max(p.years - t["since"], 0.0)
    capital = satang(t["capital"] * (1 + t["growth"]) ** age * noise(rng, 0.03))
    loans = int(capital * t["loan_ratio"] * rng.uniform(0.95, 1.0))
    return {
        "centre_name": t["name"],
        "location": e.unit.code,
        "founded_date": t["founded_date"],
        "member_funds": t["funds"] + int(age // 3),
        "members": t["members"] + round(age * t["members"] * 0.02),
        "total_capital": baht(capital),
        "loans_outstanding": baht(loans),
        "debts_restructured": baht(int(loans * rng.uniform(0.0, 0.12))),
        "profit": baht(int(loans * rng.uniform(-0.005, 0.04))),
        "has_debt_plan": t["debt_plan"],
        "assessment_level": t["level"],
    }


def fund_networks(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    age = max(p.years - t["since"], 0.0)
    return {
        "network_name": t["name"],
        "network_level": t["level"],
        "area": t["area"],
        "founded_date": t["founded_date"],
        "member_organisations": t["members"] + int(age * 2),
        "committee_size": t["committee"],
        "network_fund": baht(satang(t["fund"] * (1.05**age) * noise(rng, 0.05))),
        "activities": list(t["activities"]),
        "coordinator_name": t["chair"],
        "coordinator_phone": t["phone"],
    }


def volunteer_evaluation(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    scores = [max(5, min(25, round(t["skill"] + rng.gauss(0, 2.5)))) for _ in range(4)]
    total = sum(scores)
    if total >= 90:
        result = "excellent"
    elif total >= 75:
        result = "good"
    else:
        result = "fair" if total >= 60 else "improve"
    values = person_fields(e, with_type=False)
    values.update(
        volunteer_role=t["role"],
        village=e.unit.code,
        year_appointed=t["appointed"],
        score_duties=scores[0],
        score_participation=scores[1],
        score_coordination=scores[2],
        score_leadership=scores[3],
        total_score=total,
        result=result,
        continue_term=result != "improve" or rng.random() < 0.5,
    )
    return values


def development_standard(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    t = e.traits
    values: Values = {"applicant_type": t["type"], "applicant_name": t["name"]}
    if t["type"] == "person":
        values["national_id"] = e.national_id
    values["village"] = e.unit.code
    values["application_date"] = t["applied"]
    if p.number < p.count:
        values["stage"] = "assessed" if rng.random() < 0.2 else "applied"
        if values["stage"] == "assessed":
            values["assessment_score"] = f"{rng.uniform(55, 95):.2f}"
        return values
    stage = t["outcome"]
    values["stage"] = stage
    if stage == "certified":
        values["assessment_score"] = f"{rng.uniform(70, 98):.2f}"
        first = max(p.start, dt.date.fromisoformat(t["applied"]))
        values["certified_date"] = p.day_between(rng, first, p.end).isoformat()
    elif stage == "not_certified":
        values["assessment_score"] = f"{rng.uniform(40, 69.99):.2f}"
    else:
        values["assessment_score"] = f"{rng.uniform(55, 90):.2f}"
    return values


def _organisation(e: Entity, with_type: bool, rng: random.Random) -> Values:
    t = e.traits
    values: Values = {"record_type": t["record_type"]} if with_type else {}
    values.update(
        org_name=t["name"],
        org_type=t["org_type"],
        founded_date=t["founded_date"],
        members=max(3, t["members"] + rng.randint(-2, 3)),
        chair_name=t["chair"],
        activities=vocab.ORG_ACTIVITIES[t["org_type"]],
        village=e.unit.code,
    )
    if t.get("phone"):
        values["phone"] = t["phone"]
    return values


def _leader(e: Entity, with_type: bool) -> Values:
    t = e.traits
    values = person_fields(e, with_type=with_type)
    values["positions"] = list(t["positions"])
    if t["trainings"]:
        values["trainings"] = list(t["trainings"])
    values["village"] = e.unit.code
    return values


def leaders_orgs_networks(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    if e.population == "leaders":
        return _leader(e, with_type=True)
    return _organisation(e, with_type=True, rng=rng)


def community_leaders(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    return _leader(e, with_type=False)


def orgs_networks(e: Entity, p: PeriodInfo, rng: random.Random) -> Values:
    return _organisation(e, with_type=True, rng=rng)


FACTORIES: dict[str, Factory] = {
    "otop_sales": otop_sales,
    "savings_groups": savings_groups,
    "poverty_fund": poverty_fund,
    "mother_land_fund": mother_land_fund,
    "sufficiency_village": sufficiency_village,
    "fund_management": fund_management,
    "fund_networks": fund_networks,
    "volunteer_evaluation": volunteer_evaluation,
    "development_standard": development_standard,
    "leaders_orgs_networks": leaders_orgs_networks,
    "community_leaders": community_leaders,
    "orgs_networks": orgs_networks,
}


# ---------------------------------------------------------------- datasets without subjects


def volunteer_anniversary(
    unit_name: str, p: PeriodInfo, rng: random.Random, *, province: bool
) -> Values:
    """One office's report of the อช. anniversary activities (around 20 February)."""
    scale = 8 if province else 1
    male = rng.randint(20, 90) * scale
    female = rng.randint(25, 110) * scale
    anniversary = dt.date(p.due.year, 2, min(20, p.due.day))
    day = min(anniversary + dt.timedelta(days=rng.randint(-10, 3)), p.due)
    return {
        "activity_date": p.day_between(rng, day, day).isoformat(),
        "venue": f"{rng.choice(vocab.VENUES)} {unit_name}",
        "activity_count": rng.randint(1, 6) * (3 if province else 1),
        "activity_types": pick_some(
            rng, ("ceremony", "public_service", "meeting", "exhibition", "other"), 1, 3
        ),
        "volunteers_male": male,
        "volunteers_female": female,
        "volunteers": male + female,
        "other_participants": rng.randint(10, 300) * scale,
        "budget": baht(rng.randint(50, 400) * 10_000 * scale),
        "summary": "จัดกิจกรรมรำลึกวันครบรอบโครงการพัฒนาผู้นำอาสาพัฒนาชุมชน ร่วมบำเพ็ญประโยชน์",
    }


UNIT_FACTORIES = {"volunteer_anniversary": volunteer_anniversary}


# ---------------------------------------------------------------- any other dataset


def generic_value(f: FieldDef, e: Entity | None, p: PeriodInfo, rng: random.Random) -> Any:
    """A value of the field's type inside its range, for fields the generator does not know."""
    low = f.min if f.min is not None else 0
    high = f.max if f.max is not None else max(low, 0) + 1000
    match f.type:
        case "integer":
            return rng.randint(math.ceil(low), math.floor(high))
        case "money":
            return baht(rng.randint(int(low * 100), int(min(high, 10**7) * 100)))
        case "decimal":
            decimals = 2 if f.decimals is None else f.decimals
            return f"{rng.uniform(low, min(high, 10**6)):.{decimals}f}"
        case "date":
            return p.day_between(rng, p.start, p.end).isoformat()
        case "choice":
            return rng.choice(f.choices).value
        case "multichoice":
            return [f.choices[0].value]
        case "boolean":
            return rng.random() < 0.5
        case "national_id":
            return e.national_id if e is not None and e.national_id else None
        case "phone":
            return phone(rng)
        case "orgunit":
            return e.unit.code if e is not None else None
        case "subject":
            return None  # a reference the generator cannot choose well
    name = e.name if e is not None else ""
    text = name if f.identity else f"{f.label_th} {name}".strip()
    return text[: f.max_length] if f.max_length else text


def generic_values(
    defn: DatasetDefinition,
) -> Callable[[Entity | None, PeriodInfo, random.Random], Values]:
    def factory(e: Entity | None, p: PeriodInfo, rng: random.Random) -> Values:
        values = {f.key: generic_value(f, e, p, rng) for f in defn.fields}
        return conform(defn, {k: v for k, v in values.items() if v is not None}, e, p, rng)

    return factory


def conform(
    defn: DatasetDefinition, values: Values, e: Entity | None, p: PeriodInfo, rng: random.Random
) -> Values:
    """Make values fit a definition: drop unknown keys, fill missing required fields,
    then drop or zero what still breaks a field or a rule. Used when the catalog of a
    year differs from what the factories expect, and for unknown datasets."""
    fields = {f.key: f for f in defn.fields}
    values = {k: v for k, v in values.items() if k in fields}
    for f in defn.fields:
        if f.required and is_empty(values.get(f.key)):
            value = generic_value(f, e, p, rng)
            if value is not None:
                values[f.key] = value
    for _attempt in range(3):
        result = validate_values(defn, values, require_all=True)
        if not result.errors:
            return dict(result.cleaned)
        for key in result.errors:
            f = fields[key]
            if not f.required:
                values.pop(key, None)
            elif f.type in ("integer", "money", "decimal"):
                values[key] = generic_value(f, e, p, rng) if f.min and f.min > 0 else 0
            else:
                values[key] = generic_value(f, e, p, rng)
        _zero_rule_fields(defn, values)
    return dict(validate_values(defn, values).cleaned)


def _zero_rule_fields(defn: DatasetDefinition, values: Values) -> None:
    """Numbers of a broken rule set to 0: `a + b <= c`, `a == b + c` hold for zeros."""
    result = validate_values(defn, values)
    for rule in defn.rules:
        if any(key in result.errors for key in rule.fields):
            for f in defn.fields:
                if f.key in rule.expr and f.type in ("integer", "money", "decimal"):
                    values[f.key] = 0 if (f.min is None or f.min <= 0) else f.min


def factory_for(defn: DatasetDefinition) -> Factory:
    return FACTORIES.get(defn.key) or generic_values(defn)


def identity(defn: DatasetDefinition, values: Values) -> tuple[str, dict[str, Any], str]:
    """The subject's name, attributes and national ID from a record's values, as
    `records.services.subject_from_values` makes them."""
    fields = [f for f in defn.fields if f.identity]
    names = [
        str(values.get(f.key, "")).strip()
        for f in fields
        if f.type not in ("national_id", "orgunit")
    ]
    name = " ".join(" ".join(n for n in names if n).split())
    national_id = next(
        (str(values.get(f.key) or "") for f in fields if f.type == "national_id"), ""
    )
    return name, {f.key: values.get(f.key) for f in fields}, national_id
