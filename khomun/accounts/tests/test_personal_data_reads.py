"""PDPA: opening a person's national ID is logged, and the province reads its own log."""

import datetime as dt

from django.urls import reverse

from khomun.accounts.models import AuditEvent
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records import services

VALID_ID = "1101700230708"


def test_opening_a_person_is_logged_for_the_province(
    catalog_2562, lampang_recorder, lampang_admin, client_for
):
    village = get_or_create_village("520101", 2, "ป่าขาม")
    person = services.create_subject(
        lampang_recorder,
        kind="community_volunteer",
        orgunit=village,
        name="นายสมชาย ใจดี",
        national_id=VALID_ID,
    )
    response = client_for(lampang_recorder).get(reverse("subject_detail", args=[person.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="personal_data_read")
    assert event.actor == lampang_recorder
    assert event.detail == {"what": "subject", "subject": person.pk}
    assert event.scope_path.startswith("TH/52/5201/")
    log = client_for(lampang_admin).get(reverse("audit_log")).content.decode()
    assert "เปิดดูข้อมูลส่วนบุคคล" in log


def test_a_group_without_personal_data_is_not_logged(lampang_data, lampang_recorder, client_for):
    client_for(lampang_recorder).get(
        reverse("subject_detail", args=[lampang_data["lampang_subject"]])
    )
    assert not AuditEvent.objects.filter(action="personal_data_read").exists()


def test_opening_a_record_with_a_national_id_is_logged(catalog_2562, lampang_recorder, client_for):
    from khomun.catalog.models import Dataset

    period = Dataset.objects.get(fiscal_year=2562, key="volunteer_evaluation").periods.get(number=1)
    village = get_or_create_village("520101", 3, "ต้นยาง")
    record = services.save_record(
        lampang_recorder,
        period,
        {
            "title": "นาง",
            "first_name": "มาลี",
            "last_name": "ดีมาก",
            "national_id": VALID_ID,
            "village": village.code,
        },
        orgunit=OrgUnit.objects.get(code="5201"),
        today=dt.date(2019, 9, 1),
    )
    client_for(lampang_recorder).get(reverse("record_detail", args=[record.pk]))
    event = AuditEvent.objects.get(action="personal_data_read")
    assert event.detail == {"what": "record", "record": record.pk}
