"""The things records are about: producers, groups, funds, villages, persons.

A population (OTOP producers, savings groups, leaders, ...) is made per district
from its own random stream, with a life cycle over the generated years: those that
exist at the start (founded earlier), some registered each year, some dissolved
each year. Each `Entity` keeps its fixed traits (name, product, size, growth rate);
the values of each period come from them (`values.py`).

Subject kinds of the catalog map to populations (`KIND_POPULATIONS`): in FY2561
`community_leaders` and `orgs_networks` record the same leaders and organisations
that `leaders_orgs_networks` records from FY2562 on, so a leader is one person with
one national ID under both kinds.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from khomun.synthetic import vocab
from khomun.synthetic.plan import Area, District, Plan, Weighted, between, pick, rng_for

EPOCH = dt.date(2018, 10, 1)
BE = 543


@dataclass(frozen=True)
class PopulationSpec:
    name: str
    target: int  # how many exist in the whole country at the start
    dissolve: float  # share dissolved each year
    grow: float  # share newly registered each year (of the starting number)
    founded: tuple[int, int]  # CE years in which those existing at the start were founded
    id_block: int = -1  # national-ID serial block for persons, -1 for none


POPULATIONS = {
    spec.name: spec
    for spec in (
        PopulationSpec("otop", 80_000, 0.04, 0.05, (2002, 2017)),
        PopulationSpec("savings", 25_000, 0.015, 0.01, (1975, 2017)),
        PopulationSpec("poverty", 28_000, 0.004, 0.0, (1993, 2002)),
        PopulationSpec("mother_land", 12_000, 0.005, 0.003, (2004, 2013)),
        PopulationSpec("sufficiency", 16_000, 0.0, 0.03, (2009, 2017)),
        PopulationSpec("fund_centres", 4_400, 0.01, 0.02, (2005, 2017)),
        PopulationSpec("fund_networks", 1_750, 0.01, 0.01, (2008, 2017)),
        PopulationSpec("volunteers", 100_000, 0.05, 0.05, (1990, 2017), id_block=3_000_000),
        PopulationSpec("leaders", 500_000, 0.04, 0.04, (1995, 2017), id_block=0),
        PopulationSpec("orgs", 64_000, 0.03, 0.03, (1995, 2017)),
        # Applicants are new every fiscal year: `target` is per year.
        PopulationSpec("applicants", 4_000, 1.0, 1.0, (2018, 2018), id_block=6_000_000),
    )
}
GENERIC_TARGET = 4_400  # subjects of a kind the generator does not know (about 5 a district)
GENERIC_ID_BLOCK = 8_000_000
# Serials of national IDs left for each later `--append` run within a block.
RUN_ID_SPAN = 150_000

KIND_POPULATIONS: dict[str, tuple[str, ...]] = {
    "otop_producer": ("otop",),
    "savings_group": ("savings",),
    "poverty_fund": ("poverty",),
    "mother_land_fund": ("mother_land",),
    "sufficiency_village": ("sufficiency",),
    "fund_management_centre": ("fund_centres",),
    "fund_network": ("fund_networks",),
    "community_volunteer": ("volunteers",),
    "standard_applicant": ("applicants",),
    "community_actor": ("leaders", "orgs"),
    "community_leader": ("leaders",),
    "community_organisation": ("orgs",),
}


def populations_of(kind: str) -> tuple[str, ...]:
    return KIND_POPULATIONS.get(kind, (f"generic:{kind}",))


def spec_of(population: str) -> PopulationSpec:
    if population in POPULATIONS:
        return POPULATIONS[population]
    return PopulationSpec(population, GENERIC_TARGET, 0.02, 0.02, (2005, 2017), GENERIC_ID_BLOCK)


class Entity:
    """One producer, group, fund, village, person, ...: fixed traits and a life span."""

    __slots__ = (
        "population",
        "district",
        "unit",
        "unit_level",
        "name",
        "national_id",
        "traits",
        "active_from",
        "dissolved_on",
        "subject_ids",
    )

    def __init__(self, population: str, district: District, unit: Area, unit_level: str) -> None:
        self.population = population
        self.district = district
        self.unit = unit
        self.unit_level = unit_level
        self.name = ""
        self.national_id = ""
        self.traits: dict[str, Any] = {}
        self.active_from: dt.date | None = None
        self.dissolved_on: dt.date | None = None
        # (kind, subject id) pairs: a tuple, as most entities are one subject (memory).
        self.subject_ids: tuple[tuple[str, int], ...] = ()

    def subject_id(self, kind: str) -> int:
        for known, subject_id in self.subject_ids:
            if known == kind:
                return subject_id
        raise KeyError(kind)

    def add_subject(self, kind: str, subject_id: int) -> None:
        self.subject_ids = (*self.subject_ids, (kind, subject_id))

    def active_during(self, start: dt.date, end: dt.date) -> bool:
        """The same test as `records.models.active_between`."""
        begun = self.active_from is None or self.active_from <= end
        return begun and (self.dissolved_on is None or self.dissolved_on >= start)


# ---------------------------------------------------------------- identities


def check_digit(first12: str) -> str:
    """The 13th digit of a Thai national ID (SPEC §7)."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return str((11 - total % 11) % 10)


