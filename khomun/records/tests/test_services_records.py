"""Saving, submitting and deleting records against the FY2562 catalog (seed 000)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khomun.accounts.choices import Role
from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records import services
from khomun.records.choices import ChangeAction, Entity, RecordState
from khomun.records.models import Change, Record, Subject
from khomun.records.services import ConflictError, LockedError, RecordError, save_record

TODAY = dt.date(2018, 12, 1)  # every first period of FY2562 is open
VILLAGE = "52010101"
VALID_ID = "1101700230708"
WRONG_ID = "1101700230709"

GROUP = {
    "group_name": "กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ",
    "village": VILLAGE,
    "members_male": 40,
    "members_female": 60,
    "members": 100,
    "savings_balance": "250,000.00",
    "loans_outstanding": "180000.50",
}


def period_of(key, number=1):
    return Dataset.objects.get(fiscal_year=2562, key=key).periods.get(number=number)


def district():
    return OrgUnit.objects.get(code="5201")


@pytest.fixture
def village(catalog_2562):
    return get_or_create_village("520101", 1, "บ้านเวียงเหนือ")


@pytest.fixture
def draft(lampang_recorder, village):
    return save_record(
        lampang_recorder,
        period_of("savings_groups"),
        {"group_name": GROUP["group_name"], "village": VILLAGE, "members_male": 40},
        orgunit=district(),
        today=TODAY,
    )


def counts():
    return (
        Record.objects.count(),
        Subject.objects.count(),
        Change.objects.count(),
        OrgUnit.objects.count(),
    )


# ---------------------------------------------------------------- drafts


def test_it_keeps_a_partial_draft(lampang_recorder, draft):
    draft.refresh_from_db()
    assert draft.state == RecordState.DRAFT
    assert draft.complete is False
    assert draft.values == {
        "group_name": GROUP["group_name"],
        "village": VILLAGE,
        "members_male": 40,
    }
    assert draft.orgunit.code == "5201" and draft.version == 1
    assert draft.subject.name == GROUP["group_name"]
    assert draft.subject.orgunit.code == VILLAGE  # the group sits in its village
    assert draft.created_by == lampang_recorder


def test_a_full_draft_is_complete_and_values_are_cleaned(lampang_recorder, village):
    record = save_record(
        lampang_recorder, period_of("savings_groups"), GROUP, orgunit=district(), today=TODAY
    )
    assert record.complete is True
    assert record.values["savings_balance"] == "250000.00"
    assert record.values["loans_outstanding"] == "180000.50"


def test_thai_digits_are_accepted(lampang_recorder, village):
    values = {**GROUP, "members_male": "๔๐", "members_female": "๖๐", "members": "๑๐๐"}
    record = save_record(
        lampang_recorder, period_of("savings_groups"), values, orgunit=district(), today=TODAY
    )
    assert record.values["members"] == 100


# Every field type, through the real datasets of FY2562: (dataset, values, field, label, words)
BAD_VALUES = [
    ("savings_groups", {"group_name": "ก" * 201}, "group_name", "ยาวเกิน 200"),
    ("savings_groups", {"members_male": "สี่สิบ"}, "members_male", "ต้องเป็นจำนวนเต็ม"),
    ("savings_groups", {"members_male": "4.5"}, "members_male", "ต้องเป็นจำนวนเต็ม"),
    ("savings_groups", {"members_male": -1}, "members_male", "ต้องไม่น้อยกว่า 0"),
    ("savings_groups", {"committee_size": 51}, "committee_size", "ต้องไม่เกิน 50"),
    ("savings_groups", {"savings_balance": "12.345"}, "savings_balance", "สตางค์"),
    ("savings_groups", {"savings_balance": "สองพัน"}, "savings_balance", "จำนวนเงินบาท"),
    ("savings_groups", {"founded_date": "31/02/2562"}, "founded_date", "ต้องเป็นวันที่"),
    ("savings_groups", {"health_level": "9"}, "health_level", "ไม่มีตัวเลือก"),
    ("savings_groups", {"village": "123"}, "village", "รหัสพื้นที่"),
    ("development_standard", {"assessment_score": "88.125"}, "assessment_score", "ทศนิยม"),
    ("development_standard", {"assessment_score": "101"}, "assessment_score", "ต้องไม่เกิน 100"),
    ("otop_sales", {"sales_channels": ["shop", "teleport"]}, "sales_channels", "ไม่มีตัวเลือก"),
    ("fund_management", {"has_debt_plan": "อาจจะ"}, "has_debt_plan", "ใช่ หรือ ไม่ใช่"),
    ("volunteer_evaluation", {"national_id": WRONG_ID}, "national_id", "เลขตรวจสอบ"),
    ("volunteer_evaluation", {"national_id": "12345"}, "national_id", "13 หลัก"),
    ("volunteer_evaluation", {"phone": "12345"}, "phone", "เบอร์โทรศัพท์"),
    ("volunteer_anniversary", {"activity_types": "ประชุม, บินได้"}, "activity_types", "ไม่มีตัวเลือก"),
]


@pytest.mark.parametrize(("key", "bad", "field", "words"), BAD_VALUES)
def test_a_bad_value_of_every_field_type_is_refused_in_thai(
    key, bad, field, words, lampang_recorder, lampang_admin, village
):
    period = period_of(key)
    defn = period.dataset.current.parsed
    identity = {f.key: "ชื่อทดสอบ" for f in defn.fields if f.identity and f.key not in bad}
    values = {**identity, "village": VILLAGE, **bad}
    actor, unit = (lampang_recorder, district())
    if key == "volunteer_anniversary":
        actor, unit = lampang_admin, OrgUnit.objects.get(code="52")
    before = counts()
    with pytest.raises(RecordError) as refused:
        save_record(actor, period, values, orgunit=unit, today=TODAY)
    message = " ".join(refused.value.errors[field])
    assert defn.get_field(field).label_th in message
    assert words in message
    assert counts() == before


def test_a_broken_cross_field_rule_names_the_field(lampang_recorder, village):
    values = {**GROUP, "members": 99}
    with pytest.raises(RecordError) as refused:
        save_record(
            lampang_recorder, period_of("savings_groups"), values, orgunit=district(), today=TODAY
        )
    assert refused.value.errors["members"] == ["สมาชิกชายรวมกับสมาชิกหญิงต้องเท่ากับจำนวนสมาชิกทั้งหมด"]
    assert not Record.objects.exists() and not Subject.objects.exists()


def test_an_english_speaker_gets_english_messages(lampang_recorder, village):
    lampang_recorder.language = "en"
    with pytest.raises(RecordError) as refused:
        save_record(
            lampang_recorder,
            period_of("savings_groups"),
            {**GROUP, "members_male": "many"},
            orgunit=district(),
            today=TODAY,
        )
    assert refused.value.errors["members_male"] == ["Male members must be a whole number."]


def test_an_area_outside_the_scope_is_refused_like_an_unknown_one(lampang_recorder, village):
    before = counts()
    for code in ("36010101", "52999901"):
        with pytest.raises(RecordError) as refused:
            save_record(
                lampang_recorder,
                period_of("savings_groups"),
                {**GROUP, "village": code},
                orgunit=district(),
                today=TODAY,
            )
        assert refused.value.errors["village"] == [f"ไม่พบพื้นที่รหัส {code} ในพื้นที่ของท่าน"]
    assert counts() == before


def test_a_village_of_another_district_of_the_province_is_refused(lampang_admin, village):
    with pytest.raises(RecordError) as refused:
        save_record(
            lampang_admin,
            period_of("savings_groups"),
            {**GROUP, "village": "52020101"},
            orgunit=district(),
            today=TODAY,
        )
    assert "village" in refused.value.errors
    assert not Subject.objects.exists()


def test_a_new_village_is_made_with_its_first_record(lampang_recorder, catalog_2562):
    record = save_record(
        lampang_recorder,
        period_of("savings_groups"),
        {**GROUP, "village": "52010107"},
        orgunit=district(),
        today=TODAY,
    )
    assert record.subject.orgunit.code == "52010107"
    assert record.subject.orgunit.parent.code == "520101"


def test_a_subject_of_another_kind_or_dissolved_is_refused(lampang_recorder, draft):
    subject = draft.subject
    with pytest.raises(RecordError) as wrong_kind:
        save_record(lampang_recorder, period_of("otop_sales"), {}, subject=subject, today=TODAY)
    assert "subject" in wrong_kind.value.errors
    services.dissolve_subject(lampang_recorder, subject, dt.date(2018, 12, 31))
    with pytest.raises(RecordError) as dissolved:
        save_record(
            lampang_recorder,
            period_of("savings_groups", 2),
            GROUP,
            subject=subject,
            today=dt.date(2019, 2, 1),
        )
    assert "ยุบเลิก" in dissolved.value.errors["subject"][0]
    assert Record.objects.filter(subject=subject).count() == 1


def test_a_district_cannot_record_a_province_dataset(lampang_recorder, lampang_admin, village):
    period = period_of("volunteer_anniversary")
    values = {"venue": "ศาลากลางจังหวัดลำปาง", "activity_count": 3}
    with pytest.raises(RecordError) as refused:
        save_record(lampang_recorder, period, values, orgunit=district(), today=TODAY)
    assert "orgunit" in refused.value.errors
    record = save_record(
        lampang_admin, period, values, orgunit=OrgUnit.objects.get(code="52"), today=TODAY
    )
    assert record.subject is None and record.orgunit.code == "52"
    with pytest.raises(ConflictError):
        save_record(
            lampang_admin, period, values, orgunit=OrgUnit.objects.get(code="52"), today=TODAY
        )


def test_a_second_record_for_the_same_subject_and_period_is_refused(lampang_recorder, draft):
    with pytest.raises(ConflictError):
        save_record(
            lampang_recorder,
            period_of("savings_groups"),
            GROUP,
            subject=draft.subject,
            today=TODAY,
        )
    assert Record.objects.count() == 1


# ---------------------------------------------------------------- submitting


def test_submit_refuses_an_incomplete_record_naming_each_field(lampang_recorder, draft):
    with pytest.raises(RecordError) as refused:
        services.submit_record(lampang_recorder, draft, today=TODAY)
    errors = refused.value.errors
    assert set(errors) == {"members_female", "members", "savings_balance", "loans_outstanding"}
    assert errors["members_female"] == ["กรุณากรอก “สมาชิกหญิง”"]
    draft.refresh_from_db()
    assert draft.state == RecordState.DRAFT and draft.version == 1
    assert not Change.objects.filter(action=ChangeAction.SUBMIT).exists()


def test_submit_of_a_complete_record_is_kept_in_its_history(lampang_recorder, draft):
    draft = save_record(lampang_recorder, draft.period, GROUP, record=draft, today=TODAY)
    submitted = services.submit_record(lampang_recorder, draft, today=TODAY)
    assert submitted.state == RecordState.SUBMITTED and submitted.complete
    assert submitted.submitted_by == lampang_recorder and submitted.submitted_at is not None
    change = Change.objects.get(entity=Entity.RECORD, entity_id=draft.pk, action="submit")
    assert change.actor == lampang_recorder and change.at is not None
    assert change.before == {"state": "draft"} and change.after == {"state": "submitted"}


def test_a_submitted_record_must_stay_complete(lampang_recorder, draft):
    draft = save_record(lampang_recorder, draft.period, GROUP, record=draft, today=TODAY)
    submitted = services.submit_record(lampang_recorder, draft, today=TODAY)
    partial = {k: v for k, v in GROUP.items() if k != "savings_balance"}
    with pytest.raises(RecordError) as refused:
        save_record(lampang_recorder, draft.period, partial, record=submitted, today=TODAY)
    assert refused.value.errors["savings_balance"] == ["กรุณากรอก “เงินสัจจะสะสมทรัพย์คงเหลือ”"]


# ---------------------------------------------------------------- optimistic locking


def test_the_second_of_two_saves_from_one_version_is_refused(lampang_recorder, make_user, draft):
    colleague = make_user("muang.lampang.2", Role.DISTRICT_RECORDER, "5201")
    first = {**GROUP, "members_male": 41, "members_female": 59}
    second = {**GROUP, "members_male": 10, "members_female": 90}
    save_record(
        lampang_recorder, draft.period, first, record=draft, expected_version=1, today=TODAY
    )
    stale = Record.objects.get(pk=draft.pk)
    stale.version = 1  # the colleague opened the form before the first save
    with pytest.raises(ConflictError) as refused:
        save_record(colleague, draft.period, second, record=stale, expected_version=1, today=TODAY)
    assert refused.value.status == 409
    assert "ผู้อื่นบันทึก" in refused.value.message
    draft.refresh_from_db()
    assert draft.values["members_male"] == 41 and draft.values["members_female"] == 59
    assert draft.version == 2 and draft.updated_by == lampang_recorder
    assert Change.objects.filter(entity_id=draft.pk, action="update").count() == 1


def test_a_stale_submit_is_refused(lampang_recorder, draft):
    save_record(lampang_recorder, draft.period, GROUP, record=draft, today=TODAY)
    with pytest.raises(ConflictError):
        services.submit_record(lampang_recorder, draft, expected_version=1, today=TODAY)
    draft.refresh_from_db()
    assert draft.state == RecordState.DRAFT


# ---------------------------------------------------------------- locks and approval


def test_a_locked_period_refuses_every_change(lampang_recorder, draft):
    after_lock = draft.period.lock + dt.timedelta(days=1)
    with pytest.raises(LockedError) as refused:
        save_record(lampang_recorder, draft.period, GROUP, record=draft, today=after_lock)
    assert "ปิดรับข้อมูลแล้ว" in refused.value.message and "2562" in refused.value.message
    with pytest.raises(LockedError):
        save_record(
            lampang_recorder,
            draft.period,
            {**GROUP, "group_name": "กลุ่มใหม่"},
            orgunit=district(),
            today=after_lock,
        )
    with pytest.raises(LockedError):
        services.submit_record(lampang_recorder, draft, today=after_lock)
    with pytest.raises(LockedError):
        services.delete_record(lampang_recorder, draft, today=after_lock)
    draft.refresh_from_db()
    assert draft.version == 1 and Record.objects.count() == 1


def test_the_lock_day_itself_is_still_open(lampang_recorder, draft):
    record = save_record(
        lampang_recorder, draft.period, GROUP, record=draft, today=draft.period.lock
    )
    assert record.version == 2


def test_an_approved_record_refuses_changes(lampang_recorder, draft):
    Record.objects.filter(pk=draft.pk).update(state=RecordState.APPROVED)
    draft.refresh_from_db()
    with pytest.raises(LockedError) as refused:
        save_record(lampang_recorder, draft.period, GROUP, record=draft, today=TODAY)
    assert "อนุมัติแล้ว" in refused.value.message
    with pytest.raises(LockedError):
        services.submit_record(lampang_recorder, draft, today=TODAY)
    with pytest.raises(LockedError):
        services.delete_record(lampang_recorder, draft, today=TODAY)
    assert Record.objects.get(pk=draft.pk).version == 1


# ---------------------------------------------------------------- history


def test_create_and_update_keep_who_when_before_and_after(lampang_recorder, draft):
    created = Change.objects.get(entity=Entity.RECORD, entity_id=draft.pk, action="create")
    assert created.actor == lampang_recorder and created.at is not None
    assert created.before is None and created.after == draft.values
    assert created.orgunit_path == "TH/52/5201/"
    old = dict(draft.values)
    updated = save_record(lampang_recorder, draft.period, GROUP, record=draft, today=TODAY)
    change = Change.objects.get(entity=Entity.RECORD, entity_id=draft.pk, action="update")
    assert change.actor == lampang_recorder
    assert change.before == old and change.after == updated.values
    assert [c.action for c in services.history(Entity.RECORD, draft.pk)] == ["update", "create"]


def test_delete_keeps_the_history(lampang_recorder, draft):
    values, pk = dict(draft.values), draft.pk
    services.delete_record(lampang_recorder, draft, today=TODAY)
    assert not Record.objects.filter(pk=pk).exists()
    actions = [c.action for c in services.history(Entity.RECORD, pk)]
    assert actions == ["delete", "create"]
    deleted = Change.objects.get(entity=Entity.RECORD, entity_id=pk, action="delete")
    assert deleted.before == values and deleted.after is None
    assert deleted.actor == lampang_recorder


def test_only_drafts_and_returned_records_can_be_deleted(lampang_recorder, draft):
    draft = save_record(lampang_recorder, draft.period, GROUP, record=draft, today=TODAY)
    submitted = services.submit_record(lampang_recorder, draft, today=TODAY)
    with pytest.raises(RecordError):
        services.delete_record(lampang_recorder, submitted, today=TODAY)
    assert Record.objects.filter(pk=draft.pk).exists()


def test_a_subject_made_by_a_record_has_its_own_history(lampang_recorder, draft):
    change = Change.objects.get(entity=Entity.SUBJECT, entity_id=draft.subject_id)
    assert change.action == "create" and change.actor == lampang_recorder
    assert change.after["name"] == GROUP["group_name"] and change.after["orgunit"] == VILLAGE


# ---------------------------------------------------------------- previous values


def test_previous_values_are_the_last_periods(lampang_recorder, draft):
    subject = draft.subject
    first = save_record(lampang_recorder, draft.period, GROUP, record=draft, today=TODAY)
    q3 = period_of("savings_groups", 3)
    assert services.previous_values(subject, draft.period) is None
    assert services.previous_values(subject, period_of("savings_groups", 2)) == first.values
    q2_values = {**GROUP, "savings_balance": "260000.00"}
    second = save_record(
        lampang_recorder,
        period_of("savings_groups", 2),
        q2_values,
        subject=subject,
        today=dt.date(2019, 3, 1),
    )
    assert services.previous_values(subject, q3) == second.values
    assert services.previous_values(second, q3)["savings_balance"] == "260000.00"
    assert services.previous_values(first, period_of("savings_groups", 2)) == first.values


def test_previous_values_of_a_unit_record(lampang_admin, catalog_2562):
    period = period_of("volunteer_anniversary")
    province = OrgUnit.objects.get(code="52")
    record = save_record(
        lampang_admin, period, {"activity_count": 3}, orgunit=province, today=TODAY
    )
    assert services.previous_values(record, period) is None


# ---------------------------------------------------------------- scope


def test_the_outsider_cannot_save_and_nothing_changes(lampang_recorder, chaiyaphum_recorder, draft):
    before = counts()
    with pytest.raises(Http404):
        save_record(chaiyaphum_recorder, draft.period, GROUP, record=draft, today=TODAY)
    with pytest.raises(Http404):
        save_record(chaiyaphum_recorder, draft.period, GROUP, subject=draft.subject, today=TODAY)
    with pytest.raises(Http404):
        save_record(
            chaiyaphum_recorder,
            draft.period,
            {**GROUP, "group_name": "กลุ่มอื่น"},
            orgunit=district(),
            today=TODAY,
        )
    with pytest.raises(Http404):
        services.submit_record(chaiyaphum_recorder, draft, today=TODAY)
    with pytest.raises(Http404):
        services.delete_record(chaiyaphum_recorder, draft, today=TODAY)
    assert counts() == before
    draft.refresh_from_db()
    assert draft.version == 1 and draft.values["members_male"] == 40


def test_the_executive_may_read_but_not_save(executive, draft):
    before = counts()
    with pytest.raises(PermissionDenied):
        save_record(executive, draft.period, GROUP, record=draft, today=TODAY)
    with pytest.raises(PermissionDenied):
        save_record(executive, draft.period, GROUP, orgunit=district(), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.submit_record(executive, draft, today=TODAY)
    assert counts() == before


def test_the_province_admin_records_for_its_districts(lampang_admin, draft):
    record = save_record(lampang_admin, draft.period, GROUP, record=draft, today=TODAY)
    assert record.updated_by == lampang_admin and record.version == 2


# ---------------------------------------------------------------- replaying the history

SAVE = st.fixed_dictionaries(
    {
        "male": st.integers(min_value=0, max_value=500),
        "female": st.integers(min_value=0, max_value=500),
        "stale": st.booleans(),
        "invalid": st.booleans(),
    }
)


def replay(record_id):
    """The values rebuilt from the Change rows alone, oldest first; each row's `before`
    must be what the rows before it built."""
    values = None
    for change in reversed(services.history(Entity.RECORD, record_id)):
        assert change.action in ("create", "update")
        assert change.before == values
        values = change.after
    return values


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(saves=st.lists(SAVE, min_size=1, max_size=8))
def test_the_history_replays_to_the_final_values(lampang_recorder, village, saves):
    period = period_of("savings_groups")
    name = f"กลุ่มออมทรัพย์ทดสอบ {Subject.objects.count() + 1}"
    record = save_record(
        lampang_recorder,
        period,
        {"group_name": name, "village": VILLAGE},
        orgunit=district(),
        today=TODAY,
    )
    accepted = 1
    for step in saves:
        values = {
            "group_name": name,
            "village": VILLAGE,
            "members_male": step["male"],
            "members_female": step["female"],
            "members": step["male"] + step["female"] + (1 if step["invalid"] else 0),
        }
        version = record.version - 1 if step["stale"] else record.version
        try:
            record = save_record(
                lampang_recorder,
                period,
                values,
                record=record,
                expected_version=version,
                today=TODAY,
            )
        except RecordError:
            assert step["stale"] or step["invalid"]
        else:
            assert not step["stale"] and not step["invalid"]
            accepted += 1
    record.refresh_from_db()
    assert replay(record.pk) == record.values
    assert record.version == accepted
    assert len(services.history(Entity.RECORD, record.pk)) == accepted


def test_a_reopened_district_may_save_after_the_lock_and_others_may_not(
    lampang_recorder, lampang_admin, draft, make_user
):
    """The lock holds for everyone until the province reopens one district."""
    from khomun.monitoring.locking import reopen
    from khomun.records.services import LockedError

    period = draft.period
    after_lock = period.lock + dt.timedelta(days=3)
    with pytest.raises(LockedError):
        save_record(lampang_recorder, period, {"members_male": 41}, record=draft, today=after_lock)
    reopen(lampang_admin, period, district(), 5, "ระบบล่มวันสุดท้าย", today=after_lock)
    saved = save_record(
        lampang_recorder,
        period,
        {**draft.values, "members_male": 41},
        record=draft,
        today=after_lock,
    )
    assert saved.values["members_male"] == 41
    # another district of the same province stays locked
    ngao = make_user("ngao.recorder", "district_recorder", "5205")
    village = get_or_create_village("520501", 1, "หลวงเหนือ")
    with pytest.raises(LockedError):
        save_record(
            ngao,
            period,
            {"group_name": "กลุ่มใหม่", "village": village.code},
            orgunit=OrgUnit.objects.get(code="5205"),
            today=after_lock,
        )
    # and the reopening ends after its days
    with pytest.raises(LockedError):
        save_record(
            lampang_recorder,
            period,
            saved.values,
            record=saved,
            today=after_lock + dt.timedelta(days=5),
        )
