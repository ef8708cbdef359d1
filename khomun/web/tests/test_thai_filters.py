import datetime as dt

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_templates_show_buddhist_era_dates():
    with translation.override("th"):
        assert render("{{ d|thaidate_full }}", d=dt.date(2020, 2, 29)) == "29 กุมภาพันธ์ 2563"
        assert render("{{ d|thaidate_short }}", d=dt.date(2018, 12, 31)) == "31 ธ.ค. 2561"


def test_templates_write_official_dates_with_thai_digits():
    assert render("{{ d|thaidate_official }}", d=dt.date(2019, 3, 22)) == "๒๒ มีนาคม ๒๕๖๒"
    assert render("{{ n|thaidigits }}", n=1026) == "๑๐๒๖"


def test_templates_follow_the_english_switch():
    with translation.override("en"):
        assert render("{{ d|thaidate_full }}", d=dt.date(2019, 1, 1)) == "1 January 2562 BE"


def test_an_empty_date_renders_nothing():
    assert render("{{ d|thaidate_full }}", d=None) == ""