def national_id(born: dt.date, district_code: str, serial: int) -> str:
    """Category (3 before the 1984 registration, else 1), the registering district,
    a 7-digit serial unique in the district, and the check digit."""
    first12 = f"{3 if born.year < 1984 else 1}{district_code}{serial:07d}"
    return first12 + check_digit(first12)


SURNAMES = tuple(h + t for h in vocab.SURNAME_HEADS for t in vocab.SURNAME_TAILS if h != t)


def person(rng: random.Random, male: bool, born_from: int, born_to: int) -> dict[str, Any]:
    """Title, names and birth date of a person (ages stay plausible for the role)."""
    names = vocab.MALE_FIRST_NAMES if male else vocab.FEMALE_FIRST_NAMES
    born = dt.date(between(rng, born_from, born_to), between(rng, 1, 12), between(rng, 1, 28))
    married = rng.random() < 0.75
    title = vocab.MALE_TITLE if male else vocab.FEMALE_TITLES[0 if married else 1]
    return {
        "title": title,
        "first_name": pick(rng, names),
        "last_name": pick(rng, SURNAMES),
        "birth_date": born.isoformat(),
        "born": born,
    }


PRODUCER_TYPES = Weighted({"community_enterprise": 45, "single_producer": 40, "sme": 15})
PRODUCT_TYPES = Weighted({"food": 35, "beverage": 8, "textile": 25, "household": 22, "herbal": 10})
STAR_RATINGS = Weighted({"0": 25, "1": 10, "2": 15, "3": 25, "4": 18, "5": 7})
FUND_STATUSES = Weighted({"active": 85, "troubled": 10, "dormant": 4, "closed": 1})
CENTRE_LEVELS = Weighted({"1": 15, "2": 45, "3": 40})
OUTCOMES = Weighted({"certified": 65, "not_certified": 20, "assessed": 15})


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


def years_since_epoch(day: dt.date) -> float:
    return (day - EPOCH).days / 365.25


# ---------------------------------------------------------------- traits per population


def _otop(e: Entity, rng: random.Random) -> None:
    kind = PRODUCER_TYPES(rng)
    category = PRODUCT_TYPES(rng)
    product = pick(rng, vocab.PRODUCTS[category])
    if kind == "community_enterprise":
        name = f"วิสาหกิจชุมชน{vocab.ENTERPRISE_WORDS[category]} บ้าน{e.unit.name}"
    elif kind == "single_producer":
        who = person(rng, rng.random() < 0.4, 1955, 1995)
        name = f"{who['first_name']} {who['last_name']}"
    else:
        prefix = pick(rng, vocab.SME_PREFIXES)
        suffix = " จำกัด" if prefix == "บริษัท" else ""
        name = f"{prefix} {pick(rng, vocab.SME_WORDS)}{product}{suffix}"
    stars = int(STAR_RATINGS(rng))
    median = {"community_enterprise": 60_000, "single_producer": 20_000, "sme": 220_000}[kind]
    channels = ["local"]
    for channel, share in (("shop", 0.6), ("fair", 0.5), ("online", 0.12)):
        if rng.random() < share:
            channels.append(channel)
    if rng.random() < (0.3 if kind == "sme" else 0.04):
        channels.append("export")
    e.traits = {
        "producer_name": name,
        "producer_type": kind,
        "category": category,
        "product_name": product,
        "stars": stars,
        "star_up": rng.uniform(0.5, 14) if stars < 5 else 99.0,
        "base_sales": lognormal(rng, median * (0.8 + 0.12 * stars), 0.6),
        "growth": rng.uniform(-0.02, 0.08),
        "channels": tuple(c for c in CHANNEL_ORDER if c in channels),
        "channels_online": tuple(c for c in CHANNEL_ORDER if c in channels or c == "online"),
        "online_from": rng.uniform(-1, 8) if rng.random() < 0.6 else None,
    }
    e.name = name


