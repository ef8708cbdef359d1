"""The matrix screen: districts × periods, coloured, sortable, exported, scoped."""

import io

import pytest
from openpyxl import load_workbook

from khomun.monitoring.tests.conftest import make_groups, record_group

URL = "/monitoring/2562/52/?dataset=savings_groups"


@pytest.fixture
def lampang_mixed(muang, lampang_admin):
    """5201 at 50 % (amber), 5202 at 100 % (green), 5203 at 0 % (red) in period 1."""
    (green,) = make_groups(lampang_admin, "5202", 1)
    record_group(lampang_admin, green)
    make_groups(lampang_admin, "5203", 2)
    return muang


def cell(html, code, number=1):
    marker = f'data-testid="cell-{code}-savings_groups-{number}" data-colour="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_province_admin_sees_its_districts_coloured(lampang_mixed, lampang_admin, client_for):
    html = client_for(lampang_admin).get(URL).content.decode()
    assert (cell(html, "5201"), cell(html, "5202"), cell(html, "5203")) == ("amber", "green", "red")
    assert cell(html, "5204") == "none"  # nothing expected
    assert cell(html, "52") == "red"  # the province total: 3 of 7 complete
    assert "เมืองลำปาง" in html and "3/7" in html
    assert 'data-testid="row-3601"' not in html


def test_it_sorts_the_districts_by_a_columns_completeness(lampang_mixed, lampang_admin, client_for):
    html = client_for(lampang_admin).get(URL + "&sort=0&dir=desc").content.decode()
    order = [html.index(f'data-testid="row-{code}"') for code in ("5202", "5201", "5203", "5204")]
    assert order == sorted(order)
    html = client_for(lampang_admin).get(URL + "&sort=0&dir=asc").content.decode()
    order = [html.index(f'data-testid="row-{code}"') for code in ("5203", "5201", "5202")]
    assert order == sorted(order)


def test_all_datasets_show_at_the_chosen_period(lampang_mixed, lampang_admin, client_for):
    html = client_for(lampang_admin).get("/monitoring/2562/52/?p_savings_groups=1").content.decode()
    assert cell(html, "5202") == "green"
    assert 'data-testid="cell-5201-otop_sales-' in html  # every dataset of the year is a column
    assert 'data-testid="cell-5201-savings_groups-4"' not in html


def test_the_department_sees_provinces(lampang_mixed, dept_admin, client_for):
    html = (
        client_for(dept_admin).get("/monitoring/2562/TH/?dataset=savings_groups").content.decode()
    )
    assert cell(html, "52") == "red" and cell(html, "36") == "none"
    assert 'href="/monitoring/2562/52/?dataset=savings_groups"' in html  # drill down


def test_an_executive_reads_the_matrix(lampang_mixed, executive, client_for):
    response = client_for(executive).get(URL)
    assert response.status_code == 200 and cell(response.content.decode(), "5202") == "green"


def test_a_district_sees_itself_and_not_the_province(muang, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    assert client.get(URL).status_code == 404
    html = client.get("/monitoring/2562/5201/?dataset=savings_groups").content.decode()
    assert cell(html, "5201") == "amber"


def test_the_outsider_gets_404(muang, chaiyaphum_recorder, client_for):
    assert client_for(chaiyaphum_recorder).get(URL).status_code == 404


def test_it_exports_the_matrix_to_xlsx(lampang_mixed, lampang_admin, client_for):
    response = client_for(lampang_admin).get(URL + "&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "จังหวัดลำปาง" in rows[0][0]
    header = rows[1]
    assert header[:4] == ["รหัส", "หน่วยงาน", "ฐานข้อมูล", "งวด"]
    muang_p1 = next(r for r in rows[2:] if r[0] == "5201" and r[3].startswith("งวดที่ 1"))
    figures = dict(zip(header, muang_p1, strict=True))
    assert (figures["ต้องบันทึก"], figures["ครบถ้วน"], figures["ยังไม่บันทึก"]) == (4, 2, 1)
    assert figures["ร้อยละครบถ้วน"] == 0.5


def test_the_home_redirects_to_the_users_own_unit(muang, lampang_admin, client_for):
    response = client_for(lampang_admin).get("/monitoring/")
    assert response.status_code == 302 and "/52/" in response["Location"]


def test_the_query_count_does_not_grow_with_districts(
    catalog_2562, lampang_admin, client_for, django_assert_max_num_queries
):
    client = client_for(lampang_admin)
    client.get(URL)  # warm the session and the caches
    # One district's figures changed since the last read (they are recounted) ...
    record_group(lampang_admin, make_groups(lampang_admin, "5207", 1)[0])
    with django_assert_max_num_queries(24) as few:
        client.get("/monitoring/2562/52/?p_savings_groups=1")
    # ... against six: the recount is per province, whatever the number of districts.
    for code in ("5201", "5202", "5203", "5204", "5205", "5206"):
        for group in make_groups(lampang_admin, code, 2):
            record_group(lampang_admin, group)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/monitoring/2562/52/?p_savings_groups=1").content.decode()
    assert cell(html, "5206") == "green"


def test_a_cell_links_to_its_period_and_names_its_figures(lampang_mixed, lampang_admin, client_for):
    """Made without template tags (monitoring.views._table): the link, the figures in
    its title, and the period chooser with the shown period selected, in each language."""
    client = client_for(lampang_admin)
    html = client.get("/monitoring/2562/52/?p_savings_groups=1").content.decode()
    start = html.index('data-testid="cell-5201-savings_groups-1"')
    cell_html = html[start : html.index("</td>", start)]
    assert 'href="/monitoring/2562/5201/savings_groups/1/"' in cell_html
    assert 'title="ต้องบันทึก 4 · บันทึกแล้ว 3 · ครบถ้วน 2 · ส่งแล้ว 0 · อนุมัติ 0"' in cell_html
    assert ">50%<small>2/4</small>" in cell_html
    assert '<option value="1" selected>งวดที่ 1</option><option value="2">งวดที่ 2</option>' in html
    session = client.session
    session["khomun_language"] = "en"
    session.save()
    html = client.get("/monitoring/2562/52/?p_savings_groups=2").content.decode()
    assert '<option value="1">Period 1</option><option value="2" selected>Period 2</option>' in html
