import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from khomun.accounts.models import AuditEvent


def login(client, username, password=PASSWORD, ip="10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_it_logs_in_and_records_it(lampang_recorder):
    client = Client()
    response = login(client, "muang.lampang")
    assert response.status_code == 302 and response["Location"] == "/"
    event = AuditEvent.objects.filter(action="login").get()
    assert event.actor == lampang_recorder and event.ip_address == "10.1.1.1"
    assert event.scope_path == "TH/52/5201/"


def test_a_failed_login_shows_a_thai_message_and_is_recorded(lampang_recorder):
    response = login(Client(), "muang.lampang", "wrong password")
    assert response.status_code == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()
    event = AuditEvent.objects.get(action="login_failed")
    assert event.target == lampang_recorder and event.ip_address == "10.1.1.1"


def test_repeated_failures_lock_the_account_from_that_address(lampang_recorder, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "muang.lampang", "wrong")
    response = login(client, "muang.lampang")  # right password, but locked now
    assert response.status_code == 429
    assert "บัญชีถูกล็อกชั่วคราว" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked_out", target=lampang_recorder).exists()


def test_a_lockout_never_blocks_colleagues_on_the_same_address(
    lampang_recorder, make_user, settings
):
    make_user("colleague", "district_recorder", "5201")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "muang.lampang", "wrong")
    assert login(Client(), "colleague").status_code == 302
    # and the same account from another office's address still gets in
    assert login(Client(), "muang.lampang", ip="10.9.9.9").status_code == 302


def test_the_first_login_forces_a_password_change(make_user):
    make_user("newbie", "district_recorder", "5201", must_change=True)
    client = Client()
    login(client, "newbie")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Lampang-new-2569!",
            "new_password2": "Lampang-new-2569!",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="password_changed", actor__username="newbie").exists()


def test_a_weak_new_password_is_refused_in_thai(make_user):
    make_user("newbie", "district_recorder", "5201", must_change=True)
    client = Client()
    login(client, "newbie")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "รหัสผ่าน" in response.content.decode()


def test_an_admin_must_set_up_two_factor_then_verify(lampang_admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would delay the right one
    client = Client()
    login(client, "lampang.admin")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("two_factor")
    page = client.get(reverse("two_factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=lampang_admin, confirmed=False)
    bad = client.post(reverse("two_factor"), {"token": "000000"})
    assert "รหัสไม่ถูกต้อง" in bad.content.decode()
    token = f"{totp(device.bin_key):06d}"
    assert client.post(reverse("two_factor"), {"token": token}).status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_recorder_needs_no_second_factor(lampang_recorder):
    client = Client()
    login(client, "muang.lampang")
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/orgunits/52/", "/accounts/users/", "/accounts/audit/"])
def test_anonymous_users_are_sent_to_login(path, orgtree):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_second_login_asks_only_for_the_code(lampang_admin):
    device = TOTPDevice.objects.create(user=lampang_admin, name="phone", confirmed=True)
    client = Client()
    login(client, "lampang.admin")
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" not in page and "รหัสลับ" not in page
    client.post(reverse("two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/").status_code == 200