CHANNEL_ORDER = ("local", "shop", "fair", "online", "export")


def _founded(e: Entity) -> dt.date:
    assert e.active_from is not None
    return e.active_from


def _savings(e: Entity, rng: random.Random) -> None:
    members = max(20, round(lognormal(rng, 110, 0.5)))
    pledge = pick(rng, (20, 30, 50, 50, 100, 100, 100, 200))
    annual = members * pledge * 12 * rng.uniform(0.5, 0.9)
    founded = _founded(e)
    since = max(years_since_epoch(founded), -1.0)
    old = founded < EPOCH - dt.timedelta(days=365)
    e.traits = {
        "name": e.name,
        "founded_date": founded.isoformat(),
        "since": since,
        "members": members,
        "drift": rng.uniform(-2, 6),
        "male_share": rng.uniform(0.32, 0.5),
        "pledge": pledge,
        "annual": annual,
        "balance": annual * (rng.uniform(3, 9) if old else 0.2),
        "committee": between(rng, 5, 15),
        "welfare_share": rng.uniform(0.03, 0.12),
        "loan_ratio": rng.uniform(0.55, 0.92),
    }


def _poverty(e: Entity, rng: random.Random) -> None:
    founded = _founded(e)
    e.traits = {
        "name": e.name,
        "year_received": founded.year + BE,
        "growth": rng.uniform(0.004, 0.02),
        "lent_ratio": rng.uniform(0.55, 0.92),
        "target": between(rng, 15, 80),
        "overdue_rate": min(rng.expovariate(8), 0.6),
        "committee": between(rng, 7, 9),
        "status": FUND_STATUSES(rng),
    }


def _mother_land(e: Entity, rng: random.Random) -> None:
    e.traits = {
        "name": e.name,
        "year": _founded(e).year + BE,
        "capital": lognormal(rng, 60_000, 0.5),
        "members": between(rng, 30, 300),
        "committee": between(rng, 7, 15),
        "score": rng.uniform(50, 90),
    }


def _sufficiency(e: Entity, rng: random.Random) -> None:
    e.traits = {
        "name": e.name,
        "households": between(rng, 60, 350),
        "base": rng.uniform(12, 21),
        "model": rng.random() < 0.3,
    }


def _fund_centre(e: Entity, rng: random.Random) -> None:
    founded = _founded(e)
    e.traits = {
        "name": e.name,
        "founded_date": founded.isoformat(),
        "since": years_since_epoch(founded),
        "capital": lognormal(rng, 3_000_000, 0.7),
        "growth": rng.uniform(0.02, 0.08),
        "loan_ratio": rng.uniform(0.4, 0.9),
        "funds": between(rng, 3, 40),
        "members": between(rng, 200, 5_000),
        "debt_plan": rng.random() < 0.6,
        "level": CENTRE_LEVELS(rng),
    }


def _fund_network(e: Entity, rng: random.Random) -> None:
    founded = _founded(e)
    chair = person(rng, rng.random() < 0.6, 1950, 1985)
    level, area = e.traits.get("level", "subdistrict"), e.traits.get("area", e.unit.code)
    e.traits = {
        "name": e.name,
        "level": level,
        "area": area,
        "founded_date": founded.isoformat(),
        "since": years_since_epoch(founded),
        "members": between(rng, 5, 60) * (4 if level == "province" else 1),
        "committee": between(rng, 5, 25),
        "fund": lognormal(rng, 150_000, 0.8),
        "activities": tuple(
            a
            for a in ("learning", "lending", "welfare", "debt", "marketing")
            if rng.random() < 0.5 or a == "learning"
        ),
        "chair": f"{chair['first_name']} {chair['last_name']}",
        "phone": f"0{pick(rng, '869')}{rng.randrange(10**8):08d}",
    }


