"""Reading files: what we refuse, every encoding and separator, Thai digits and dates."""

import codecs
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from khomun.catalog.definition import load_definition
from khomun.catalog.validation import validate_values
from khomun.excel import reading
from khomun.excel.reading import FileRefused, cell_value, inspect_upload, read_table
from khomun.excel.tests.helpers import SAVINGS_HEADERS, csv_bytes, group_row, xlsx_bytes

FILES = Path(__file__).with_name("files")
DEFINITIONS = Path(__file__).parents[2] / "catalog" / "definitions" / "2562"


@pytest.fixture(scope="module")
def savings():
    return load_definition(DEFINITIONS / "savings_groups.yaml")


@pytest.fixture(scope="module")
def leaders():
    return load_definition(DEFINITIONS / "leaders_orgs_networks.yaml")


THAI_ROWS = [SAVINGS_HEADERS, group_row(1, name="กลุ่มออมทรัพย์บ้านสบตุ๋ย")]


# ---------------------------------------------------------------- refusals


def refusal(name, content):
    with pytest.raises(FileRefused) as caught:
        inspect_upload(name, content)
    return caught.value.message


def test_it_takes_an_xlsx_and_a_csv():
    assert inspect_upload("a.xlsx", xlsx_bytes(THAI_ROWS)) == "xlsx"
    assert inspect_upload("a.csv", csv_bytes(THAI_ROWS)) == "csv"


def test_it_refuses_a_pdf_and_a_picture():
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    for name, content in (("report.pdf", pdf), ("photo.png", png)):
        assert "ไม่ใช่ตารางข้อมูล" in refusal(name, content)


def test_it_refuses_a_zip_that_is_not_a_workbook():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "ไม่ใช่ตารางข้อมูล" in refusal("letter.docx", output.getvalue())


def test_it_refuses_a_password_protected_workbook():
    content = (FILES / "password-protected.xlsx").read_bytes()  # encrypted by msoffcrypto-tool
    assert "ตั้งรหัสผ่าน" in refusal("locked.xlsx", content)


def test_it_refuses_an_old_xls_file():
    ole2 = reading.OLE2_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le")
    assert ".xls" in refusal("old.xls", ole2)


def with_member(content: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info.filename))
        archive.writestr(name, data)
    return output.getvalue()


def test_it_refuses_a_workbook_with_macros():
    content = with_member(xlsx_bytes(THAI_ROWS), "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    assert "แมโคร" in refusal("groups.xlsm", content)
    assert "แมโคร" in refusal("groups.xlsm", xlsx_bytes(THAI_ROWS))  # by its name too


def test_it_refuses_a_workbook_with_formulas_and_names_the_cell():
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["สมาชิกชาย", "สมาชิกหญิง", "จำนวนสมาชิกทั้งหมด"])
    sheet.write_row(1, 0, [10, 15])
    sheet.write_formula(1, 2, "=A2+B2", None, 25)
    workbook.close()
    message = refusal("groups.xlsx", output.getvalue())
    assert "สูตร" in message and "C2" in message


def test_a_drop_down_list_is_not_taken_for_a_formula():
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.data_validation(1, 0, 100, 0, {"validate": "list", "source": ["ใช่", "ไม่ใช่"]})
    sheet.write(0, 0, "ชื่อ")
    workbook.close()
    assert inspect_upload("a.xlsx", output.getvalue()) == "xlsx"


def test_it_refuses_a_file_above_the_limit_with_the_limit_in_the_message():
    content = b"a,b\n" + b"1,2\n" * (reading.MAX_FILE_BYTES // 4 + 1)
    message = refusal("big.csv", content)
    assert "20 MB" in message and "100,000 แถว" in message


def test_it_refuses_more_rows_than_the_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    rows = [SAVINGS_HEADERS] + [group_row(i) for i in range(30)]
    for kind, content in (("csv", csv_bytes(rows)), ("xlsx", xlsx_bytes(rows))):
        with pytest.raises(FileRefused, match="ไม่เกิน 10 แถว"):
            read_table(kind, content)


def test_it_refuses_an_empty_file():
    assert "ว่างเปล่า" in refusal("empty.csv", b"  \n")


# ---------------------------------------------------------------- encodings and separators


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "cp874", "tis-620", "utf-16"],
)
def test_every_encoding_reads_the_same_thai(encoding):
    table = read_table("csv", csv_bytes(THAI_ROWS, encoding))
    assert table.rows[0][1][0] == "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต"
    assert table.rows[1][1][0] == "กลุ่มออมทรัพย์บ้านสบตุ๋ย"


