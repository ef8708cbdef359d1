"""The province's own deadlines page: Lampang asks its districts for 6 September 2561."""

import datetime as dt

import pytest
import time_machine

from khomun.accounts.choices import Role
from khomun.catalog.services import load_catalog
from khomun.schedule.models import Period, ProvinceDeadline

pytestmark = pytest.mark.django_db

PAGE = "/schedule/deadlines/52/"
LETTER_DAY = dt.datetime(2018, 8, 31, 10, 0, tzinfo=dt.UTC)  # the date of Lampang's letter


@pytest.fixture
def period(orgtree) -> Period:
    """FY2561 savings groups, period 4: the department wants it by 20 September 2561."""
    load_catalog(2561)
    return Period.objects.get(dataset__fiscal_year=2561, dataset__key="savings_groups", number=4)


def set_url(period: Period) -> str:
    return f"{PAGE}{period.pk}/"


def post_due(client, period: Period, text: str, **headers):
    return client.post(set_url(period), {f"p{period.pk}-due": text}, headers=headers)


@time_machine.travel(LETTER_DAY)
def test_the_page_lists_the_current_fiscal_years_periods_in_buddhist_era(
    period, lampang_admin, client_for
):
    response = client_for(lampang_admin).get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต" in html
    assert "งวดที่ 4 (ก.ย. 2561)" in html
    assert "20 ก.ย. 2561" in html
    assert f'name="p{period.pk}-due"' in html


def test_lampang_sets_6_september_2561(period, lampang_admin, client_for):
    client = client_for(lampang_admin)
    response = post_due(client, period, "6/9/2561")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?year=2561"
    assert ProvinceDeadline.objects.get(period=period, province__code="52").due == dt.date(
        2018, 9, 6
    )
    html = client.get(response["Location"]).content.decode()
    assert "6 ก.ย. 2561" in html
    assert 'value="6/9/2561"' in html


@pytest.mark.parametrize("text", ["๖/๙/๒๕๖๑", "06-09-2561", "2018-09-06", "6/9/2018"])
def test_it_reads_the_ways_offices_write_the_date(period, lampang_admin, client_for, text):
    assert post_due(client_for(lampang_admin), period, text).status_code == 302
    assert ProvinceDeadline.objects.get().due == dt.date(2018, 9, 6)


def test_a_date_later_than_the_departments_is_refused_in_thai(period, lampang_admin, client_for):
    response = post_due(client_for(lampang_admin), period, "21/9/2561")
    html = response.content.decode()
    assert response.status_code == 200
    assert "กำหนดส่งของจังหวัด: ต้องไม่ช้ากว่ากำหนดส่งของกรม (20 ก.ย. 2561)" in html
    assert 'value="21/9/2561"' in html  # what was typed stays to be corrected
    assert not ProvinceDeadline.objects.exists()


def test_a_date_before_the_period_starts_is_refused_in_thai(period, lampang_admin, client_for):
    response = post_due(client_for(lampang_admin), period, "30/6/2561")
    assert "ต้องไม่ก่อนวันเริ่มงวด (1 ก.ค. 2561)" in response.content.decode()
    assert not ProvinceDeadline.objects.exists()


def test_a_date_it_cannot_read_is_refused_in_thai(period, lampang_admin, client_for):
    response = post_due(client_for(lampang_admin), period, "31/2/2561")
    assert "วันที่ต้องเขียนเป็น วัน/เดือน/ปี พ.ศ. เช่น 6/9/2561" in response.content.decode()
    assert not ProvinceDeadline.objects.exists()


def test_an_empty_date_goes_back_to_the_departments(period, lampang_admin, client_for):
    client = client_for(lampang_admin)
    post_due(client, period, "6/9/2561")
    assert post_due(client, period, "").status_code == 302
    assert not ProvinceDeadline.objects.exists()


def test_htmx_gets_the_row_back(period, lampang_admin, client_for):
    client = client_for(lampang_admin)
    response = post_due(client, period, "6/9/2561", HX_Request="true")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="period-{period.pk}"')
    assert "บันทึกแล้ว" in html and "6 ก.ย. 2561" in html
    refused = post_due(client, period, "1/10/2561", HX_Request="true").content.decode()
    assert "ต้องไม่ช้ากว่ากำหนดส่งของกรม" in refused and "บันทึกแล้ว" not in refused


def test_a_district_sees_the_date_that_applies_but_cannot_change_it(
    period, lampang_admin, lampang_recorder, client_for
):
    post_due(client_for(lampang_admin), period, "6/9/2561")
    client = client_for(lampang_recorder)
    assert client.get("/schedule/deadlines/")["Location"] == PAGE
    html = client.get(f"{PAGE}?year=2561").content.decode()
    assert "6 ก.ย. 2561" in html
    assert f'name="p{period.pk}-due"' not in html
    assert post_due(client, period, "1/9/2561").status_code == 403
    assert ProvinceDeadline.objects.get().due == dt.date(2018, 9, 6)


def test_an_executive_reads_but_cannot_change(period, executive, client_for):
    client = client_for(executive)
    assert client.get(f"{PAGE}?year=2561").status_code == 200
    assert post_due(client, period, "6/9/2561").status_code == 403
    assert not ProvinceDeadline.objects.exists()


def test_another_provinces_admin_gets_404_for_lampang(period, make_user, client_for):
    other = make_user("chaiyaphum.admin", Role.PROVINCE_ADMIN, "36")
    client = client_for(other)
    assert client.get(PAGE).status_code == 404
    assert post_due(client, period, "6/9/2561").status_code == 404
    assert client.get("/schedule/deadlines/")["Location"] == "/schedule/deadlines/36/"
    assert not ProvinceDeadline.objects.exists()


def test_the_outsider_district_gets_404(period, chaiyaphum_recorder, client_for):
    client = client_for(chaiyaphum_recorder)
    assert client.get(PAGE).status_code == 404
    assert post_due(client, period, "6/9/2561").status_code == 404


def test_a_district_code_is_not_a_province_page(period, lampang_admin, client_for):
    assert client_for(lampang_admin).get("/schedule/deadlines/5201/").status_code == 404


def test_the_department_picks_a_province_and_may_set_its_date(period, dept_admin, client_for):
    client = client_for(dept_admin)
    html = client.get("/schedule/deadlines/").content.decode()
    assert 'href="/schedule/deadlines/52/"' in html and "ลำปาง" in html
    assert post_due(client, period, "6/9/2561").status_code == 302
    assert ProvinceDeadline.objects.get().set_by == dept_admin


def test_an_unpublished_period_is_not_found(period, lampang_admin, client_for):
    period.dataset.current = None
    period.dataset.save()
    assert post_due(client_for(lampang_admin), period, "6/9/2561").status_code == 404


def test_the_page_needs_a_login(period, client):
    assert client.get(PAGE).status_code == 302