def _volunteer(e: Entity, rng: random.Random) -> None:
    male = rng.random() < 0.5
    who = person(rng, male, 1950, 1995)
    appointed = (e.active_from or EPOCH).year + BE
    e.traits = {
        **who,
        "role": "male" if male else "female",
        "appointed": min(max(appointed, 2500), 2600),
        "skill": rng.uniform(14, 23),
        "phone": f"0{pick(rng, '869')}{rng.randrange(10**8):08d}" if rng.random() < 0.8 else "",
    }


POSITION_WEIGHTS = Weighted(
    {
        "village_committee": 40,
        "fund_committee": 25,
        "volunteer": 15,
        "women_leader": 12,
        "village_head": 10,
        "knowledge_leader": 8,
        "local_council": 8,
        "other": 5,
    }
)
POSITION_ORDER = (
    "village_head",
    "village_committee",
    "volunteer",
    "women_leader",
    "knowledge_leader",
    "fund_committee",
    "local_council",
    "other",
)
TRAININGS = ("leadership", "planning", "sufficiency", "finance", "otop")


def _leader(e: Entity, rng: random.Random) -> None:
    who = person(rng, rng.random() < 0.55, 1950, 1998)
    positions = {POSITION_WEIGHTS(rng) for _ in range(between(rng, 1, 3))}
    trainings = {t for t in TRAININGS if rng.random() < 0.25}
    e.traits = {
        **who,
        "positions": tuple(p for p in POSITION_ORDER if p in positions),
        "trainings": tuple(t for t in TRAININGS if t in trainings),
        "phone": f"0{pick(rng, '869')}{rng.randrange(10**8):08d}" if rng.random() < 0.7 else "",
    }


ORG_TYPE_WEIGHTS = Weighted(
    {
        "occupation": 30,
        "women": 18,
        "elderly": 15,
        "welfare": 12,
        "enterprise": 12,
        "youth": 8,
        "other": 5,
    }
)


def _org(e: Entity, rng: random.Random) -> None:
    chair = person(rng, rng.random() < 0.5, 1950, 1990)
    network = e.unit_level == "subdistrict"
    e.traits = {
        "name": e.name,
        "record_type": "network" if network else "group",
        "org_type": e.traits["org_type"],
        "founded_date": _founded(e).isoformat(),
        "members": between(rng, 3, 40) if network else between(rng, 10, 150),
        "chair": f"{chair['first_name']} {chair['last_name']}",
        "phone": f"0{pick(rng, '869')}{rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
    }


def _applicant(e: Entity, rng: random.Random) -> None:
    e.traits = {
        "type": e.traits["type"],
        "name": e.name,
        "applied": _founded(e).isoformat(),
        "outcome": OUTCOMES(rng),
    }


def _generic(e: Entity, rng: random.Random) -> None:
    e.traits = {"name": e.name}


# ---------------------------------------------------------------- naming and placing


def _unique(name: str, unit: Area, used: set[tuple[str, str]]) -> str:
    """A name not yet used in the unit: "…" then "… กลุ่มที่ 2", "… กลุ่มที่ 3"."""
    candidate, number = name, 1
    while (unit.code, candidate) in used:
        number += 1
        candidate = f"{name} กลุ่มที่ {number}"
    used.add((unit.code, candidate))
    return candidate


