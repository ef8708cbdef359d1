"""`khomun generate`: fill the database with a realistic national data set.

The run, in order:
1. the catalog of each fiscal year is loaded when missing (shipped years from their
   files, other years carried forward from FY2562);
2. the plan: districts with an office (or one province), their villages, shares;
3. villages are created in bulk where the tree lacks them (code = subdistrict code +
   2-digit หมู่, path under the subdistrict), as `orgunits.services` makes them;
4. for every period that has started, in the order of its due date, and every district:
   the subjects of the period's kind are registered the first time the kind is met,
   then each active subject gets a record or not, drafted, submitted on time or late,
   approved or returned, as the district's habit says.

Records are written as `records.services` would store them: the district office as
`orgunit`, its path, the dataset version current for the year, the cleaned values,
`complete`, `state`, `version` and the timestamps. No `Change` rows are written and
`created_by` is empty: nobody typed these. A `GeneratedRun` row keeps the id ranges.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TextIO

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khomun.catalog.definition import DatasetDefinition
from khomun.catalog.models import Dataset
from khomun.catalog.services import datasets_for, load_catalog, shipped_years
from khomun.catalog.validation import validate_values
from khomun.lib import refcache
from khomun.lib.thaidate import fiscal_year
from khomun.monitoring import summary
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit, under_any
from khomun.records.choices import RecordState
from khomun.records.models import Record, Subject
from khomun.records.services import tokens
from khomun.schedule.models import Period
from khomun.synthetic import values as factories
from khomun.synthetic import vocab
from khomun.synthetic.models import GeneratedRun
from khomun.synthetic.plan import INCOMPLETE, LATE, PUNCTUAL, District, Plan, make_plan, rng_for
from khomun.synthetic.population import Entity, build, populations_of, spec_of
from khomun.synthetic.progress import Progress
from khomun.synthetic.writer import Stamp, Writer, writer_for_connection

CARRY_FROM = 2562
# How districts of each habit behave in a period: a record at all, submitted on time,
# submitted at all (else left as a draft).
PRESENT = {PUNCTUAL: 0.997, LATE: 0.985, INCOMPLETE: 0.82}
ON_TIME = {PUNCTUAL: 0.97, LATE: 0.40, INCOMPLETE: 0.65}
SUBMITS = {PUNCTUAL: 0.995, LATE: 0.97, INCOMPLETE: 0.72}
APPROVING_PROVINCES = 0.55  # share of provinces whose admin approves submitted work
RETURNED = 0.004
OFFICE_OPEN, OFFICE_SPAN = 8 * 3600 + 30 * 60, 8 * 3600  # 08:30 to 16:30, Bangkok time
DRAFT, SUBMITTED = RecordState.DRAFT.value, RecordState.SUBMITTED.value
APPROVED, RETURNED_STATE = RecordState.APPROVED.value, RecordState.RETURNED.value
# (state, complete, version, created, updated, submitted, return comment)
Outcome = tuple[str, bool, int, Stamp, Stamp, Stamp | None, str]
# Records checked with `validate_values` while generating: the first of each dataset
# and year, then one in SAMPLE_EVERY. A failure stops the run (a bug, not bad luck).
SAMPLE_FIRST, SAMPLE_EVERY = 30, 997
BULK_FROM = 1_000_000  # records: from this size PostgreSQL rebuilds indexes at the end


class GenerateError(Exception):
    """The run cannot start or went wrong; the message is Thai."""


@dataclass
class Options:
    seed: int = 1
    years: int = 10
    fiscal_year_end: int | None = None
    province: str | None = None  # None: the whole country
    today: dt.date | None = None
    append: bool = False
    reset: bool = False
    bulk: bool | None = None  # None: decided by the size of the run
    stream: TextIO | None = None


@dataclass
class Summary:
    run: GeneratedRun
    records: int
    subjects: int
    villages: int
    seconds: float
    by_dataset: dict[tuple[str, int], int] = field(default_factory=dict)
    expected: dict[tuple[str, int], int] = field(default_factory=dict)


# ---------------------------------------------------------------- guards


def previous_runs() -> list[GeneratedRun]:
    return list(GeneratedRun.objects.all())


def check_can_run(options: Options) -> None:
    runs = previous_runs()
    if runs and not (options.append or options.reset):
        last = runs[-1]
        raise GenerateError(
            _(
                "ฐานข้อมูลนี้มีข้อมูลจำลองอยู่แล้ว (%(count)s ครั้ง ล่าสุด seed %(seed)s "
                "ปีงบประมาณ %(first)s–%(last)s) ใช้ --append เพื่อเพิ่มข้อมูลอีกชุด "
                "หรือ --reset เพื่อลบข้อมูลจำลองเดิมแล้วสร้างใหม่"
            )
            % {
                "count": len(runs),
                "seed": last.seed,
                "first": last.first_year,
                "last": last.last_year,
            }
        )
    if options.append and options.reset:
        raise GenerateError(_("ใช้ --append และ --reset พร้อมกันไม่ได้"))


def tidy_up() -> None:
    """After the load, on PostgreSQL: VACUUM ANALYZE the filled tables, ANALYZE the
    rest. The load leaves dead row versions behind (millions at national scale) that
    every index scan would wade through until autovacuum came by. Run after the load's
    transaction."""
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run in a transaction: a connection of its own, in autocommit.
    # Never wait long behind someone's lock: the load is done, this only speeds it up.
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            cursor.execute("SET lock_timeout = '30s'")
            for table in ("records_subject", "records_record", "records_change"):
                cursor.execute(f"VACUUM ANALYZE {table}")
            # Statistics for every other table too (periods, villages): without them the
            # planner takes a dataset's 12 periods for 1 and plans a national export
            # without its parallel workers.
            cursor.execute("ANALYZE")
    except OperationalError:
        pass  # autovacuum, where it runs, will get there
    finally:
        own.close()


def reset_generated() -> tuple[int, int]:
    """Delete what earlier runs wrote (villages stay: they are part of the tree)."""
    records = subjects = 0
    for run in previous_runs():
        in_subjects = Q(subject_id__gte=run.first_subject_id, subject_id__lte=run.last_subject_id)
        in_records = Q(pk__gte=run.first_record_id, pk__lte=run.last_record_id)
        records += Record.objects.filter(in_records | in_subjects).delete()[0]
        subjects += Subject.objects.filter(
            pk__gte=run.first_subject_id, pk__lte=run.last_subject_id
        ).delete()[0]
        run.delete()
    summary.forget_all()
    return records, subjects


# ---------------------------------------------------------------- the catalog


def fiscal_years(options: Options, today: dt.date) -> list[int]:
    last = options.fiscal_year_end or fiscal_year(today)
    if options.years < 1:
        raise GenerateError(_("--years ต้องมากกว่า 0"))
    return list(range(last - options.years + 1, last + 1))


def ensure_catalog(year: int) -> None:
    """Load a fiscal year's catalog when it has no published dataset yet."""
    if Dataset.objects.filter(fiscal_year=year, current__isnull=False).exists():
        return
    if year in shipped_years():
        load_catalog(year)
    else:
        load_catalog(year, from_year=CARRY_FROM)


