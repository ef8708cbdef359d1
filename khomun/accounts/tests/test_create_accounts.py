import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khomun.accounts.models import AuditEvent, RoleAssignment, User
from khomun.accounts.services import AccountError, create_account, random_password

NEW_RECORDER = {
    "username": "hangchat.recorder",
    "first_name": "สมศรี",
    "last_name": "ดีงาม",
    "email": "",
    "position": "",
    "role": "district_recorder",
    "orgunit": "5202",
}


def test_a_province_admin_creates_a_district_account_with_a_random_password(
    lampang_admin, client_for
):
    client = client_for(lampang_admin)
    response = client.post(reverse("user_create"), NEW_RECORDER)
    assert response.status_code == 200
    html = response.content.decode()
    password = re.search(r'data-testid="initial-password">([^<]+)<', html).group(1)
    user = User.objects.get(username="hangchat.recorder")
    assert user.check_password(password)
    assert user.must_change_password
    assert "hangchat" not in password.lower() and "5202" not in password
    assert RoleAssignment.objects.get(user=user).orgunit.code == "5202"
    assert AuditEvent.objects.filter(
        action="role_granted", target=user, actor=lampang_admin
    ).exists()


def test_a_province_admin_cannot_create_accounts_in_another_province(lampang_admin, client_for):
    client = client_for(lampang_admin)
    response = client.post(reverse("user_create"), {**NEW_RECORDER, "orgunit": "3601"})
    assert "ไม่มีสิทธิ์" in response.content.decode()
    assert not User.objects.filter(username="hangchat.recorder").exists()


def test_a_role_at_the_wrong_level_is_refused(lampang_admin, client_for):
    response = client_for(lampang_admin).post(
        reverse("user_create"), {**NEW_RECORDER, "orgunit": "52"}
    )
    assert "ใช้กับหน่วยระดับจังหวัดไม่ได้" in response.content.decode()


def test_a_recorder_cannot_open_account_management(lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    assert client.get(reverse("user_list")).status_code == 403
    assert client.post(reverse("user_create"), NEW_RECORDER).status_code == 403
    assert not User.objects.filter(username="hangchat.recorder").exists()


def test_the_user_list_shows_only_the_own_province(
    lampang_admin, lampang_recorder, chaiyaphum_recorder, client_for
):
    html = client_for(lampang_admin).get(reverse("user_list")).content.decode()
    assert "muang.lampang" in html and "muang.chaiyaphum" not in html


def test_resetting_a_password_of_another_province_is_not_found(
    lampang_admin, chaiyaphum_recorder, client_for
):
    client = client_for(lampang_admin)
    url = reverse("user_reset_password", args=[chaiyaphum_recorder.pk])
    assert client.post(url).status_code == 404
    chaiyaphum_recorder.refresh_from_db()
    assert not chaiyaphum_recorder.must_change_password


def test_resetting_a_password_shows_a_new_one_once(lampang_admin, lampang_recorder, client_for):
    client = client_for(lampang_admin)
    html = client.post(reverse("user_reset_password", args=[lampang_recorder.pk])).content.decode()
    password = re.search(r'data-testid="initial-password">([^<]+)<', html).group(1)
    lampang_recorder.refresh_from_db()
    assert lampang_recorder.check_password(password) and lampang_recorder.must_change_password


CSV_OK = (
    "username,first_name,last_name,email,role,orgunit,position\n"
    "ngao.recorder,สมหญิง,ใจงาม,,district_recorder,5205,นักวิชาการพัฒนาชุมชน\n"
    "ngao.head,สมชาย,ใจงาม,,district_head,5205,พัฒนาการอำเภองาว\n"
)


def test_a_csv_creates_every_account(lampang_admin, client_for):
    upload = SimpleUploadedFile("accounts.csv", CSV_OK.encode("utf-8-sig"))
    response = client_for(lampang_admin).post(reverse("user_import"), {"file": upload})
    html = response.content.decode()
    assert html.count('data-testid="initial-password"') == 2
    assert User.objects.filter(username__startswith="ngao.").count() == 2


def test_a_csv_in_windows_874_is_read(lampang_admin):
    created = _import(lampang_admin, CSV_OK.encode("cp874"))
    assert [a.user.first_name for a in created] == ["สมหญิง", "สมชาย"]


def _import(actor, data):
    from khomun.accounts.services import import_accounts_csv

    return import_accounts_csv(actor, data)


def test_a_bad_row_stores_nothing_and_names_the_row_and_field(lampang_admin, client_for):
    bad = CSV_OK + "outsider,ก,ข,,district_recorder,3601,\n"
    upload = SimpleUploadedFile("accounts.csv", bad.encode())
    html = client_for(lampang_admin).post(reverse("user_import"), {"file": upload}).content.decode()
    assert "แถวที่ 4" in html and "[role]" in html
    assert not User.objects.filter(username__startswith="ngao.").exists()


def test_a_csv_without_the_columns_is_refused(lampang_admin):
    with pytest.raises(AccountError, match="ไม่มีคอลัมน์") as info:
        _import(lampang_admin, b"name,role\nx,y\n")
    assert info.value.row == 1


def test_a_duplicate_username_is_refused_with_its_row(lampang_admin, lampang_recorder):
    data = CSV_OK + "muang.lampang,ก,ข,,district_recorder,5201,\n"
    with pytest.raises(AccountError) as info:
        _import(lampang_admin, data.encode())
    assert info.value.row == 4 and info.value.field == "username"


def test_random_passwords_are_strong_and_different():
    passwords = {random_password() for _ in range(200)}
    assert len(passwords) == 200
    for p in passwords:
        assert len(p) == 14 and any(c.isdigit() for c in p) and any(c.isupper() for c in p)


def test_a_cli_created_account_may_keep_its_password(orgtree):
    new = create_account(
        None,
        username="script",
        role="executive",
        orgunit_code="TH",
        password="a long enough password 1",
        must_change=False,
    )
    assert not new.user.must_change_password
