from __future__ import annotations

import pytest

from khomun.notifications.models import LineLink, Notification, NotificationSettings
from khomun.notifications.services import notify
from khomun.orgunits.models import Office

pytestmark = pytest.mark.django_db

GROUP = "C" + "a" * 32


def _note(user, key="k", url="/monitoring/"):
    return notify(user, kind="system", subject=f"เรื่อง {key}", body="ข้อความ", key=key, url=url)


def test_the_list_shows_my_notifications_newest_first(lampang_recorder, client_for):
    _note(lampang_recorder, "แรก")
    _note(lampang_recorder, "หลัง")
    html = client_for(lampang_recorder).get("/notifications/").content.decode()
    assert html.index("เรื่อง หลัง") < html.index("เรื่อง แรก")


def test_opening_one_marks_it_read_and_goes_to_its_url(lampang_recorder, client_for):
    note = _note(lampang_recorder)
    response = client_for(lampang_recorder).get(f"/notifications/{note.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/monitoring/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_it_does_not_redirect_off_site(lampang_recorder, client_for):
    note = _note(lampang_recorder, url="//evil.example/")
    response = client_for(lampang_recorder).get(f"/notifications/{note.pk}/")
    assert response["Location"] == "/notifications/"


def test_another_users_notification_is_not_found(lampang_recorder, chaiyaphum_recorder, client_for):
    note = _note(lampang_recorder)
    response = client_for(chaiyaphum_recorder).get(f"/notifications/{note.pk}/")
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_mine(lampang_recorder, chaiyaphum_recorder, client_for):
    _note(lampang_recorder)
    _note(chaiyaphum_recorder)
    client_for(lampang_recorder).post("/notifications/read-all/")
    assert Notification.objects.get(user=chaiyaphum_recorder).read_at is None
    assert Notification.objects.get(user=lampang_recorder).read_at is not None


def test_settings_save_channels_and_a_quiet_time(lampang_recorder, client_for):
    response = client_for(lampang_recorder).post(
        "/notifications/settings/",
        {"line_enabled": "on", "quiet_start": "20:00", "quiet_end": "07:00"},
    )
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=lampang_recorder)
    assert not prefs.email_enabled
    assert prefs.line_enabled
    assert str(prefs.quiet_start) == "20:00:00"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quiet_start": "20:00"}, "ต้องมีทั้งเวลาเริ่มและเวลาสิ้นสุด"),
        ({"quiet_start": "20:00", "quiet_end": "20:00"}, "ต้องไม่ตรงกับเวลาเริ่ม"),
        ({"quiet_start": "25:00", "quiet_end": "07:00"}, "เวลาไม่ถูกต้อง"),
    ],
)
def test_settings_reject_bad_quiet_times_in_thai(lampang_recorder, client_for, data, message):
    response = client_for(lampang_recorder).post("/notifications/settings/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_the_province_admin_links_a_district_office(lampang_admin, client_for):
    office = Office.objects.get(orgunit__code="5201")
    response = client_for(lampang_admin).post(
        "/notifications/line/?orgunit=52",
        {"office": office.pk, "target_id": GROUP, "display_name": "กลุ่ม สพอ.เมืองลำปาง"},
    )
    assert response.status_code == 302
    link = LineLink.objects.get(office=office)
    assert (link.target_id, link.linked_by) == (GROUP, lampang_admin)
    page = client_for(lampang_admin).get("/notifications/line/?orgunit=52").content.decode()
    assert GROUP in page
    client_for(lampang_admin).post("/notifications/line/?orgunit=52", {"unlink": office.pk})
    assert not LineLink.objects.exists()


@pytest.mark.parametrize("bad", ["C123", "X" + "a" * 32, "C" + "A" * 32, "C" + "g" * 32])
def test_it_rejects_a_bad_line_id_in_thai(lampang_admin, client_for, bad):
    office = Office.objects.get(orgunit__code="52")
    response = client_for(lampang_admin).post(
        "/notifications/line/?orgunit=52", {"office": office.pk, "target_id": bad}
    )
    assert response.status_code == 200
    assert "รหัส LINE ไม่ถูกต้อง" in response.content.decode()
    assert not LineLink.objects.exists()


def test_an_office_of_another_province_cannot_be_linked(lampang_admin, client_for):
    office = Office.objects.get(orgunit__code="3601")
    response = client_for(lampang_admin).post(
        "/notifications/line/?orgunit=52", {"office": office.pk, "target_id": GROUP}
    )
    assert "เลือกสำนักงานในจังหวัดนี้" in response.content.decode()
    assert not LineLink.objects.exists()


def test_a_recorder_may_not_manage_line_links_of_its_own_province(lampang_recorder, client_for):
    assert client_for(lampang_recorder).get("/notifications/line/?orgunit=52").status_code == 404
    assert client_for(lampang_recorder).get("/notifications/line/").status_code == 403


def test_the_department_admin_picks_a_province(dept_admin, client_for):
    html = client_for(dept_admin).get("/notifications/line/").content.decode()
    assert "?orgunit=52" in html