def _place(
    population: str, district: District, rng: random.Random, state: dict[str, Any]
) -> tuple[Area, str, dict[str, Any]] | None:
    """Where the next entity sits: (unit, level, preset traits), or None when the
    district has no room left (one fund per village, one centre per subdistrict)."""
    villages, subdistricts = district.villages, district.subdistricts
    if not villages:
        return None
    if population in ("poverty", "mother_land", "sufficiency"):
        free = state.setdefault("free", rng.sample(villages, len(villages)))
        return (free.pop(), "village", {}) if free else None
    if population == "fund_centres":
        free = state.setdefault("free", rng.sample(subdistricts, len(subdistricts)))
        return (free.pop(), "subdistrict", {}) if free else None
    if population == "fund_networks":
        return _place_network(district, rng, state)
    if population == "orgs":
        org_type = ORG_TYPE_WEIGHTS(rng)
        if rng.random() < 0.08:
            return pick(rng, subdistricts), "subdistrict", {"org_type": org_type}
        return pick(rng, villages), "village", {"org_type": org_type}
    if population == "applicants":
        kind = "community" if rng.random() < 0.65 else "person"
        return pick(rng, villages), "village", {"type": kind}
    return pick(rng, villages), "village", {}


def _place_network(
    district: District, rng: random.Random, state: dict[str, Any]
) -> tuple[Area, str, dict[str, Any]]:
    made = state.get("made", 0)
    state["made"] = made + 1
    unit = Area(district.code, district.name, district.path, district.id)
    if made == 0 and district.code.endswith("01"):
        # The province network sits with the capital district; its area is the province.
        return unit, "district", {"level": "province", "area": district.province_code}
    if made <= 1:
        return unit, "district", {"level": "district", "area": district.code}
    sub = pick(rng, district.subdistricts)
    return sub, "subdistrict", {"level": "subdistrict", "area": sub.code}


def _name(
    population: str, unit: Area, level: str, district: District, traits: dict[str, Any]
) -> str:
    if population == "savings":
        return f"กลุ่มออมทรัพย์เพื่อการผลิต บ้าน{unit.name}"
    if population == "poverty":
        return f"กข.คจ. บ้าน{unit.name}"
    if population == "mother_land":
        return f"กองทุนแม่ของแผ่นดิน บ้าน{unit.name}"
    if population == "sufficiency":
        return f"บ้าน{unit.name}"
    if population == "fund_centres":
        return f"ศูนย์จัดการกองทุนชุมชน ตำบล{unit.name}"
    if population == "fund_networks":
        where = {
            "province": f"จังหวัด{traits.get('province_name', '')}",
            "district": f"อำเภอ{district.name}",
        }.get(traits["level"], f"ตำบล{unit.name}")
        return f"เครือข่ายกองทุนชุมชน{where}"
    if population == "orgs":
        word = vocab.ORG_WORDS[traits["org_type"]]
        if level == "subdistrict":
            return f"เครือข่าย{word} ตำบล{unit.name}"
        return f"{word} บ้าน{unit.name}"
    if population == "applicants" and traits.get("type") == "community":
        return f"ชุมชนบ้าน{unit.name}"
    return f"{population.removeprefix('generic:')} บ้าน{unit.name}"


TRAITS = {
    "otop": _otop,
    "savings": _savings,
    "poverty": _poverty,
    "mother_land": _mother_land,
    "sufficiency": _sufficiency,
    "fund_centres": _fund_centre,
    "fund_networks": _fund_network,
    "volunteers": _volunteer,
    "leaders": _leader,
    "orgs": _org,
    "applicants": _applicant,
}
PERSONS = ("volunteers", "leaders")


