from __future__ import annotations

import pytest

from khomun.accounts.choices import Role
from khomun.notifications.choices import Channel, DeliveryStatus
from khomun.notifications.models import Delivery, DeliveryAttempt

pytestmark = pytest.mark.django_db


def _delivery(path: str, subject: str, status: str = DeliveryStatus.FAILED) -> Delivery:
    delivery = Delivery.objects.create(
        channel=Channel.EMAIL,
        recipient=f"{subject}@example.go.th",
        key=subject,
        orgunit_path=path,
        subject=subject,
        text="ข้อความ",
        status=status,
        last_error="451 busy",
    )
    DeliveryAttempt.objects.create(
        delivery=delivery, at=delivery.created_at, outcome="failed", code="451", detail="busy"
    )
    return delivery


@pytest.fixture
def log():
    return {
        "mueang": _delivery("TH/52/5201/", "ถึงเมืองลำปาง"),
        "province": _delivery("TH/52/", "ถึงสพจ.ลำปาง", DeliveryStatus.SENT),
        "chaiyaphum": _delivery("TH/36/3601/", "ถึงเมืองชัยภูมิ"),
        "department": _delivery("", "ถึงกรม"),
    }


def test_the_province_admin_sees_only_its_province(lampang_admin, client_for, log):
    html = client_for(lampang_admin).get("/notifications/log/?orgunit=52").content.decode()
    assert "ถึงเมืองลำปาง" in html
    assert "ถึงสพจ.ลำปาง" in html
    assert "451 busy" in html
    assert "ถึงเมืองชัยภูมิ" not in html
    assert "ถึงกรม" not in html


def test_the_log_filters_by_status(lampang_admin, client_for, log):
    html = (
        client_for(lampang_admin)
        .get("/notifications/log/?orgunit=52&status=sent&channel=email")
        .content.decode()
    )
    assert "ถึงสพจ.ลำปาง" in html
    assert "ถึงเมืองลำปาง" not in html


def test_the_department_admin_sees_everything(dept_admin, client_for, log):
    html = client_for(dept_admin).get("/notifications/log/").content.decode()
    assert all(subject in html for subject in ("ถึงเมืองลำปาง", "ถึงเมืองชัยภูมิ", "ถึงกรม"))


def test_a_recorder_may_not_read_the_log(lampang_recorder, client_for, log):
    assert client_for(lampang_recorder).get("/notifications/log/?orgunit=5201").status_code == 403


def test_the_outsider_cannot_read_or_retry_lampangs_deliveries(
    chaiyaphum_recorder, make_user, client_for, log
):
    assert client_for(chaiyaphum_recorder).get("/notifications/log/?orgunit=52").status_code == 404
    response = client_for(chaiyaphum_recorder).post(f"/notifications/log/{log['mueang'].pk}/retry/")
    assert response.status_code == 404
    chaiyaphum_admin = make_user("chaiyaphum.admin", Role.PROVINCE_ADMIN, "36")
    response = client_for(chaiyaphum_admin).post(f"/notifications/log/{log['mueang'].pk}/retry/")
    assert response.status_code == 404
    log["mueang"].refresh_from_db()
    assert log["mueang"].status == DeliveryStatus.FAILED


def test_a_district_head_in_scope_is_forbidden_to_retry(make_user, client_for, log):
    head = make_user("head.mueang", Role.DISTRICT_HEAD, "5201")
    response = client_for(head).post(f"/notifications/log/{log['mueang'].pk}/retry/")
    assert response.status_code == 403


def test_only_failed_deliveries_can_be_retried(lampang_admin, client_for, log):
    response = client_for(lampang_admin).post(
        f"/notifications/log/{log['province'].pk}/retry/", follow=True
    )
    assert "ส่งซ้ำได้เฉพาะรายการที่ส่งไม่สำเร็จ" in response.content.decode()
