"""A letter as a Word file laid out by the Regulation's standard forms.

python-docx writes it in TH Sarabun New 16 pt, the font of official letters.
Word picks the font of Thai text from the complex-script slots, so every run
(and the Normal style) sets `w:rFonts/@w:cs`, `w:szCs`, `w:bCs` and
`w:lang/@w:bidi="th-TH"` as well as the Latin ones; without them Thai falls
back to another font and size. Margins: 3 cm left, 2 cm right, A4.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from khomun.letters.content import Enclosure, LetterContent, LetterKind
from khomun.letters.render_pdf import WIDE_TABLE_COLUMNS, column_widths, enclosure_lines

FONT = "TH Sarabun New"
BODY_PT = 16
MEMO_TITLE_PT = 29
MEMO_LABEL_PT = 20
TABLE_PT = 14  # enclosure tables, as the seeds' forms
TEXT_WIDTH_CM = 16.0  # A4 21 cm less 3 cm + 2 cm
MIDDLE_CM = 7.5  # the middle of the page, measured from the left margin
OFFICE_CM = 8.5
LABEL_CM = 1.75  # เรื่อง / เรียน / อ้างถึง, text after it
ENCLOSURE_LABEL_CM = 3.5  # สิ่งที่ส่งมาด้วย
ITEM_NUMBER_CM = 0.75
# What follows w:szCs and w:lang in a run's properties (ECMA-376 CT_RPr).
LANG_SUCCESSORS = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
SZCS_SUCCESSORS = (
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", *LANG_SUCCESSORS,
)  # fmt: skip


def render_docx(content: LetterContent) -> bytes:
    doc = Document()
    _setup_page(doc, top_cm=1.5 if content.crest_png else 2.5)
    _setup_normal_style(doc)
    doc.core_properties.title = content.subject
    first = doc.add_paragraph()
    if content.kind == LetterKind.MEMO:
        _memo_heading(doc, first, content)
    else:
        _external_heading(doc, first, content)
    _field(doc, "เรียน", content.addressee)
    if content.reference:
        _field(doc, "อ้างถึง", content.reference)
    _enclosure_list(doc, content.enclosures)
    for text in content.body:
        paragraph = _paragraph(doc, text, before=6)
        paragraph.paragraph_format.first_line_indent = Cm(2.5)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
    if content.kind != LetterKind.MEMO:
        closing = _paragraph(doc, content.closing, before=16)
        closing.paragraph_format.left_indent = Cm(MIDDLE_CM)
    _signature(doc, content)
    if content.kind != LetterKind.MEMO and content.contact:
        for i, line in enumerate(content.contact):
            _paragraph(doc, line, before=16 if i == 0 else 0)
    for enclosure in content.enclosures:
        if enclosure.has_table:
            _enclosure_table(doc, enclosure)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _external_heading(doc: DocxDocument, first: Paragraph, content: LetterContent) -> None:
    paragraph = first
    if content.crest_png:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(content.crest_png), height=Cm(3))
        paragraph = _paragraph(doc, "", before=6)
    # "ที่ ..." at the left; the office and its address from OFFICE_CM on.
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(OFFICE_CM))
    _run(paragraph, f"ที่ {content.number}\t{content.office_name}")
    for line in content.office_address:
        _paragraph(doc, line).paragraph_format.left_indent = Cm(OFFICE_CM)
    date = _paragraph(doc, content.date, before=6)
    date.paragraph_format.left_indent = Cm(MIDDLE_CM)
    _field(doc, "เรื่อง", content.subject)


def _memo_heading(doc: DocxDocument, first: Paragraph, content: LetterContent) -> None:
    first.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM / 2), WD_TAB_ALIGNMENT.CENTER)
    if content.crest_png:
        first.add_run().add_picture(io.BytesIO(content.crest_png), height=Cm(1.5))
    _run(first, "\tบันทึกข้อความ", size=MEMO_TITLE_PT, bold=True)
    unit = _paragraph(doc, "")
    _run(unit, "ส่วนราชการ", size=MEMO_LABEL_PT, bold=True)
    _run(unit, f" {content.department_line}")
    number = _paragraph(doc, "")
    number.paragraph_format.tab_stops.add_tab_stop(Cm(MIDDLE_CM))
    _run(number, "ที่", size=MEMO_LABEL_PT, bold=True)
    _run(number, f" {content.number}\t")
    _run(number, "วันที่", size=MEMO_LABEL_PT, bold=True)
    _run(number, f" {content.date}")
    subject = _paragraph(doc, "")
    _run(subject, "เรื่อง", size=MEMO_LABEL_PT, bold=True)
    _run(subject, f" {content.subject}")
    _bottom_rule(subject)


def _field(doc: DocxDocument, label: str, text: str) -> None:
    """ "label  text", wrapped lines under the text (a hanging indent)."""
    paragraph = _paragraph(doc, f"{label}\t{text}", before=6)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Cm(LABEL_CM)
    fmt.first_line_indent = Cm(-LABEL_CM)
    fmt.tab_stops.add_tab_stop(Cm(LABEL_CM))


def _enclosure_list(doc: DocxDocument, enclosures: list[Enclosure]) -> None:
    hang = ENCLOSURE_LABEL_CM + ITEM_NUMBER_CM
    for i, (number, text) in enumerate(enclosure_lines(enclosures)):
        label = "สิ่งที่ส่งมาด้วย" if i == 0 else ""
        if number:
            paragraph = _paragraph(doc, f"{label}\t{number}\t{text}", before=6 if i == 0 else 0)
            paragraph.paragraph_format.left_indent = Cm(hang)
        else:
            paragraph = _paragraph(doc, f"{label}\t{text}", before=6 if i == 0 else 0)
            paragraph.paragraph_format.left_indent = Cm(ENCLOSURE_LABEL_CM)
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Cm(-(fmt.left_indent.cm if fmt.left_indent else 0))
        fmt.tab_stops.add_tab_stop(Cm(ENCLOSURE_LABEL_CM))
        fmt.tab_stops.add_tab_stop(Cm(hang))


def _signature(doc: DocxDocument, content: LetterContent) -> None:
    for _ in range(3):  # room to sign
        _paragraph(doc, "")
    # Centred under the closing, which starts at the middle of the page.
    for line in [content.signature_line, *content.signer_position]:
        paragraph = _paragraph(doc, line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.left_indent = Cm(3.5)
        paragraph.paragraph_format.right_indent = Cm(TEXT_WIDTH_CM - 3.5 - 11.2)


def _enclosure_table(doc: DocxDocument, enclosure: Enclosure) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width_cm = TEXT_WIDTH_CM
    if len(enclosure.columns) > WIDE_TABLE_COLUMNS:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.left_margin, section.right_margin = Cm(2.5), Cm(2)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        width_cm = 29.7 - 4.5
    else:
        section.top_margin = Cm(2.5)
    for line in enclosure.heading:
        heading = _paragraph(doc, "")
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(heading, line, bold=True)
    table = doc.add_table(rows=1, cols=len(enclosure.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(width_cm * w / 100) for w in column_widths(enclosure, padding=14)]
    header = table.rows[0]
    _repeat_as_header(header._tr)
    for cell, text, width in zip(header.cells, enclosure.columns, widths, strict=True):
        cell.width = width
        _cell_text(cell.paragraphs[0], text, bold=True, centre=True)
    for row in enclosure.rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        if row.is_group:
            merged = cells[0].merge(cells[-1])
            _cell_text(merged.paragraphs[0], " ".join(row.cells), bold=True)
            continue
        for cell, text in zip(cells, row.cells, strict=False):
            _cell_text(cell.paragraphs[0], text, centre=len(text) <= 3)
    _set_table_widths(table, widths)


def _cell_text(paragraph: Paragraph, text: str, bold: bool = False, centre: bool = False) -> None:
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, size=TABLE_PT, bold=bold)


def _set_table_widths(table: Table, widths: list[Cm]) -> None:
    # Word reads the grid; LibreOffice reads the cells: set both.
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width.twips)))


def _repeat_as_header(tr: Any) -> None:
    tr_pr = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _bottom_rule(paragraph: Paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "4", "w:color": "000000"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _paragraph(doc: DocxDocument, text: str, before: int = 0) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(before)
    if text:
        _run(paragraph, text)
    return paragraph


def _run(paragraph: Paragraph, text: str, size: int = BODY_PT, bold: bool = False) -> Run:
    run = paragraph.add_run(text)
    _thai_font(run._r.get_or_add_rPr(), size, bold)
    return run


def _thai_font(r_pr: Any, size: int, bold: bool) -> None:
    """The Latin and complex-script font, size and bold, and Thai as the
    complex-script language, so Word shapes Thai in TH Sarabun New.
    Children go in the schema's order (Word rejects a file otherwise)."""
    fonts = r_pr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if bold:
        r_pr.get_or_add_b()
        r_pr.get_or_add_bCs()
    r_pr.get_or_add_sz().set(qn("w:val"), str(size * 2))
    size_cs = _child(r_pr, "w:szCs", SZCS_SUCCESSORS)
    size_cs.set(qn("w:val"), str(size * 2))
    _child(r_pr, "w:lang", LANG_SUCCESSORS).set(qn("w:bidi"), "th-TH")


def _child(parent: Any, tag: str, successors: tuple[str, ...]) -> Any:
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        parent.insert_element_before(child, *successors)
    return child


def _setup_page(doc: DocxDocument, top_cm: float) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(top_cm), Cm(2)


def _setup_normal_style(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    _thai_font(normal.element.get_or_add_rPr(), BODY_PT, bold=False)
