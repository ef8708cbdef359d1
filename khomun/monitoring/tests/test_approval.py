"""The state machine: every allowed and refused move, by role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from khomun.monitoring import approval
from khomun.monitoring.tests.conftest import AFTER_DUE, AFTER_LOCK, savings_period
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Change, Record
from khomun.records.services import (
    ConflictError,
    LockedError,
    RecordError,
    save_record,
    submit_record,
)


def state(record):
    record.refresh_from_db()
    return record.state


@pytest.fixture
def sent(muang, district_head):
    """The district head has submitted Mueang Lampang's period."""
    district = OrgUnit.objects.get(code="5201")
    approval.submit_district(district_head, savings_period(), district, today=AFTER_DUE)
    for record in [*muang["complete"], muang["draft"]]:
        record.refresh_from_db()
    return muang


def test_the_district_head_submits_every_complete_record_and_lists_the_rest(muang, district_head):
    district = OrgUnit.objects.get(code="5201")
    done = approval.submit_district(district_head, savings_period(), district, today=AFTER_DUE)
    assert sorted(r.pk for r in done.submitted) == sorted(r.pk for r in muang["complete"])
    assert all(state(r) == RecordState.SUBMITTED for r in muang["complete"])
    assert state(muang["draft"]) == RecordState.DRAFT
    assert sorted(g.status for g in done.blocking) == ["incomplete", "missing"]
    change = Change.objects.filter(entity_id=muang["complete"][0].pk, action="submit").get()
    assert change.actor == district_head
    assert (change.before, change.after) == ({"state": "draft"}, {"state": "submitted"})


