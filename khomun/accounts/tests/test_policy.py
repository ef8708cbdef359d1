from khomun.accounts import policy
from khomun.accounts.choices import Role
from khomun.orgunits.models import OrgUnit


def unit(code):
    return OrgUnit.objects.get(code=code)


def test_a_role_reaches_everything_below_its_unit(lampang_recorder):
    sub = OrgUnit.objects.filter(parent__code="5201").first()
    assert policy.can_view(lampang_recorder, unit("5201"))
    assert policy.can_view(lampang_recorder, sub)


def test_a_district_never_sees_another_district(lampang_recorder, chaiyaphum_recorder):
    assert not policy.can_view(lampang_recorder, unit("5202"))
    assert not policy.can_view(lampang_recorder, unit("3601"))
    assert not policy.can_view(chaiyaphum_recorder, unit("5201"))
    assert not policy.can_view(lampang_recorder, unit("52"))


def test_visible_orgunits_is_the_subtree(lampang_admin):
    codes = set(policy.visible_orgunits(lampang_admin).values_list("code", flat=True))
    assert "52" in codes and "5213" in codes
    assert not any(c.startswith("36") for c in codes)


def test_a_user_without_roles_sees_nothing(make_user):
    from khomun.accounts.models import User

    user = User.objects.create_user("nobody", password="x")
    assert not policy.visible_orgunits(user).exists()
    assert not policy.can_view(user, unit("TH"))


def test_a_province_admin_grants_only_lower_roles_in_its_province(lampang_admin):
    assert policy.can_grant(lampang_admin, Role.DISTRICT_RECORDER, unit("5201"))
    assert policy.can_grant(lampang_admin, Role.PROVINCE_RECORDER, unit("52"))
    assert not policy.can_grant(lampang_admin, Role.DISTRICT_RECORDER, unit("3601"))
    assert not policy.can_grant(lampang_admin, Role.PROVINCE_ADMIN, unit("52"))
    assert not policy.can_grant(lampang_admin, Role.DEPARTMENT_ADMIN, unit("TH"))


def test_roles_sit_only_at_their_level(dept_admin):
    assert not policy.can_grant(dept_admin, Role.DISTRICT_RECORDER, unit("52"))
    assert not policy.can_grant(dept_admin, Role.PROVINCE_ADMIN, unit("5201"))
    assert policy.can_grant(dept_admin, Role.PROVINCE_ADMIN, unit("52"))


def test_admin_roles_need_two_factor(dept_admin, lampang_admin, lampang_recorder, executive):
    assert policy.requires_two_factor(dept_admin)
    assert policy.requires_two_factor(lampang_admin)
    assert not policy.requires_two_factor(lampang_recorder)
    assert not policy.requires_two_factor(executive)


def test_a_province_admin_manages_only_its_own_accounts(
    lampang_admin, lampang_recorder, chaiyaphum_recorder, dept_admin
):
    managed = set(policy.manageable_users(lampang_admin))
    assert lampang_recorder in managed
    assert chaiyaphum_recorder not in managed
    assert dept_admin not in managed
    assert not policy.can_manage_user(lampang_admin, chaiyaphum_recorder)
    assert not policy.can_manage_user(lampang_admin, dept_admin)
