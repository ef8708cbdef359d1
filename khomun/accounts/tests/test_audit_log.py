from django.test import Client
from django.urls import reverse

from conftest import PASSWORD


def _fail_login(username):
    Client().post(
        reverse("login"), {"username": username, "password": "nope"}, REMOTE_ADDR="10.2.2.2"
    )


def test_a_province_admin_reads_its_own_province_log(
    lampang_admin, lampang_recorder, chaiyaphum_recorder, client_for
):
    _fail_login("muang.lampang")
    _fail_login("muang.chaiyaphum")
    html = client_for(lampang_admin).get(reverse("audit_log")).content.decode()
    assert "muang.lampang" in html and "10.2.2.2" in html
    assert "muang.chaiyaphum" not in html


def test_the_department_reads_everything(
    dept_admin, lampang_recorder, chaiyaphum_recorder, client_for
):
    _fail_login("muang.lampang")
    _fail_login("muang.chaiyaphum")
    html = client_for(dept_admin).get(reverse("audit_log")).content.decode()
    assert "muang.lampang" in html and "muang.chaiyaphum" in html


def test_a_recorder_cannot_read_the_log(lampang_recorder, client_for):
    assert client_for(lampang_recorder).get(reverse("audit_log")).status_code == 403


def test_role_and_password_changes_are_logged(lampang_admin, lampang_recorder, client_for):
    from khomun.accounts.models import AuditEvent
    from khomun.accounts.services import change_own_password, grant_role

    grant_role(lampang_admin, lampang_recorder, "district_head", "5201")
    change_own_password(lampang_recorder, PASSWORD + "x")
    actions = set(
        AuditEvent.objects.filter(target=lampang_recorder).values_list("action", flat=True)
    )
    assert "role_granted" in actions
    assert AuditEvent.objects.filter(action="password_changed", actor=lampang_recorder).exists()