@pytest.mark.parametrize(
    "who, refusal",
    [
        ("lampang_recorder", PermissionDenied),
        ("lampang_admin", PermissionDenied),
        ("dept_admin", PermissionDenied),
        ("executive", PermissionDenied),
        ("chaiyaphum_recorder", Http404),
        ("chaiyaphum_admin", Http404),
    ],
)
def test_only_the_district_head_submits_the_district(muang, who, refusal, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(refusal):
        approval.submit_district(
            actor, savings_period(), OrgUnit.objects.get(code="5201"), today=AFTER_DUE
        )
    assert all(state(r) == RecordState.DRAFT for r in muang["complete"])


def test_a_district_cannot_submit_after_the_lock(muang, district_head):
    with pytest.raises(LockedError):
        approval.submit_district(
            district_head, savings_period(), OrgUnit.objects.get(code="5201"), today=AFTER_LOCK
        )
    assert state(muang["complete"][0]) == RecordState.DRAFT


@pytest.mark.parametrize("who", ["lampang_admin", "dept_admin"])
def test_the_province_approves_a_submitted_record(sent, who, request):
    actor = request.getfixturevalue(who)
    record = sent["complete"][0]
    before = record.version
    approved = approval.approve_record(actor, record)
    assert approved.state == RecordState.APPROVED and approved.version == before + 1
    change = Change.objects.filter(entity_id=record.pk, action="approve").get()
    assert change.actor == actor and change.after == {"state": "approved"}


@pytest.mark.parametrize(
    "who, refusal",
    [
        ("lampang_recorder", PermissionDenied),
        ("district_head", PermissionDenied),
        ("executive", PermissionDenied),
        ("chaiyaphum_recorder", Http404),
        ("chaiyaphum_admin", Http404),
    ],
)
def test_nobody_else_approves_or_returns(sent, who, refusal, request):
    actor = request.getfixturevalue(who)
    record = sent["complete"][0]
    with pytest.raises(refusal):
        approval.approve_record(actor, record)
    with pytest.raises(refusal):
        approval.return_record(actor, record, "แก้ยอดเงินออม")
    assert state(record) == RecordState.SUBMITTED


@pytest.mark.parametrize("start", [RecordState.DRAFT, RecordState.RETURNED, RecordState.APPROVED])
def test_only_a_submitted_record_can_be_approved(muang, lampang_admin, start):
    record = muang["complete"][0]
    Record.objects.filter(pk=record.pk).update(state=start)
    record.refresh_from_db()
    with pytest.raises(approval.TransitionError) as refused:
        approval.approve_record(lampang_admin, record)
    assert refused.value.status == 409
    assert state(record) == start


@pytest.mark.parametrize("start", [RecordState.SUBMITTED, RecordState.APPROVED])
def test_the_province_returns_a_submitted_or_approved_record_with_a_comment(
    muang, lampang_admin, start
):
    record = muang["complete"][0]
    Record.objects.filter(pk=record.pk).update(state=start)
    record.refresh_from_db()
    returned = approval.return_record(lampang_admin, record, "ยอดเงินออมไม่ตรงกับสมุดบัญชี")
    assert returned.state == RecordState.RETURNED
    assert returned.return_comment == "ยอดเงินออมไม่ตรงกับสมุดบัญชี"
    change = Change.objects.filter(entity_id=record.pk, action="return").get()
    assert change.comment == "ยอดเงินออมไม่ตรงกับสมุดบัญชี" and change.actor == lampang_admin
    assert (change.before, change.after) == ({"state": start.value}, {"state": "returned"})


@pytest.mark.parametrize("start", [RecordState.DRAFT, RecordState.RETURNED])
def test_a_draft_or_returned_record_cannot_be_returned(muang, lampang_admin, start):
    record = muang["complete"][0]
    Record.objects.filter(pk=record.pk).update(state=start)
    record.refresh_from_db()
    with pytest.raises(approval.TransitionError):
        approval.return_record(lampang_admin, record, "แก้ไข")


def test_a_return_needs_a_comment_naming_the_field(sent, lampang_admin):
    record = sent["complete"][0]
    with pytest.raises(RecordError) as refused:
        approval.return_record(lampang_admin, record, "   ")
    assert "เหตุผลที่ส่งกลับ" in refused.value.errors["comment"][0]
    assert state(record) == RecordState.SUBMITTED


def test_a_stale_version_is_refused(sent, lampang_admin):
    record = sent["complete"][0]
    with pytest.raises(ConflictError):
        approval.approve_record(lampang_admin, record, expected_version=record.version - 1)
    assert state(record) == RecordState.SUBMITTED


def test_a_returned_record_is_editable_again_and_resubmitted(sent, lampang_admin, lampang_recorder):
    record = approval.return_record(lampang_admin, sent["complete"][0], "จำนวนสมาชิกผิด")
    values = {**record.values, "members_male": 11, "members_female": 9}
    saved = save_record(lampang_recorder, record.period, values, record=record, today=AFTER_DUE)
    assert saved.state == RecordState.RETURNED and saved.values["members_male"] == 11
    resent = submit_record(lampang_recorder, saved, today=AFTER_DUE)
    assert resent.state == RecordState.SUBMITTED


def test_approved_data_is_read_only_below_the_province(sent, lampang_admin, lampang_recorder):
    record = approval.approve_record(lampang_admin, sent["complete"][0])
    with pytest.raises(LockedError):
        save_record(lampang_recorder, record.period, record.values, record=record)
    with pytest.raises(LockedError):
        submit_record(lampang_recorder, record)
    assert state(record) == RecordState.APPROVED


def test_the_province_approves_and_returns_a_whole_district(sent, lampang_admin, district_head):
    district = OrgUnit.objects.get(code="5201")
    period = savings_period()
    approved = approval.approve_district(lampang_admin, period, district)
    assert len(approved) == 2 and all(state(r) == RecordState.APPROVED for r in approved)
    assert state(sent["draft"]) == RecordState.DRAFT  # never submitted, never approved
    first = sent["complete"][0]
    returned = approval.return_district(
        lampang_admin, period, district, "ตรวจสอบอีกครั้ง", record_ids=[first.pk]
    )
    assert [r.pk for r in returned] == [first.pk]
    assert state(first) == RecordState.RETURNED
    history = approval.district_history(period, district)
    assert [c.action for c in history][:1] == ["return"]
    assert {c.action for c in history} == {"submit", "approve", "return"}
    with pytest.raises(PermissionDenied):
        approval.approve_district(district_head, period, district)


def test_the_district_head_resubmits_what_was_returned(sent, lampang_admin, district_head):
    district = OrgUnit.objects.get(code="5201")
    approval.return_district(lampang_admin, savings_period(), district, "ขอเอกสารเพิ่ม")
    done = approval.submit_district(district_head, savings_period(), district, today=AFTER_DUE)
    assert len(done.submitted) == 2
    assert all(state(r) == RecordState.SUBMITTED for r in sent["complete"])