def test_a_bom_is_not_part_of_the_first_header():
    content = codecs.BOM_UTF8 + csv_bytes(THAI_ROWS)
    assert read_table("csv", content).rows[0][1][0] == SAVINGS_HEADERS[0]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_separator_is_recognised(delimiter):
    rows = [SAVINGS_HEADERS, group_row(1, balance="1,500.25")]
    table = read_table("csv", csv_bytes(rows, delimiter=delimiter))
    assert len(table.rows[0][1]) == len(SAVINGS_HEADERS)
    assert "1,500.25" in table.rows[1][1]


def test_bytes_that_no_thai_encoding_reads_are_refused():
    with pytest.raises(FileRefused, match="UTF-8"):
        read_table("csv", b"a,b\n\xdb\xfc,1\n")


def test_row_numbers_are_those_the_user_sees():
    rows = [["หัวเรื่อง"], [], SAVINGS_HEADERS, group_row(1)]
    for kind, content in (("csv", csv_bytes(rows)), ("xlsx", xlsx_bytes(rows))):
        assert [n for n, _cells in read_table(kind, content).rows] == [1, 3, 4]


# ---------------------------------------------------------------- header and columns


def test_columns_are_found_by_thai_or_english_label_or_key(savings):
    rows = [["รหัสรายการ", "Group name", "members_male", "สมาชิกหญิง *", "หมายเหตุ"], ["", "ก", 1, 2]]
    layout = reading.locate_columns(read_table("xlsx", xlsx_bytes(rows)), savings)
    assert layout.columns == {
        0: reading.SUBJECT_COLUMN,
        1: "group_name",
        2: "members_male",
        3: "members_female",
    }
    assert layout.ignored == ["หมายเหตุ"]


def test_a_file_without_known_headers_is_refused(savings):
    rows = [["a", "b"], [1, 2]]
    with pytest.raises(FileRefused, match="ไม่พบแถวหัวตาราง"):
        reading.locate_columns(read_table("csv", csv_bytes(rows)), savings)


def test_the_template_marker_is_read(savings):
    rows = [["title"], ["รหัสแบบฟอร์ม", "KHOMUN:savings_groups/2562/2/5201"], SAVINGS_HEADERS]
    layout = reading.locate_columns(read_table("xlsx", xlsx_bytes(rows)), savings)
    assert layout.marker == ("savings_groups", 2562, 2, "5201")
    assert layout.header_row == 2


# ---------------------------------------------------------------- cells


def clean(defn, key, cell):
    f = defn.get_field(key)
    result = validate_values(defn, {key: cell_value(f, cell)})
    return result.cleaned.get(key), result.errors.get(key)


@pytest.mark.parametrize(
    "cell",
    [
        "20/03/2562",  # BE as text
        "๒๐/๐๓/๒๕๖๒",  # BE in Thai digits
        "20-03-2562",
        "20.03.2019",  # CE
        "2019-03-20",  # ISO
        dt.date(2562, 3, 20),  # BE typed into a date cell: Excel took 2562 as CE
        dt.datetime(2019, 3, 20, 0, 0),  # a CE date cell
        43544.0,  # an Excel serial date without a date format
    ],
)
def test_be_and_ce_dates_are_read_as_the_same_day(savings, cell):
    assert clean(savings, "founded_date", cell) == ("2019-03-20", None)


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("1,234.50", "1234.50"),
        ("๑,๒๓๔.๕๐", "1234.50"),
        (1234.5, "1234.50"),
        ("1234.5 บาท", "1234.50"),
        ("1 234.50", "1234.50"),
        (0.1, "0.10"),
    ],
)
def test_money_with_separators_satang_and_thai_digits(savings, cell, stored):
    assert clean(savings, "savings_balance", cell) == (stored, None)


def test_more_than_two_decimals_of_baht_is_an_error(savings):
    value, error = clean(savings, "savings_balance", "1,234.505")
    assert value is None and error == ["“เงินสัจจะสะสมทรัพย์คงเหลือ” มีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)"]


@pytest.mark.parametrize("cell", ["1-1012-00012-34-5", "1 1012 00012 34 5", 1101200012345.0])
def test_national_ids_with_dashes_spaces_or_as_numbers_are_normalised(leaders, cell):
    from stdnum.th import pin

    assert pin.is_valid("1101200012345")
    assert clean(leaders, "national_id", cell) == ("1101200012345", None)


def test_a_phone_number_that_lost_its_leading_zero_in_excel_gets_it_back(leaders):
    assert clean(leaders, "phone", 812345678.0) == ("0812345678", None)
    assert clean(leaders, "phone", "081-234-5678") == ("0812345678", None)


def test_numbers_from_excel_cells_are_whole_numbers(savings):
    assert clean(savings, "members", 25.0) == (25, None)
    assert clean(savings, "members", "๒๕") == (25, None)
    assert clean(savings, "village", 52010101.0) == ("52010101", None)


def test_an_empty_cell_is_not_entered(savings):
    assert cell_value(savings.get_field("members"), "  ") is None
    assert cell_value(savings.get_field("members"), "") is None
