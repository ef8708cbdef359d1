"""Numbers from the office's register: sequential, per office, per year, never reused,
and distinct under concurrent generation."""

import datetime as dt
import threading

import pytest

from khomun.letters import numbering
from khomun.letters.choices import LetterStatus, LetterType, Series
from khomun.letters.content import LetterKind
from khomun.letters.models import Letter
from khomun.letters.services import cancel_letter, generate_letter
from khomun.lib.tests.threads import InThread
from khomun.orgunits.models import OrgUnit

DAY = dt.date(2018, 12, 10)


def schedule(user, province, day=DAY):
    return generate_letter(user, province, LetterType.SCHEDULE, LetterKind.EXTERNAL, 2562, date=day)


def test_it_numbers_letters_one_after_another(
    lampang, lampang_settings, lampang_admin, fast_renderers
):
    first, second = schedule(lampang_admin, lampang), schedule(lampang_admin, lampang)
    assert (first.number, second.number) == (1, 2)
    assert second.number_text == "ลป ๐๐๑๙.๔/ว ๒"
    assert second.year == 2561 and second.series == Series.CIRCULAR


def test_each_office_has_its_own_register(lampang, lampang_admin, dept_admin, fast_renderers):
    chaiyaphum = OrgUnit.objects.get(code="36")
    schedule(lampang_admin, lampang)
    letter = schedule(dept_admin, chaiyaphum)
    assert letter.number == 1
    assert letter.number_text == "ชย ๐๐๑๙/ว ๑"  # the default code of the province


def test_the_register_starts_again_each_calendar_year(lampang, lampang_admin, fast_renderers):
    schedule(lampang_admin, lampang, dt.date(2018, 12, 31))
    january = schedule(lampang_admin, lampang, dt.date(2019, 1, 2))
    assert (january.year, january.number) == (2562, 1)
    assert numbering.register_year(dt.date(2019, 1, 1)) == 2562


def test_a_cancelled_letter_keeps_its_number(lampang, lampang_admin, fast_renderers):
    first = schedule(lampang_admin, lampang)
    cancel_letter(lampang_admin, first, "พิมพ์ชื่อเรื่องผิด")
    assert schedule(lampang_admin, lampang).number == 2


def test_a_failed_render_keeps_the_number_as_void(
    lampang, lampang_admin, fast_renderers, monkeypatch
):
    import sys

    from khomun.letters.services import LetterError

    def broken(content):
        raise OSError("disk full")

    monkeypatch.setattr(sys.modules["khomun.letters.render_docx"], "render_docx", broken)
    with pytest.raises(LetterError, match="ลป ๐๐๑๙/ว ๑"):
        schedule(lampang_admin, lampang)
    void = Letter.objects.get()
    assert void.status == LetterStatus.VOID and "disk full" in void.void_reason
    assert not void.pdf and not void.docx


THREADS = 8
PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_letters_get_distinct_consecutive_numbers(
    orgtree, catalog_2562, fast_renderers, threads_database
):
    """8 threads × 5 letters at once, each thread on its own database connection."""
    lampang = OrgUnit.objects.get(code="52")
    start = threading.Barrier(THREADS)

    def work():
        start.wait()
        return [schedule(None, lampang).number for _ in range(PER_THREAD)]

    runs = [InThread(work) for _ in range(THREADS)]
    for run in runs:
        run.join()
    assert [run.error for run in runs if run.error is not None] == []
    given = sorted(n for run in runs for n in run.result)
    assert given == list(range(1, THREADS * PER_THREAD + 1))
    stored = InThread(
        lambda: sorted(Letter.objects.filter(province=lampang).values_list("number", flat=True))
    )
    stored.join()
    assert stored.result == given