@dataclass
class Builder:
    """Makes the entities of one population in one district, in a fixed order."""

    plan: Plan
    population: str
    district: District
    province_name: str = ""
    run: int = 0
    entities: list[Entity] = field(default_factory=list)

    def build(self) -> list[Entity]:
        spec = spec_of(self.population)
        rng = rng_for(self.plan.seed, self.run, "population", self.population, self.district.code)
        first_day = dt.date(self.plan.years[0] - BE - 1, 10, 1)
        state: dict[str, Any] = {}
        used: set[tuple[str, str]] = set()
        serials = iter(range(self._first_serial(spec), 10**7))
        start_count = self.plan.share(self.population, self.district)
        if self.population == "applicants":
            self._applicants(spec, rng, state, used, serials)
            return self.entities
        for _ in range(start_count):
            low, high = spec.founded
            high = min(high, first_day.year - 1)
            founded = dt.date(between(rng, min(low, high), high), between(rng, 1, 12), 1)
            founded += dt.timedelta(days=between(rng, 0, 27))
            self._add(spec, rng, state, used, serials, founded)
        for year in self.plan.years:
            year_start = dt.date(year - BE - 1, 10, 1)
            if year_start > self.plan.today:
                break
            new = _binomial(rng, start_count, spec.grow) if year != self.plan.years[0] else 0
            for _ in range(new):
                self._add(spec, rng, state, used, serials, self._day_in(rng, year_start))
        self._dissolve(spec, rng)
        return self.entities

    def _first_serial(self, spec: PopulationSpec) -> int:
        return max(spec.id_block, 0) + self.run * RUN_ID_SPAN

    def _day_in(self, rng: random.Random, year_start: dt.date) -> dt.date:
        last = min(year_start + dt.timedelta(days=364), self.plan.today)
        return year_start + dt.timedelta(days=between(rng, 0, (last - year_start).days))

    def _add(
        self,
        spec: PopulationSpec,
        rng: random.Random,
        state: dict[str, Any],
        used: set[tuple[str, str]],
        serials: Any,
        active_from: dt.date,
    ) -> Entity | None:
        placed = _place(self.population, self.district, rng, state)
        if placed is None:
            return None
        unit, level, traits = placed
        e = Entity(self.population, self.district, unit, level)
        e.active_from = active_from
        e.traits = traits
        if self.population == "fund_networks":
            e.traits["province_name"] = self.province_name
        # Persons are named by their traits, OTOP producers by their kind.
        person_applicant = self.population == "applicants" and traits.get("type") == "person"
        if self.population not in (*PERSONS, "otop") and not person_applicant:
            name = _name(self.population, unit, level, self.district, e.traits)
            e.name = _unique(name, unit, used)
        TRAITS.get(self.population, _generic)(e, rng)
        if self.population == "otop":
            e.name = _unique(e.name, unit, used)
            e.traits["producer_name"] = e.name
        if spec.id_block >= 0 and "born" in e.traits:
            e.national_id = national_id(e.traits.pop("born"), self.district.code, next(serials))
            e.name = f"{e.traits['first_name']} {e.traits['last_name']}"
        self.entities.append(e)
        return e

    def _applicants(
        self,
        spec: PopulationSpec,
        rng: random.Random,
        state: dict[str, Any],
        used: set[tuple[str, str]],
        serials: Any,
    ) -> None:
        """New applicants each year, applying in January to March (quarter 2); the
        application ends with the fiscal year."""
        for year in self.plan.years:
            ce = year - BE
            for _ in range(_binomial(rng, self.plan.share(self.population, self.district), 1.0)):
                applied = dt.date(ce, between(rng, 1, 3), between(rng, 1, 28))
                if applied > self.plan.today:
                    continue
                e = self._add(spec, rng, state, used, serials, applied)
                if e is None:
                    continue
                if e.traits["type"] == "person":
                    who = person(rng, rng.random() < 0.6, 1955, 1990)
                    e.name = _unique(f"{who['first_name']} {who['last_name']}", e.unit, used)
                    e.traits["name"] = e.name
                    e.national_id = national_id(who["born"], self.district.code, next(serials))
                e.dissolved_on = dt.date(ce, 9, 30)

    def _dissolve(self, spec: PopulationSpec, rng: random.Random) -> None:
        """Each year some end (a group dissolves, a leader leaves office)."""
        for e in self.entities:
            for year in self.plan.years:
                if rng.random() >= spec.dissolve:
                    continue
                day = self._day_in(rng, dt.date(year - BE - 1, 10, 1))
                if e.active_from is not None and day > e.active_from and day <= self.plan.today:
                    e.dissolved_on = day
                    break


def _binomial(rng: random.Random, n: int, p: float) -> int:
    """About n × p, varying like a count does (normal approximation, never negative)."""
    mean = n * p
    if mean <= 0:
        return 0
    return max(0, round(rng.gauss(mean, math.sqrt(mean * max(1 - p, 0.05)))))


def build(
    plan: Plan, population: str, district: District, province_name: str, run: int
) -> list[Entity]:
    return Builder(plan, population, district, province_name, run).build()
