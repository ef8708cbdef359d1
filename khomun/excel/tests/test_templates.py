"""The .xlsx template: headers, lists, formats, pre-filled subjects, and every field
type going out to Excel and back in."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine

from khomun.excel import imports
from khomun.excel.models import ImportState
from khomun.excel.templates import FIRST_DATA_ROW, HEADER_ROW, MARKER_ROW
from khomun.excel.tests.helpers import (
    SPRING,
    fill_template,
    load_all_types,
    period_of,
    template_headers,
)
from khomun.orgunits.models import OrgUnit
from khomun.records.models import Record, Subject
from khomun.records.services import create_subject, dissolve_subject

TEMPLATE = "/excel/2562/{key}/{number}/template.xlsx?orgunit=5201"


@pytest.fixture
def spring():
    with time_machine.travel(SPRING, tick=False):
        yield


def download(client, key="savings_groups", number=2):
    response = client.get(TEMPLATE.format(key=key, number=number))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def workbook(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def test_it_has_thai_headers_marking_required_fields(
    spring, lampang_data, lampang_recorder, client_for
):
    headers = template_headers(download(client_for(lampang_recorder)))
    assert headers[:3] == ["รหัสรายการ", "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต *", "หมู่บ้านที่ตั้งกลุ่ม *"]
    assert "ผลการตรวจสุขภาพกลุ่ม" in headers


def test_it_has_english_headers_for_a_user_who_chose_english(
    spring, lampang_data, lampang_recorder, client_for
):
    lampang_recorder.language = "en"
    lampang_recorder.save()
    headers = template_headers(download(client_for(lampang_recorder)))
    assert "Group name *" in headers and "Savings balance *" in headers


def test_its_header_names_dataset_year_period_and_unit(
    spring, lampang_data, lampang_recorder, client_for
):
    sheet = workbook(download(client_for(lampang_recorder))).worksheets[0]
    title = sheet.cell(row=1, column=1).value
    assert "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต" in title and "2562" in title
    assert "อำเภอเมืองลำปาง" in title
    assert sheet.cell(row=MARKER_ROW + 1, column=2).value == "KHOMUN:savings_groups/2562/2/5201"


def test_choices_are_drop_downs_from_a_hidden_sheet(
    spring, lampang_data, lampang_recorder, client_for
):
    book = workbook(download(client_for(lampang_recorder)))
    lists = book["lists"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"]] == [
        "health_level",
        "ระดับ 1 ต้องปรับปรุง",
        "ระดับ 2 ปานกลาง",
        "ระดับ 3 ดี",
    ]
    validations = book.worksheets[0].data_validations.dataValidation
    health = next(v for v in validations if v.type == "list")
    assert health.formula1 == "lists!$A$2:$A$4"
    assert str(health.sqref).startswith("P4:")  # the health column, from the first data row


def test_it_pre_fills_active_subjects_with_their_last_period_values(
    spring, lampang_data, lampang_recorder, client_for
):
    gone = create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=OrgUnit.objects.get(code="5201"),
        name="กลุ่มที่ยุบไปแล้ว",
    )
    dissolve_subject(lampang_recorder, gone, dt.date(2018, 12, 31))

    sheet = workbook(download(client_for(lampang_recorder))).worksheets[0]
    headers = template_headers(download(client_for(lampang_recorder)))
    row = [c.value for c in sheet[FIRST_DATA_ROW + 1]]
    assert row[0] == lampang_data["lampang_subject"]
    assert row[headers.index("ชื่อกลุ่มออมทรัพย์เพื่อการผลิต *")] == "กลุ่มออมทรัพย์บ้านเวียงเหนือ"
    assert row[headers.index("จำนวนสมาชิกทั้งหมด *")] == 100  # period 1's value
    assert sheet.max_row == FIRST_DATA_ROW + 1  # the dissolved group is not expected


def test_money_cells_have_a_baht_format(spring, lampang_data, lampang_recorder, client_for):
    Record.objects.filter(pk=lampang_data["lampang_record"]).update(
        values={"group_name": "กลุ่มออมทรัพย์บ้านเวียงเหนือ", "savings_balance": "1500.50"}
    )
    content = download(client_for(lampang_recorder))
    headers = template_headers(content)
    cell = (
        workbook(content)
        .worksheets[0]
        .cell(row=FIRST_DATA_ROW + 1, column=headers.index("เงินสัจจะสะสมทรัพย์คงเหลือ *") + 1)
    )
    assert cell.value == 1500.5 and cell.number_format == "#,##0.00"


def test_every_field_type_goes_through_excel_and_back(
    spring, catalog_2562, lampang_recorder, client_for
):
    period = load_all_types()
    mentor = create_subject(
        lampang_recorder,
        kind="test_person",
        orgunit=OrgUnit.objects.get(code="5201"),
        name="พี่เลี้ยง ใจดี",
    )
    client = client_for(lampang_recorder)
    filled = fill_template(
        download(client, "all_types"),
        [
            {
                "ชื่อ-สกุล": "นางสาวสมหญิง  รักถิ่น",
                "เลขประจำตัวประชาชน": "1-1012-00012-34-5",
                "หมู่บ้าน": "52010102",
                "วันเกิด": "๑๕/๐๖/๒๕๒๕",
                "จำนวนบุตร": 2,
                "รายได้ต่อปี": "120,000.75",
                "คะแนน": 87.5,
                "ระดับ": "ดีมาก",
                "ทักษะ": "ทำอาหาร, ทอผ้า",
                "เป็นอาสาสมัคร": "ใช่",
                "โทรศัพท์": "081 234 5678",
                "พี่เลี้ยง": mentor.pk,
            },
            {"ชื่อ-สกุล": "นายสมชาย ทดสอบ", "รายได้ต่อปี": 1000, "เป็นอาสาสมัคร": "ไม่ใช่"},
        ],
    )
    unit = OrgUnit.objects.get(code="5201")
    job = imports.start_import(lampang_recorder, period, unit, "people.xlsx", filled)
    assert job.state == ImportState.DONE, (job.message, job.errors)

    person = Subject.objects.get(national_id="1101200012345")
    assert person.name == "นางสาวสมหญิง รักถิ่น" and person.orgunit.code == "52010102"
    assert Record.objects.get(subject=person).values == {
        "full_name": "นางสาวสมหญิง รักถิ่น",
        "national_id": "1101200012345",
        "village": "52010102",
        "birth_date": "1982-06-15",
        "children": 2,
        "income": "120000.75",
        "score": "87.5",
        "level": "a",
        "skills": ["weave", "cook"],
        "volunteer": True,
        "phone": "0812345678",
        "mentor": mentor.pk,
    }
    assert Record.objects.get(subject__name="นายสมชาย ทดสอบ").values["volunteer"] is False

    # The next template carries the same values; uploading it back changes nothing.
    again = imports.start_import(
        lampang_recorder, period, unit, "again.xlsx", download(client, "all_types")
    )
    assert again.state == ImportState.DONE, again.errors
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)


def test_a_template_cannot_go_into_another_period(
    spring, lampang_data, lampang_recorder, client_for
):
    content = download(client_for(lampang_recorder), number=2)
    job = imports.start_import(
        lampang_recorder,
        period_of("savings_groups", 3),
        OrgUnit.objects.get(code="5201"),
        "groups.xlsx",
        content,
    )
    assert job.state == ImportState.FAILED
    assert "งวดที่ 2" in job.message and "ไม่ตรงกับที่เลือกนำเข้า" in job.message


def test_a_template_is_refused_to_an_executive_and_hidden_from_the_outsider(
    spring, lampang_data, executive, chaiyaphum_recorder, client_for
):
    url = TEMPLATE.format(key="savings_groups", number=2)
    assert client_for(executive).get(url).status_code == 403
    assert client_for(chaiyaphum_recorder).get(url).status_code == 404


def test_header_row_position_matches_the_reader(spring, lampang_data, lampang_recorder, client_for):
    sheet = workbook(download(client_for(lampang_recorder))).worksheets[0]
    assert sheet.cell(row=HEADER_ROW + 1, column=1).value == "รหัสรายการ"
    assert sheet.freeze_panes == "C4"
