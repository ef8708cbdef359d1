import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from khomun.lib import thaidate


def test_it_formats_a_date_in_buddhist_era():
    assert thaidate.format_date(dt.date(2019, 3, 22)) == "22 มีนาคม 2562"


def test_it_writes_thai_digits_for_official_letters():
    assert thaidate.format_date(dt.date(2019, 3, 22), digits=True) == "๒๒ มีนาคม ๒๕๖๒"


def test_it_formats_29_february():
    assert thaidate.format_date(dt.date(2020, 2, 29)) == "29 กุมภาพันธ์ 2563"
    assert thaidate.format_date(dt.date(2020, 2, 29), short=True) == "29 ก.พ. 2563"


def test_it_crosses_the_calendar_year_boundary():
    assert thaidate.format_date(dt.date(2018, 12, 31)) == "31 ธันวาคม 2561"
    assert thaidate.format_date(dt.date(2019, 1, 1)) == "1 มกราคม 2562"


def test_it_writes_english_with_the_buddhist_year():
    assert thaidate.format_date(dt.date(2019, 3, 22), lang="en") == "22 March 2562 BE"


def test_fiscal_year_starts_on_1_october():
    assert thaidate.fiscal_year(dt.date(2018, 9, 30)) == 2561
    assert thaidate.fiscal_year(dt.date(2018, 10, 1)) == 2562
    assert thaidate.fiscal_year(dt.date(2019, 9, 30)) == 2562
    assert thaidate.fiscal_year_bounds(2562) == (dt.date(2018, 10, 1), dt.date(2019, 9, 30))


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)))
def test_every_date_lies_within_its_fiscal_year(day):
    start, end = thaidate.fiscal_year_bounds(thaidate.fiscal_year(day))
    assert start <= day <= end
    assert (end - start).days in (364, 365)