@dataclass
class PeriodWork:
    """One period of one dataset-year, with what the generator needs of it."""

    period: Period
    defn: DatasetDefinition
    version_id: int
    info: factories.PeriodInfo
    entry_start: dt.date
    kind: str
    # The same dates as day ordinals, for the hot loop.
    entry: int = field(init=False)
    on_time: int = field(init=False)
    lock: int = field(init=False)

    key: tuple[str, int] = field(init=False)  # (dataset key, fiscal year)

    def __post_init__(self) -> None:
        self.key = (self.defn.key, self.info.fiscal_year)
        self.entry = self.entry_start.toordinal()
        self.on_time = self.period.on_time_until.toordinal()
        self.lock = self.period.lock.toordinal()


def periods_to_fill(years: list[int], today: dt.date) -> list[PeriodWork]:
    """Every started period of the years' published datasets, by due date."""
    work = []
    for year in years:
        for dataset in datasets_for(year):
            version = dataset.current
            assert version is not None
            defn = version.parsed
            periods = list(Period.objects.filter(dataset=dataset).order_by("number"))
            for period in periods:
                if period.start > today:
                    continue
                info = factories.PeriodInfo(
                    year, period.number, len(periods), period.start, period.end, period.due, today
                )
                work.append(
                    PeriodWork(
                        period, defn, version.pk, info, _entry_start(period), dataset.subject_kind
                    )
                )
    work.sort(key=lambda w: (w.period.due, w.defn.order, w.period.number))
    return work


