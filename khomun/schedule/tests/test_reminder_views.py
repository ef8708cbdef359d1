"""The reminder rules pages: defaults for the department, overrides for a province."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from khomun.schedule.models import ReminderRule

pytestmark = pytest.mark.django_db

PAGE = "/schedule/reminders/52/"
NOV_1 = dt.datetime(2018, 11, 1, 3, 0, tzinfo=dt.UTC)


def rule_form(key: str, **values: str) -> dict[str, str]:
    data = {"enabled": "on", "days_before": "7, 1", "on_due_day": "on", "days_after": "1, 3, 7"}
    data.update(values)
    return {f"{key}-{name}": value for name, value in data.items() if value}


@time_machine.travel(NOV_1)
def test_the_department_sets_a_default_with_thai_digits(catalog_2562, dept_admin, client_for):
    client = client_for(dept_admin)
    html = client.get("/schedule/reminders/").content.decode()
    assert "ข้อมูลยอดจำหน่าย" in html and "ค่าที่ระบบกำหนด" in html
    response = client.post(
        "/schedule/reminders/default/otop_sales/",
        rule_form("otop_sales", days_before="๑๔, ๓", days_after="๒"),
    )
    assert response.status_code == 302
    rule = ReminderRule.objects.get(dataset_key="otop_sales", province=None)
    assert rule.days_before == [14, 3] and rule.days_after == [2]
    assert rule.on_due_day and rule.enabled and not rule.weekly_until_lock
    assert "ก่อนครบกำหนด 14, 3 วัน" in client.get("/schedule/reminders/").content.decode()


@time_machine.travel(NOV_1)
@pytest.mark.parametrize("text", ["-1", "7; x", "1.5", "400"])
def test_it_refuses_bad_days_naming_the_field(catalog_2562, dept_admin, client_for, text):
    response = client_for(dept_admin).post(
        "/schedule/reminders/default/otop_sales/", rule_form("otop_sales", days_before=text)
    )
    assert response.status_code == 200
    assert "เตือนก่อนครบกำหนด (วัน):" in response.content.decode()
    assert not ReminderRule.objects.exists()


def test_a_recorder_may_not_change_a_default(catalog_2562, lampang_recorder, client_for):
    response = client_for(lampang_recorder).post(
        "/schedule/reminders/default/otop_sales/", rule_form("otop_sales")
    )
    assert response.status_code == 403
    assert not ReminderRule.objects.exists()


def test_the_index_sends_a_province_to_its_own_page(catalog_2562, lampang_recorder, client_for):
    response = client_for(lampang_recorder).get("/schedule/reminders/")
    assert response.status_code == 302 and response["Location"] == PAGE


@time_machine.travel(NOV_1)
def test_the_province_admin_overrides_and_removes_a_rule(catalog_2562, lampang_admin, client_for):
    client = client_for(lampang_admin)
    response = client.post(
        f"{PAGE}otop_sales/", rule_form("otop_sales", days_before="3", on_due_day="")
    )
    assert response.status_code == 302
    rule = ReminderRule.objects.get(dataset_key="otop_sales", province__code="52")
    assert rule.days_before == [3] and not rule.on_due_day
    html = client.get(PAGE).content.decode()
    assert "ของจังหวัด" in html and "กลับไปใช้ค่าเริ่มต้นของกรม" in html
    assert client.post(f"{PAGE}otop_sales/remove/").status_code == 302
    assert not ReminderRule.objects.exists()


@time_machine.travel(NOV_1)
def test_the_province_page_previews_the_next_two_weeks(reminder_setup, client_for):
    html = client_for(reminder_setup["admin"]).get(PAGE).content.decode()
    assert 'data-testid="preview"' in html
    assert "อำเภอแม่เมาะ" in html and "อีก 7 วันครบกำหนดส่ง" in html
    assert "recorder.5202" in html or reminder_setup["recorder_5202"].display_name in html
    assert "อำเภอเมืองลำปาง" not in html.split('data-testid="preview"')[1]


@time_machine.travel(NOV_1)
def test_a_recorder_reads_the_province_rules_but_may_not_change_them(
    catalog_2562, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    html = client.get(PAGE).content.decode()
    assert "ข้อมูลยอดจำหน่าย" in html and '<form method="post" action="/schedule/rem' not in html
    assert client.post(f"{PAGE}otop_sales/", rule_form("otop_sales")).status_code == 403
    assert client.post(f"{PAGE}otop_sales/remove/").status_code == 403


def test_the_outsider_gets_404_for_another_province(
    catalog_2562, chaiyaphum_recorder, make_user, client_for
):
    from khomun.accounts.choices import Role

    other_admin = make_user("chaiyaphum.admin", Role.PROVINCE_ADMIN, "36")
    for user in (chaiyaphum_recorder, other_admin):
        client = client_for(user)
        assert client.get(PAGE).status_code == 404
        assert client.post(f"{PAGE}otop_sales/", rule_form("otop_sales")).status_code == 404
    assert not ReminderRule.objects.exists()
