"""The data-quality review page: scope, marking and the Thai explanations."""

import pytest

from khomun.monitoring import quality
from khomun.monitoring.models import QualityFlag
from khomun.monitoring.tests.conftest import make_groups
from khomun.monitoring.tests.test_quality import _save

REVIEW = "/quality/2562/{code}/savings_groups/1/"
TEXT = "เงินสัจจะสะสมทรัพย์คงเหลืองวดนี้ 21,000 บาท สูงกว่าค่ากลางของกลุ่มเดียวกันในอำเภอ 21 เท่า"


@pytest.fixture
def outlier(catalog_2562, lampang_recorder):
    """Six ordinary groups of Mueang Lampang and one with 20 times their savings."""
    for group in make_groups(lampang_recorder, "5201", 6):
        _save(lampang_recorder, group, 1)
    odd = make_groups(lampang_recorder, "5201", 1, start=7)[0]
    record = _save(lampang_recorder, odd, 1, savings_balance="21000")
    quality.refresh_flags(record.period, record.orgunit)
    return record


def _flag(record):
    return QualityFlag.objects.get(record=record, kind=QualityFlag.Kind.PEERS)


def _mark(client, record, status, **extra):
    data = {"flag": _flag(record).pk, "status": status, **extra}
    return client.post(f"/quality/r/{record.pk}/mark/", data)


def test_the_district_sees_its_flags_explained_in_thai(outlier, lampang_recorder, client_for):
    response = client_for(lampang_recorder).get(REVIEW.format(code="5201"))
    html = response.content.decode()
    assert response.status_code == 200
    assert TEXT in html and "กลุ่มออมทรัพย์ 5201-7" in html
    assert f"/records/r/{outlier.pk}/edit/" in html  # the way to correct it
    assert 'data-testid="confirm"' in html


def test_the_province_admin_sees_its_districts_flags(outlier, lampang_admin, client_for):
    html = client_for(lampang_admin).get(REVIEW.format(code="52")).content.decode()
    assert TEXT in html and 'data-testid="confirm"' in html


def test_the_outsider_gets_not_found(outlier, chaiyaphum_recorder, client_for):
    client = client_for(chaiyaphum_recorder)
    assert client.get(REVIEW.format(code="5201")).status_code == 404
    assert _mark(client, outlier, "confirmed").status_code == 404
    assert _flag(outlier).status == "open"


def test_an_executive_reads_but_may_not_mark(outlier, executive, client_for):
    client = client_for(executive)
    html = client.get(REVIEW.format(code="5201")).content.decode()
    assert TEXT in html and 'data-testid="confirm"' not in html
    assert _mark(client, outlier, "confirmed").status_code == 403
    assert _flag(outlier).status == "open"


def test_a_recorder_confirms_a_flag_and_it_stays_confirmed(outlier, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    client.get(REVIEW.format(code="5201"))
    response = _mark(client, outlier, "confirmed", comment="กลุ่มได้รับเงินบริจาค", back="5201")
    assert response.status_code == 302 and response["Location"] == REVIEW.format(code="5201")
    flag = _flag(outlier)
    assert (flag.status, flag.comment, flag.decided_by) == (
        "confirmed",
        "กลุ่มได้รับเงินบริจาค",
        lampang_recorder,
    )
    assert flag.decided_at is not None
    html = client.get(REVIEW.format(code="5201")).content.decode()
    assert TEXT not in html  # only open flags by default
    everything = client.get(REVIEW.format(code="5201") + "?show=all").content.decode()
    assert TEXT in everything and "ยืนยันว่าถูกต้อง" in everything and "กลุ่มได้รับเงินบริจาค" in everything
    assert _flag(outlier).status == "confirmed"  # the refresh kept the decision


def test_the_province_admin_marks_a_flag_corrected(outlier, lampang_admin, client_for):
    client = client_for(lampang_admin)
    client.get(REVIEW.format(code="52"))
    response = _mark(client, outlier, "corrected", back="52")
    assert response["Location"] == REVIEW.format(code="52")
    assert _flag(outlier).status == "corrected"


def test_an_unknown_decision_changes_nothing(outlier, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    client.get(REVIEW.format(code="5201"))
    _mark(client, outlier, "deleted")
    assert _flag(outlier).status == "open"


def test_a_village_has_no_review_page(outlier, lampang_recorder, client_for):
    village = outlier.subject.orgunit.code
    assert client_for(lampang_recorder).get(REVIEW.format(code=village)).status_code == 404
