"""How much to generate and where: districts, their villages, their share and habits.

Every choice here is seeded by the district (or subdistrict) code, never by the order
of the work, so a province generated alone is exactly that province's part of the
national data set generated with the same seed.

- Villages: no package lists them (SPEC §7), so each subdistrict gets 3 to 30 หมู่
  (about 10 on average, about 75,000 in the country), the same for every seed.
- Shares: a national target (80,000 OTOP producers, ...) is split over every district
  with a CDD office in proportion to its number of subdistricts, times a skew factor
  of the district (log-normal, so some districts have twice the average and some half).
- Habits: most districts record on time, some are late, some leave work incomplete.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.synthetic import vocab

T = TypeVar("T")
PUNCTUAL, LATE, INCOMPLETE = "punctual", "late", "incomplete"
# Share of districts with each habit, in this order.
HABITS = ((PUNCTUAL, 0.72), (LATE, 0.18), (INCOMPLETE, 0.10))
# Log-normal spread of a district's size beyond its number of subdistricts.
SKEW_SIGMA = 0.35


def rng_for(*parts: object) -> random.Random:
    """A random stream named by its parts: the same name gives the same numbers."""
    return random.Random(":".join(str(p) for p in parts))


# `random.Random.randint`, `choice` and `choices` cost a microsecond or more each; the
# generator draws tens of millions of numbers, so it uses these cheaper equivalents.


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer in [low, high]."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


class Weighted:
    """Picks a key with the given relative weights."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.keys[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class Area:
    """A subdistrict or village of a district, with the ids the writer needs."""

    code: str
    name: str
    path: str
    id: int = 0


@dataclass
class District:
    id: int
    code: str
    path: str
    name: str
    province_code: str
    subdistricts: list[Area] = field(default_factory=list)
    villages: list[Area] = field(default_factory=list)
    habit: str = PUNCTUAL

    @property
    def weight(self) -> int:
        return max(len(self.subdistricts), 1)


@dataclass
class Plan:
    seed: int
    years: list[int]
    today: dt.date
    districts: list[District]  # the districts to generate, in code order
    provinces: dict[str, tuple[int, str, str]]  # code -> (id, path, name) of those provinces
    shares: dict[str, dict[str, int]]  # population -> district code -> count at the start
    national_weight: int = 0

    def share(self, population: str, district: District) -> int:
        return self.shares.get(population, {}).get(district.code, 0)


def village_count(subdistrict_code: str) -> int:
    """How many หมู่ a subdistrict has: the same in every run (the tree is not seeded)."""
    rng = rng_for("villages", subdistrict_code)
    return max(3, min(30, round(rng.gauss(10.3, 4.0))))


def village_name(village_code: str) -> str:
    """A village name without the word บ้าน, which `OrgUnit.full_name_th` adds."""
    rng = rng_for("village-name", village_code)
    return rng.choice(vocab.VILLAGE_HEADS) + rng.choice(vocab.VILLAGE_TAILS)


def village_layout(subdistrict: Area) -> list[Area]:
    """The villages of a subdistrict: code = subdistrict code + 2-digit หมู่ number."""
    villages = []
    for moo in range(1, village_count(subdistrict.code) + 1):
        code = f"{subdistrict.code}{moo:02d}"
        villages.append(Area(code, village_name(code), f"{subdistrict.path}{code}/"))
    return villages


def _habit(seed: int, district_code: str) -> str:
    roll = rng_for(seed, "habit", district_code).random()
    for habit, share in HABITS:
        if roll < share:
            return habit
        roll -= share
    return PUNCTUAL


def skew(seed: int, population: str, district_code: str) -> float:
    factor = math.exp(rng_for(seed, "skew", population, district_code).gauss(0, SKEW_SIGMA))
    return min(max(factor, 0.4), 2.5)


def allot(seed: int, population: str, target: int, weights: dict[str, int]) -> dict[str, int]:
    """Split a national target over all districts: weight × skew, largest remainder."""
    raw = {code: w * skew(seed, population, code) for code, w in weights.items()}
    total = sum(raw.values()) or 1.0
    exact = {code: target * value / total for code, value in raw.items()}
    counts = {code: math.floor(value) for code, value in exact.items()}
    left = target - sum(counts.values())
    by_remainder = sorted(exact, key=lambda c: (counts[c] - exact[c], c))
    for code in by_remainder[:left]:
        counts[code] += 1
    return counts


def national_weights() -> dict[str, int]:
    """Subdistricts per district with a CDD office: the weight of each district."""
    weights = {
        code: 0
        for code in OrgUnit.objects.filter(level=Level.DISTRICT, has_cdd_office=True).values_list(
            "code", flat=True
        )
    }
    subdistricts = OrgUnit.objects.filter(level=Level.SUBDISTRICT).values_list("code", flat=True)
    for code in subdistricts:
        if code[:4] in weights:
            weights[code[:4]] += 1
    return weights


def load_districts(seed: int, province: str | None) -> list[District]:
    """The districts to generate (all with an office, or one province's), with their
    subdistricts and the village layout."""
    units = OrgUnit.objects.filter(level=Level.DISTRICT, has_cdd_office=True)
    if province:
        units = units.filter(code__startswith=province)
    districts = {
        u.code: District(u.pk, u.code, u.path, u.name_th, u.code[:2], habit=_habit(seed, u.code))
        for u in units.order_by("code")
    }
    subdistricts = OrgUnit.objects.filter(level=Level.SUBDISTRICT)
    if province:
        subdistricts = subdistricts.filter(code__startswith=province)
    for code, name, path, pk in subdistricts.order_by("code").values_list(
        "code", "name_th", "path", "id"
    ):
        district = districts.get(code[:4])
        if district is not None:
            area = Area(code, name, path, pk)
            district.subdistricts.append(area)
            district.villages.extend(village_layout(area))
    return list(districts.values())


def load_provinces(districts: list[District]) -> dict[str, tuple[int, str, str]]:
    codes = {d.province_code for d in districts}
    rows = OrgUnit.objects.filter(level=Level.PROVINCE, code__in=codes).values_list(
        "code", "id", "path", "name_th"
    )
    return {code: (pk, path, name) for code, pk, path, name in rows}


def make_plan(
    seed: int,
    years: list[int],
    today: dt.date,
    targets: dict[str, int],
    province: str | None = None,
) -> Plan:
    weights = national_weights()
    districts = load_districts(seed, province)
    shares = {name: allot(seed, name, target, weights) for name, target in targets.items()}
    return Plan(
        seed=seed,
        years=years,
        today=today,
        districts=districts,
        provinces=load_provinces(districts),
        shares=shares,
        national_weight=sum(weights.values()),
    )
