"""The letter screens: new letter from monitoring, detail, download again, cancel,
register search, settings, and scope."""

import datetime as dt

import pytest

from khomun.letters.choices import LetterStatus, LetterType
from khomun.letters.content import LetterKind
from khomun.letters.models import Letter, LetterSettings
from khomun.letters.services import generate_letter, search_letters
from khomun.letters.tests.conftest import DECEMBER
from khomun.letters.tests.seed_content import tiny_png


@pytest.fixture
def letter(lampang, lampang_settings, lampang_admin, late_districts, fast_renderers):
    return generate_letter(
        lampang_admin, lampang, LetterType.REMINDER, LetterKind.EXTERNAL, 2562, DECEMBER,
        date=dt.date(2018, 12, 10),
    )  # fmt: skip


def test_the_matrix_links_a_province_admin_to_the_letter_form(
    client_for, lampang_admin, catalog_2562
):
    html = client_for(lampang_admin).get("/monitoring/2562/52/").content.decode()
    assert 'data-testid="letter-link"' in html
    assert "/letters/new/52/?type=reminder&amp;fiscal_year=2562&amp;month=" in html


def test_the_matrix_shows_no_letter_link_to_a_recorder(client_for, lampang_recorder, catalog_2562):
    html = client_for(lampang_recorder).get("/monitoring/2562/5201/").content.decode()
    assert "letter-link" not in html


def test_the_form_lists_the_late_districts_with_what_they_miss(
    client_for, lampang_admin, late_districts, lampang_settings
):
    response = client_for(lampang_admin).get(
        "/letters/new/52/?type=reminder&fiscal_year=2562&month=12"
    )
    html = response.content.decode()
    assert 'data-testid="missing-5201"' in html and 'data-testid="missing-5202"' in html
    assert "missing-5203" not in html
    assert "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต งวดที่ ๑ ขาด ๑ จาก ๒" in html


def test_it_generates_a_reminder_for_the_chosen_districts(
    client_for, lampang_admin, late_districts, lampang_settings, fast_renderers
):
    client = client_for(lampang_admin)
    form = {
        "letter_type": "reminder",
        "kind": "memo",
        "fiscal_year": "2562",
        "month": "12",
        "districts": ["5202"],
        "date": "2018-12-10",
    }
    response = client.post("/letters/new/52/", form)
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/letters/{letter.pk}/"
    assert letter.addressee == "พัฒนาการอำเภอแม่เมาะ" and letter.kind == "memo"
    assert letter.created_by == lampang_admin and letter.number_text == "ลป ๐๐๑๙.๔/๑"


def test_it_refuses_a_district_that_is_not_late(
    client_for, lampang_admin, late_districts, lampang_settings, fast_renderers
):
    form = {
        "letter_type": "reminder",
        "kind": "external",
        "fiscal_year": "2562",
        "month": "12",
        "districts": ["5203"],
    }
    response = client_for(lampang_admin).post("/letters/new/52/", form)
    assert response.status_code == 200 and not Letter.objects.exists()


def test_download_again_gives_the_same_bytes(client_for, lampang_admin, letter):
    client = client_for(lampang_admin)
    first = b"".join(client.get(f"/letters/{letter.pk}/pdf/").streaming_content)
    again = b"".join(client.get(f"/letters/{letter.pk}/pdf/").streaming_content)
    assert first == again == letter.pdf.open("rb").read()
    docx = b"".join(client.get(f"/letters/{letter.pk}/docx/").streaming_content)
    assert docx.startswith(b"docx:")
    assert client.get(f"/letters/{letter.pk}/odt/").status_code == 404


def test_cancelling_needs_a_reason_and_keeps_the_letter(client_for, lampang_admin, letter):
    client = client_for(lampang_admin)
    response = client.post(f"/letters/{letter.pk}/cancel/", {"reason": " "})
    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED
    client.post(f"/letters/{letter.pk}/cancel/", {"reason": "ส่งซ้ำ"})
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CANCELLED and letter.cancel_reason == "ส่งซ้ำ"
    assert letter.cancelled_by == lampang_admin
    assert "ส่งซ้ำ" in client.get(f"/letters/{letter.pk}/").content.decode()


def test_the_register_searches_number_subject_recipient_date_and_status(
    client_for, lampang_admin, letter
):
    assert list(search_letters(lampang_admin, "๐๐๑๙.๔/ว ๑")) == [letter]
    assert list(search_letters(lampang_admin, "0019.4/ว 1")) == [letter]
    assert list(search_letters(lampang_admin, "แม่เมาะ")) == [letter]
    assert list(search_letters(lampang_admin, "เกาะคา")) == []
    assert list(search_letters(lampang_admin, date_from=dt.date(2018, 12, 11))) == []
    assert list(search_letters(lampang_admin, status=LetterStatus.CANCELLED)) == []
    html = client_for(lampang_admin).get("/letters/?q=เร่งรัด").content.decode()
    assert letter.number_text in html


def test_the_outsider_cannot_reach_a_lampang_letter(
    client_for, chaiyaphum_recorder, lampang_recorder, executive, letter
):
    outsider = client_for(chaiyaphum_recorder)
    for path in ("", "pdf/", "docx/"):
        assert outsider.get(f"/letters/{letter.pk}/{path}").status_code == 404
    assert outsider.post(f"/letters/{letter.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert client_for(lampang_recorder).get(f"/letters/{letter.pk}/").status_code == 404
    assert client_for(executive).get(f"/letters/{letter.pk}/").status_code == 403
    assert letter.pk not in [row.pk for row in search_letters(chaiyaphum_recorder)]
    assert letter.number_text not in outsider.get("/letters/").content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED


def test_the_settings_page_validates_placeholders(client_for, lampang_admin, lampang):
    client = client_for(lampang_admin)
    assert "settings-prompt" in client.get("/letters/settings/52/").content.decode()
    response = client.post(
        "/letters/settings/52/", {"code": "ลป 0019.4", "reminder_body": "ขอให้ส่ง {deadline}"}
    )
    assert "ไม่รู้จักตัวแปร {deadline}" in response.content.decode()
    assert not LetterSettings.objects.exists()
    client.post("/letters/settings/52/", {"code": "ลป 0019.4", "reminder_body": "ภายใน {due_date}"})
    assert LetterSettings.objects.get().code == "ลป 0019.4"


def test_the_crest_must_be_a_small_png_or_jpeg(client_for, lampang_admin, lampang):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(lampang_admin)
    fake = SimpleUploadedFile("crest.png", b"GIF89a....", content_type="image/png")
    response = client.post("/letters/settings/52/", {"crest": fake})
    assert "PNG หรือ JPEG" in response.content.decode() and not LetterSettings.objects.exists()
    junk = SimpleUploadedFile(
        "crest.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png"
    )
    response = client.post("/letters/settings/52/", {"crest": junk})
    assert "PNG หรือ JPEG" in response.content.decode() and not LetterSettings.objects.exists()
    png = SimpleUploadedFile("crest.png", tiny_png(), content_type="image/png")
    client.post("/letters/settings/52/", {"crest": png})
    assert LetterSettings.objects.get().crest.read().startswith(b"\x89PNG")


def test_a_jpeg_crest_is_kept_as_png(client_for, lampang_admin, lampang):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (30, 30), "red").save(jpeg, format="JPEG")
    upload = SimpleUploadedFile("crest.jpg", jpeg.getvalue(), content_type="image/jpeg")
    client_for(lampang_admin).post("/letters/settings/52/", {"crest": upload})
    with Image.open(LetterSettings.objects.get().crest) as stored:
        assert stored.format == "PNG" and stored.size == (30, 30)