def _entry_start(period: Period) -> dt.date:
    """From when offices record a period: after a month ends, else in the weeks
    before the due date."""
    if period.end < period.due:
        return period.end + dt.timedelta(days=1)
    span = min(max((period.due - period.start).days // 3, 5), 60)
    return max(period.start, period.due - dt.timedelta(days=span))


# ---------------------------------------------------------------- names for search


@lru_cache(maxsize=200_000)
def _chunk_tokens(chunk: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    text = tokens(chunk)
    words, _mark, syllables = text.partition(" | ")
    return tuple(words.split()), tuple(syllables.split())


def search_text(name: str) -> str:
    """`records.services.tokens(name)`, computed per space-separated part and cached:
    word segmentation never joins across a space, and names share their parts."""
    words: list[str] = []
    syllables: list[str] = []
    for chunk in name.split():
        chunk_words, chunk_syllables = _chunk_tokens(chunk)
        words.extend(chunk_words)
        syllables.extend(s for s in chunk_syllables if s not in syllables)
    text = " ".join(words)
    return f"{text} | {' '.join(syllables)}" if syllables else text


# ---------------------------------------------------------------- the run


class Run:
    def __init__(self, options: Options, writer: Writer, plan: Plan, run_number: int) -> None:
        self.options = options
        self.writer = writer
        self.plan = plan
        self.run_number = run_number
        self.today = plan.today
        self.today_ordinal = plan.today.toordinal()
        self.village_ids: dict[str, int] = {}
        self.entities: dict[str, dict[str, list[Entity]]] = {}
        self.kinds_done: set[str] = set()
        self.by_dataset: dict[tuple[str, int], int] = defaultdict(int)
        self.expected: dict[tuple[str, int], int] = defaultdict(int)
        self.approving = {
            code: rng_for(plan.seed, "approves", code).random() < APPROVING_PROVINCES
            for code in plan.provinces
        }
        self.progress: Progress | None = None
        self.repairs: set[tuple[str, int]] = set()
        # A reporting office has one record per period (datasets without subjects):
        # those already there (an earlier run, real work) are left alone.
        self.unit_records = set(
            Record.objects.filter(subject__isnull=True).values_list("period_id", "orgunit_id")
        )

    # -- villages

    def ensure_villages(self) -> int:
        codes = [v.code for d in self.plan.districts for v in d.villages]
        prefixes = {d.province_code for d in self.plan.districts}
        existing = dict(
            OrgUnit.objects.filter(level=Level.VILLAGE)
            .filter(_code_prefixes(prefixes))
            .values_list("code", "id")
        )
        rows = []
        for district in self.plan.districts:
            for sub in district.subdistricts:
                for village in (v for v in district.villages if v.code[:6] == sub.code):
                    if village.code not in existing:
                        moo = int(village.code[6:])
                        rows.append(
                            (
                                village.code,
                                village.name,
                                f"Moo {moo}",
                                Level.VILLAGE.value,
                                sub.id,
                                village.path,
                                True,
                            )
                        )
        for start in range(0, len(rows), 20_000):
            self.writer.insert_villages(rows[start : start + 20_000])
        if rows:
            existing = dict(
                OrgUnit.objects.filter(level=Level.VILLAGE)
                .filter(_code_prefixes(prefixes))
                .values_list("code", "id")
            )
        self.village_ids = {code: existing[code] for code in codes if code in existing}
        return len(rows)

    # -- populations and subjects

    def population(self, name: str) -> dict[str, list[Entity]]:
        if name not in self.entities:
            self.entities[name] = {
                d.code: build(
                    self.plan, name, d, self.plan.provinces[d.province_code][2], self.run_number
                )
                for d in self.plan.districts
            }
        return self.entities[name]

    def entities_of(self, kind: str, district: District) -> Iterator[Entity]:
        for name in populations_of(kind):
            yield from self.population(name)[district.code]

    def register_kind(self, work: PeriodWork, window: tuple[dt.date, dt.date]) -> None:
        """Subjects of a kind, the first time a period asks for it: every entity that
        is active at some time during the years that use the kind."""
        kind, defn = work.kind, work.defn
        factory = self.factory(work)
        first, last = window
        for district in self.plan.districts:
            rng = rng_for(self.plan.seed, self.run_number, "subjects", kind, district.code)
            for e in self.entities_of(kind, district):
                if not e.active_during(first, last):
                    continue
                values = factory(e, work.info, rng)
                name, attributes, national_id = factories.identity(defn, values)
                name = name or e.name
                subject_id = self.writer.new_id("subject")
                e.add_subject(kind, subject_id)
                assert e.active_from is not None
                registered = max(e.active_from, first)
                stamp = (registered.toordinal(), 9 * 3600 + rng.randrange(7 * 3600))
                self.writer.add(
                    "subject",
                    (
                        subject_id,
                        kind,
                        name,
                        self._unit_id(e),
                        e.unit.path,
                        national_id,
                        self.writer.json(attributes),
                        e.active_from.isoformat(),
                        e.dissolved_on.isoformat() if e.dissolved_on else None,
                        search_text(name),
                        self.writer.stamp(stamp),
                        self.writer.stamp(stamp),
                    ),
                )
        self.writer.flush("subject")
        self.kinds_done.add(kind)

    def _unit_id(self, e: Entity) -> int:
        if e.unit_level == "village":
            return self.village_ids[e.unit.code]
        return e.unit.id

    # -- values

    def factory(self, work: PeriodWork) -> factories.Factory:
        """The dataset's factory; through `conform` when the year's fields differ."""
        key = (work.defn.key, work.info.fiscal_year)
        base = factories.factory_for(work.defn)
        if key in self.repairs or self._needs_repair(work, base):
            self.repairs.add(key)
            defn = work.defn

            def repaired(e: Entity, p: factories.PeriodInfo, rng: random.Random) -> Any:
                return factories.conform(defn, base(e, p, rng), e, p, rng)

            return repaired
        return base

    def _needs_repair(self, work: PeriodWork, base: factories.Factory) -> bool:
        if work.defn.key not in factories.FACTORIES or not work.kind:
            return False
        rng = random.Random(0)
        for district in self.plan.districts[:3]:
            for e in list(self.entities_of(work.kind, district))[:10]:
                result = validate_values(work.defn, base(e, work.info, rng), require_all=True)
                if result.errors:
                    return True
        return False

    # -- records

    def fill(self, work: PeriodWork) -> None:
        factory = self.factory(work)
        for district in self.plan.districts:
            rng = rng_for(
                self.plan.seed,
                self.run_number,
                "records",
                work.defn.key,
                work.info.fiscal_year,
                work.period.number,
                district.code,
            )
            habit = _habit_now(district.habit, rng)
            if work.kind:
                self._fill_subjects(work, factory, district, habit, rng)
            elif "district" in work.defn.levels:
                self._fill_unit(
                    work, (district.id, district.path, district.name), habit, rng, False
                )
        if not work.kind and "province" in work.defn.levels:
            for code, unit in sorted(self.plan.provinces.items()):
                rng = rng_for(
                    self.plan.seed,
                    self.run_number,
                    "records",
                    work.defn.key,
                    work.info.fiscal_year,
                    work.period.number,
                    code,
                )
                self._fill_unit(work, unit, PUNCTUAL, rng, True)

    def _fill_subjects(
        self,
        work: PeriodWork,
        factory: factories.Factory,
        district: District,
        habit: str,
        rng: random.Random,
    ) -> None:
        start, end, kind, info = work.period.start, work.period.end, work.kind, work.info
        approves = self.approving.get(district.province_code, False)
        expected = written = 0
        for e in self.entities_of(kind, district):
            if not e.active_during(start, end):
                continue
            expected += 1
            outcome = self._outcome(work, habit, approves, rng)
            if outcome is None:
                continue
            values = factory(e, info, rng)
            self._write(work, district.id, district.path, e.subject_id(kind), values, outcome, rng)
            written += 1
        self.expected[work.key] += expected
        if self.progress is not None:
            self.progress.advance(written)

    def _fill_unit(
        self,
        work: PeriodWork,
        unit: tuple[int, str, str],
        habit: str,
        rng: random.Random,
        province: bool,
    ) -> None:
        """One record of a dataset without subjects for one reporting office."""
        key = work.key
        self.expected[key] += 1
        unit_id, path, name = unit
        if (work.period.pk, unit_id) in self.unit_records:
            return
        outcome = self._outcome(work, habit, False, rng)
        if outcome is None:
            return
        make = factories.UNIT_FACTORIES.get(work.defn.key)
        if make is not None and key not in self.repairs:
            values = make(name, work.info, rng, province=province)
        else:
            values = factories.generic_values(work.defn)(None, work.info, rng)
        if make is not None and validate_values(work.defn, values, require_all=True).errors:
            self.repairs.add(key)
            values = factories.conform(work.defn, values, None, work.info, rng)
        self._write(work, unit_id, path, None, values, outcome, rng)
        if self.progress is not None:
            self.progress.advance(1)

    def _outcome(
        self, work: PeriodWork, habit: str, approves: bool, rng: random.Random
    ) -> Outcome | None:
        """(state, complete, version, created, updated, submitted, comment), or None
        when there is no record (yet). Days are ordinals: this runs for every record."""
        rand = rng.random
        if rand() >= PRESENT[habit]:
            return None
        entry, on_time, lock, today = work.entry, work.on_time, work.lock, self.today_ordinal
        if rand() < ON_TIME[habit]:
            day = entry + int(rand() * (on_time - entry + 1)) if on_time > entry else entry
        else:
            day = on_time + 1 + int(rand() * (lock - on_time))
        created_day = max(entry, day - int(rand() * 5))
        if created_day > today:
            return None  # not recorded yet
        created = (created_day, OFFICE_OPEN + int(rand() * OFFICE_SPAN))
        submitted = (day, OFFICE_OPEN + int(rand() * OFFICE_SPAN))
        if submitted < created:
            created, submitted = submitted, created
        version = 2 if rand() < 0.3 else 1
        if day > today or rand() >= SUBMITS[habit]:
            return DRAFT, rand() < 0.35, version, created, created, None, ""
        if rand() < RETURNED:
            back = (min(day + 1 + int(rand() * 10), today), OFFICE_OPEN + int(rand() * OFFICE_SPAN))
            comment = rng.choice(vocab.RETURN_COMMENTS)
            return (
                RETURNED_STATE,
                True,
                version + 2,
                created,
                max(back, submitted),
                submitted,
                comment,
            )
        if approves and today > lock and rand() < 0.9:
            approved = (
                min(day + 2 + int(rand() * 19), today),
                OFFICE_OPEN + int(rand() * OFFICE_SPAN),
            )
            return APPROVED, True, version + 2, created, max(approved, submitted), submitted, ""
        return SUBMITTED, True, version + 1, created, submitted, submitted, ""

    def _write(
        self,
        work: PeriodWork,
        unit_id: int,
        path: str,
        subject_id: int | None,
        values: dict[str, Any],
        outcome: Outcome,
        rng: random.Random,
    ) -> None:
        state, complete, version, created, updated, submitted, comment = outcome
        if not complete:
            reduced = _leave_out(work.defn, values, rng)
            complete = len(reduced) == len(values)  # nothing could be left out
            values = reduced
        key = work.key
        count = self.by_dataset[key]
        if count < SAMPLE_FIRST or count % SAMPLE_EVERY == 0:
            _check(work, values, state, complete)
        self.by_dataset[key] = count + 1
        self.writer.record(
            work.version_id,
            work.period.pk,
            unit_id,
            path,
            subject_id,
            values,
            state,
            complete,
            version,
            comment,
            created,
            updated,
            submitted,
        )


def _code_prefixes(prefixes: set[str]) -> Q:
    return under_any("code", sorted(prefixes))


def _habit_now(habit: str, rng: random.Random) -> str:
    """A district keeps its habit most periods, not all."""
    if rng.random() < 0.9:
        return habit
    return rng.choice((PUNCTUAL, LATE, INCOMPLETE))


def _droppable(defn: DatasetDefinition, values: dict[str, Any]) -> list[str]:
    """Required fields a draft may still lack: not what names the subject or its place."""
    return [
        f.key
        for f in defn.fields
        if f.required
        and not f.identity
        and f.key != defn.unit_field
        and f.type not in ("orgunit", "national_id")
        and f.key in values
    ]


def _leave_out(
    defn: DatasetDefinition, values: dict[str, Any], rng: random.Random
) -> dict[str, Any]:
    """A draft not finished: one or two required fields still empty."""
    keys = _droppable(defn, values)
    if not keys:
        return values
    gone = set(rng.sample(keys, min(len(keys), rng.randint(1, 2))))
    return {k: v for k, v in values.items() if k not in gone}


def _check(work: PeriodWork, values: dict[str, Any], state: str, complete: bool) -> None:
    submitted = state != RecordState.DRAFT
    result = validate_values(work.defn, values, require_all=submitted)
    if result.errors or result.complete != complete:
        raise GenerateError(
            f"{work.defn.key} {work.info.fiscal_year} งวด {work.period.number}: "
            f"ข้อมูลที่สร้างไม่ผ่านการตรวจ {result.errors or 'complete ไม่ตรง'} {values}"
        )


# ---------------------------------------------------------------- entry point


def _estimate(works: list[PeriodWork], plan: Plan) -> int:
    """About how many records the run writes, for the progress bar."""
    total = 0.0
    for work in works:
        if work.kind:
            for name in populations_of(work.kind):
                total += sum(plan.share(name, d) for d in plan.districts)
        else:
            levels = work.defn.levels
            total += len(plan.districts) * ("district" in levels)
            total += len(plan.provinces) * ("province" in levels)
    return int(total * 0.96)


def _windows(works: list[PeriodWork]) -> dict[str, tuple[dt.date, dt.date]]:
    windows: dict[str, tuple[dt.date, dt.date]] = {}
    for work in works:
        if work.kind:
            first, last = windows.get(work.kind, (work.period.start, work.period.end))
            windows[work.kind] = (min(first, work.period.start), max(last, work.period.end))
    return windows


def generate(options: Options) -> Summary:
    """Generate, all in one transaction; refuse to write over an earlier run unless
    `append` or `reset`."""
    started = time.monotonic()
    today = options.today or timezone.localdate()
    years = fiscal_years(options, today)
    check_can_run(options)
    with transaction.atomic():
        refcache.changed()  # villages are written by COPY, without signals
        if options.reset:
            reset_generated()
        run_number = GeneratedRun.objects.count()
        for year in years:
            ensure_catalog(year)
        works = periods_to_fill(years, today)
        kinds = {w.kind for w in works if w.kind}
        targets = {p: spec_of(p).target for k in kinds for p in populations_of(k)}
        plan = make_plan(options.seed, years, today, targets, options.province)
        if not plan.districts:
            raise GenerateError(
                _("ไม่พบอำเภอที่มีสำนักงานพัฒนาชุมชนในจังหวัด %(code)s") % {"code": options.province}
            )
        estimate = _estimate(works, plan)
        bulk = options.bulk
        if bulk is None:
            bulk = connection.vendor == "postgresql" and estimate >= BULK_FROM
        writer = writer_for_connection(bulk)
        writer.start()
        if bulk:
            writer.prepare_bulk()
        run = Run(options, writer, plan, run_number)
        progress = Progress(estimate, options.stream)
        progress.note(
            _("สร้างข้อมูลจำลอง: %(districts)s อำเภอ ปีงบประมาณ %(first)s–%(last)s seed %(seed)s")
            % {
                "districts": len(plan.districts),
                "first": years[0],
                "last": years[-1],
                "seed": options.seed,
            }
        )
        villages = run.ensure_villages()
        windows = _windows(works)
        # Every subject first (one COPY), then the records in one stream.
        for work in works:
            if work.kind and work.kind not in run.kinds_done:
                run.register_kind(work, windows[work.kind])
                progress.note(
                    _("ลงทะเบียน %(kind)s แล้ว: รายการรวม %(count)s")
                    % {"kind": work.kind, "count": f"{writer.counts['subject']:,}"}
                )
        run.progress = progress
        progress.restart()
        for work in works:
            run.fill(work)
        writer.finish()
        if bulk:
            progress.note(_("กำลังสร้างดัชนีและตรวจความสัมพันธ์ของตาราง"))
            writer.restore_bulk()
        progress.close()
        summary.forget_all()  # stored completeness figures are recounted on the next read
        seconds = time.monotonic() - started
        record = GeneratedRun.objects.create(
            seed=options.seed,
            scale="province" if options.province else "national",
            province=options.province or "",
            first_year=years[0],
            last_year=years[-1],
            today=today,
            first_subject_id=writer.first_ids["subject"],
            last_subject_id=writer.last_id("subject"),
            first_record_id=writer.first_ids["record"],
            last_record_id=writer.last_id("record"),
            subjects=writer.counts["subject"],
            records=writer.counts["record"],
            villages=villages,
            seconds=seconds,
        )
    return Summary(
        run=record,
        records=writer.counts["record"],
        subjects=writer.counts["subject"],
        villages=villages,
        seconds=seconds,
        by_dataset=dict(run.by_dataset),
        expected=dict(run.expected),
    )
