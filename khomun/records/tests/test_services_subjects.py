"""Registering, changing, dissolving and merging subjects; duplicates never slip in."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from khomun.accounts.choices import Role
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records import services
from khomun.records.choices import Entity
from khomun.records.models import Change, Record, Subject
from khomun.records.services import DuplicateSubject, RecordError

GROUP_NAME = "กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"
VALID_ID = "1101700230708"
TODAY = dt.date(2018, 12, 1)


def unit(code):
    return OrgUnit.objects.get(code=code)


@pytest.fixture
def village(orgtree):
    return get_or_create_village("520101", 1, "บ้านเวียงเหนือ")


@pytest.fixture
def other_village(orgtree):
    return get_or_create_village("520102", 3, "บ้านท่าขัว")


@pytest.fixture
def group(lampang_recorder, village):
    return services.create_subject(
        lampang_recorder, kind="savings_group", orgunit=village, name=GROUP_NAME
    )


@pytest.fixture
def leader(lampang_recorder, village):
    return services.create_subject(
        lampang_recorder,
        kind="community_actor",
        orgunit=village,
        name="นายสมชาย ใจดี",
        national_id=VALID_ID,
    )


@pytest.fixture
def chaiyaphum_admin(make_user):
    return make_user("chaiyaphum.admin", Role.PROVINCE_ADMIN, "36")


# ---------------------------------------------------------------- registering


def test_it_registers_a_subject_with_its_history(lampang_recorder, group, village):
    assert group.orgunit_path == village.path and group.created_by == lampang_recorder
    assert "ออมทรัพย์" in group.search_text.split()
    change = Change.objects.get(entity=Entity.SUBJECT, entity_id=group.pk)
    assert change.action == "create" and change.actor == lampang_recorder and change.at
    assert change.before is None
    assert change.after["name"] == GROUP_NAME and change.after["orgunit"] == village.code


def test_it_stores_names_with_single_spaces(lampang_recorder, village):
    subject = services.create_subject(
        lampang_recorder, kind="community_actor", orgunit=village, name="  นางสมศรี    ใจดี "
    )
    assert subject.name == "นางสมศรี ใจดี"


def test_a_blank_name_or_kind_is_refused(lampang_recorder, village):
    with pytest.raises(RecordError) as blank:
        services.create_subject(lampang_recorder, kind="savings_group", orgunit=village, name=" ")
    assert blank.value.errors == {"name": ["กรุณาระบุชื่อ"]}
    with pytest.raises(RecordError) as no_kind:
        services.create_subject(lampang_recorder, kind="", orgunit=village, name="กลุ่ม")
    assert "kind" in no_kind.value.errors
    assert not Subject.objects.exists()


def test_a_bad_national_id_is_refused(lampang_recorder, village):
    with pytest.raises(RecordError) as refused:
        services.create_subject(
            lampang_recorder,
            kind="community_actor",
            orgunit=village,
            name="นายสมชาย ใจดี",
            national_id="1101700230709",
        )
    assert "เลขตรวจสอบ" in refused.value.errors["national_id"][0]
    assert not Subject.objects.exists()


def test_a_national_id_is_cleaned_of_dashes(lampang_recorder, village):
    subject = services.create_subject(
        lampang_recorder,
        kind="community_actor",
        orgunit=village,
        name="นายสมชาย ใจดี",
        national_id="1-1017-00230-70-8",
    )
    assert subject.national_id == VALID_ID


def test_the_outsider_cannot_register_in_lampang_nor_the_executive_anywhere(
    chaiyaphum_recorder, executive, village
):
    with pytest.raises(Http404):
        services.create_subject(
            chaiyaphum_recorder, kind="savings_group", orgunit=village, name="ก"
        )
    with pytest.raises(PermissionDenied):
        services.create_subject(executive, kind="savings_group", orgunit=village, name="ก")
    assert not Subject.objects.exists() and not Change.objects.exists()


# ---------------------------------------------------------------- duplicates


def test_a_person_is_never_registered_twice_even_when_confirmed(lampang_recorder, leader):
    with pytest.raises(DuplicateSubject) as refused:
        services.create_subject(
            lampang_recorder,
            kind="community_actor",
            orgunit=unit("520102"),
            name="นายสมชาย ใจงาม",
            national_id=VALID_ID,
            confirm_duplicate=True,
        )
    assert refused.value.hard and refused.value.visible
    assert refused.value.existing == leader
    assert "นายสมชาย ใจดี" in refused.value.message  # the user may see it: say where
    assert refused.value.errors["national_id"] == [refused.value.message]
    assert Subject.objects.filter(national_id=VALID_ID).count() == 1


def test_another_district_learns_only_that_the_id_is_registered(
    chaiyaphum_recorder, leader, orgtree
):
    chaiyaphum_village = get_or_create_village("360101", 1)
    with pytest.raises(DuplicateSubject) as refused:
        services.create_subject(
            chaiyaphum_recorder,
            kind="community_actor",
            orgunit=chaiyaphum_village,
            name="นายสมชาย ใจดี",
            national_id=VALID_ID,
        )
    assert refused.value.hard and not refused.value.visible
    assert refused.value.message == "เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้วในระบบ"
    assert "สมชาย" not in refused.value.message and "ลำปาง" not in refused.value.message
    assert Subject.objects.count() == 1


def test_the_province_sees_where_a_person_of_its_districts_is(lampang_admin, leader):
    with pytest.raises(DuplicateSubject) as refused:
        services.create_subject(
            lampang_admin,
            kind="community_actor",
            orgunit=unit("5202"),
            name="นายสมชาย",
            national_id=VALID_ID,
        )
    assert refused.value.visible
    assert "นายสมชาย ใจดี" in refused.value.message
    assert leader.orgunit.full_name_th in refused.value.message


def test_a_same_named_group_in_the_same_village_needs_confirming(lampang_recorder, group, village):
    for spelling in (GROUP_NAME, "กลุ่มออมทรัพย์  เพื่อการผลิต บ้านเวียงเหนือ"):
        with pytest.raises(DuplicateSubject) as warned:
            services.create_subject(
                lampang_recorder, kind="savings_group", orgunit=village, name=spelling
            )
        assert not warned.value.hard and warned.value.existing == group
        assert warned.value.errors["name"][0].startswith(f"มี “{GROUP_NAME}” ใน")
        assert "โปรดยืนยัน" in warned.value.message
    assert Subject.objects.count() == 1
    confirmed = services.create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=village,
        name=GROUP_NAME,
        confirm_duplicate=True,
    )
    assert confirmed.pk != group.pk and Subject.objects.count() == 2


def test_the_same_name_elsewhere_or_of_another_kind_is_no_duplicate(
    lampang_recorder, group, other_village, village
):
    services.create_subject(
        lampang_recorder, kind="savings_group", orgunit=other_village, name=GROUP_NAME
    )
    services.create_subject(
        lampang_recorder, kind="otop_producer", orgunit=village, name=GROUP_NAME
    )
    assert Subject.objects.count() == 3


def test_a_merged_subject_is_no_longer_a_duplicate(lampang_recorder, lampang_admin, group, village):
    twin = services.create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=village,
        name=GROUP_NAME,
        confirm_duplicate=True,
    )
    services.merge_subjects(lampang_admin, group, twin)
    assert services.find_duplicate("savings_group", village, GROUP_NAME) == (group, False)


# ---------------------------------------------------------------- changing


def test_an_update_keeps_before_and_after(lampang_recorder, group, village):
    services.update_subject(
        lampang_recorder,
        group,
        name="กลุ่มออมทรัพย์บ้านเวียงเหนือพัฒนา",
        orgunit=village,
        active_from=dt.date(2010, 5, 1),
    )
    group.refresh_from_db()
    assert group.name == "กลุ่มออมทรัพย์บ้านเวียงเหนือพัฒนา"
    assert "พัฒนา" in group.search_text.split()
    change = Change.objects.get(entity=Entity.SUBJECT, entity_id=group.pk, action="update")
    assert change.before["name"] == GROUP_NAME and change.before["active_from"] is None
    assert change.after["active_from"] == "2010-05-01" and change.actor == lampang_recorder


def test_an_update_is_not_its_own_duplicate_but_checks_others(lampang_recorder, group, village):
    services.update_subject(lampang_recorder, group, name=GROUP_NAME, orgunit=village)
    other = services.create_subject(
        lampang_recorder, kind="savings_group", orgunit=village, name="กลุ่มอื่น"
    )
    with pytest.raises(DuplicateSubject):
        services.update_subject(lampang_recorder, other, name=GROUP_NAME, orgunit=village)
    other.refresh_from_db()
    assert other.name == "กลุ่มอื่น"


def test_an_update_cannot_move_a_subject_out_of_scope(lampang_recorder, group, orgtree):
    with pytest.raises(Http404):
        services.update_subject(lampang_recorder, group, name=GROUP_NAME, orgunit=unit("3601"))
    group.refresh_from_db()
    assert group.orgunit.code == "52010101"


# ---------------------------------------------------------------- dissolving


def test_dissolving_keeps_the_date_and_the_history(lampang_recorder, group):
    services.dissolve_subject(lampang_recorder, group, dt.date(2019, 3, 31))
    group.refresh_from_db()
    assert group.dissolved_on == dt.date(2019, 3, 31)
    assert group.is_active_during(dt.date(2019, 1, 1), dt.date(2019, 3, 31))
    assert not group.is_active_during(dt.date(2019, 4, 1), dt.date(2019, 6, 30))
    change = Change.objects.get(entity=Entity.SUBJECT, entity_id=group.pk, action="dissolve")
    assert change.before["dissolved_on"] is None and change.after["dissolved_on"] == "2019-03-31"
    assert change.actor == lampang_recorder


def test_it_cannot_dissolve_before_it_began(lampang_recorder, village):
    subject = services.create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=village,
        name="กลุ่มใหม่",
        active_from=dt.date(2019, 1, 1),
    )
    with pytest.raises(RecordError) as refused:
        services.dissolve_subject(lampang_recorder, subject, dt.date(2018, 12, 31))
    assert "dissolved_on" in refused.value.errors
    subject.refresh_from_db()
    assert subject.dissolved_on is None


def test_the_outsider_and_the_executive_cannot_dissolve(chaiyaphum_recorder, executive, group):
    with pytest.raises(Http404):
        services.dissolve_subject(chaiyaphum_recorder, group, dt.date(2019, 1, 1))
    with pytest.raises(PermissionDenied):
        services.dissolve_subject(executive, group, dt.date(2019, 1, 1))
    group.refresh_from_db()
    assert group.dissolved_on is None


# ---------------------------------------------------------------- merging


@pytest.fixture
def twins(lampang_recorder, catalog_2562, village, other_village):
    """The same savings group entered twice, in two villages, each with a record."""
    from khomun.catalog.models import Dataset

    dataset = Dataset.objects.get(fiscal_year=2562, key="savings_groups")
    q1, q2 = dataset.periods.get(number=1), dataset.periods.get(number=2)
    values = {"group_name": GROUP_NAME, "village": village.code, "members_male": 1}
    first = services.save_record(lampang_recorder, q1, values, orgunit=unit("5201"), today=TODAY)
    second = services.save_record(
        lampang_recorder,
        q2,
        {**values, "village": other_village.code},
        orgunit=unit("5201"),
        today=dt.date(2019, 3, 1),
    )
    return first, second


def test_the_province_admin_merges_two_into_one(lampang_admin, twins):
    first, second = twins
    keep, remove = first.subject, second.subject
    services.merge_subjects(lampang_admin, keep, remove)
    remove.refresh_from_db()
    assert remove.merged_into == keep
    assert set(Record.objects.filter(subject=keep)) == {first, second}
    assert not Record.objects.filter(subject=remove).exists()
    kept_log = Change.objects.get(entity=Entity.SUBJECT, entity_id=keep.pk, action="merge")
    removed_log = Change.objects.get(entity=Entity.SUBJECT, entity_id=remove.pk, action="merge")
    for log in (kept_log, removed_log):
        assert log.actor == lampang_admin and log.at is not None
        assert log.after["records_moved"] == [second.pk]
    assert kept_log.after["absorbed"] == remove.pk
    assert removed_log.before["merged_into"] is None and removed_log.after["merged_into"] == keep.pk
    assert services.search_subjects(lampang_admin, "").count() == 1


def test_a_merge_is_refused_when_both_have_a_record_in_one_period(lampang_admin, twins):
    first, second = twins
    Record.objects.filter(pk=second.pk).update(period=first.period)
    with pytest.raises(RecordError) as refused:
        services.merge_subjects(lampang_admin, first.subject, second.subject)
    assert "งวดเดียวกัน" in refused.value.message
    second.subject.refresh_from_db()
    assert second.subject.merged_into is None
    assert not Change.objects.filter(action="merge").exists()


def test_a_subject_is_not_merged_into_itself_or_another_kind(lampang_admin, twins, village):
    first, _ = twins
    with pytest.raises(RecordError):
        services.merge_subjects(lampang_admin, first.subject, first.subject)
    otop = Subject.objects.create(
        kind="otop_producer", name="ผ้าทอ", orgunit=village, orgunit_path=village.path
    )
    with pytest.raises(RecordError):
        services.merge_subjects(lampang_admin, first.subject, otop)


def test_district_users_cannot_merge(lampang_recorder, twins):
    first, second = twins
    with pytest.raises(PermissionDenied):
        services.merge_subjects(lampang_recorder, first.subject, second.subject)
    assert Record.objects.get(pk=second.pk).subject == second.subject


def test_another_province_cannot_even_find_them(chaiyaphum_admin, twins):
    first, second = twins
    with pytest.raises(Http404):
        services.merge_subjects(chaiyaphum_admin, first.subject, second.subject)
    assert Record.objects.get(pk=second.pk).subject == second.subject


def test_the_department_may_merge_anywhere(dept_admin, twins):
    first, second = twins
    services.merge_subjects(dept_admin, first.subject, second.subject)
    assert Record.objects.filter(subject=first.subject).count() == 2


# ---------------------------------------------------------------- the review list


def test_possible_duplicates_of_a_province(
    lampang_recorder, lampang_admin, chaiyaphum_admin, group, other_village, village, orgtree
):
    spaced = services.create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=other_village,
        name="กลุ่มออมทรัพย์ เพื่อการผลิตบ้านเวียงเหนือ",
    )
    services.create_subject(
        lampang_recorder, kind="otop_producer", orgunit=village, name=GROUP_NAME
    )
    services.create_subject(
        chaiyaphum_admin, kind="savings_group", orgunit=unit("3601"), name=GROUP_NAME
    )
    groups = services.possible_duplicates(lampang_admin, unit("52"))
    assert [(g.kind, g.reason, g.subjects) for g in groups] == [
        ("savings_group", "name", [group, spaced])
    ]
    assert services.possible_duplicates(chaiyaphum_admin, unit("36")) == []


def test_only_a_province_admin_reviews_duplicates(
    lampang_recorder, chaiyaphum_admin, group, orgtree
):
    with pytest.raises(PermissionDenied):
        services.possible_duplicates(lampang_recorder, unit("5201"))
    with pytest.raises(Http404):
        services.possible_duplicates(chaiyaphum_admin, unit("52"))


# ---------------------------------------------------------------- areas and kinds


def test_a_subject_area_makes_a_village_inside_the_scope_only(
    lampang_recorder, chaiyaphum_recorder, executive, orgtree
):
    assert services.subject_area(lampang_recorder, "52010109").parent.code == "520101"
    assert services.subject_area(lampang_recorder, "520101").level == "subdistrict"
    for code in ("36010101", "3601", "52999901", "9999"):
        with pytest.raises(RecordError):
            services.subject_area(lampang_recorder, code)
    with pytest.raises(RecordError):
        services.subject_area(chaiyaphum_recorder, "52010108")
    with pytest.raises(PermissionDenied):
        services.subject_area(executive, "52010108")
    assert not OrgUnit.objects.filter(code__in=["36010101", "52010108"]).exists()


def test_a_province_is_no_place_for_a_subject(lampang_admin, orgtree):
    with pytest.raises(RecordError) as refused:
        services.subject_area(lampang_admin, "52")
    assert "orgunit" in refused.value.errors


def test_the_kinds_come_from_the_catalog_in_thai(catalog_2562):
    kinds = services.subject_kinds()
    assert kinds["savings_group"] == "กลุ่มออมทรัพย์เพื่อการผลิต"
    assert kinds["otop_producer"] == "ผู้ผลิต/ผู้ประกอบการ OTOP"
    assert len(kinds) == 10


def test_entering_a_person_twice_through_a_record_is_refused(
    catalog_2562, lampang_recorder, village
):
    """The national ID field of a person dataset identifies the person: a second record
    form for the same ID never registers a second person."""
    from khomun.catalog.models import Dataset

    dataset = Dataset.objects.get(fiscal_year=2562, key="volunteer_evaluation")
    period = dataset.periods.get(number=1)
    values = {
        "title": "นาย",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "national_id": VALID_ID,
        "village": village.code,
    }
    first = services.save_record(
        lampang_recorder, period, values, orgunit=unit("5201"), today=dt.date(2019, 9, 1)
    )
    assert first.subject.national_id == VALID_ID
    again = {**values, "first_name": "สมชาติ"}
    with pytest.raises(DuplicateSubject) as info:
        services.save_record(
            lampang_recorder,
            period,
            again,
            orgunit=unit("5201"),
            today=dt.date(2019, 9, 1),
            confirm_duplicate=True,
        )
    assert info.value.hard and "national_id" in info.value.errors
    assert Subject.objects.filter(national_id=VALID_ID).count() == 1
