def test_it_shows_a_district_with_its_office(lampang_recorder, client_for):
    response = client_for(lampang_recorder).get("/orgunits/5201/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "สำนักงานพัฒนาชุมชนอำเภอเมืองลำปาง" in html


def test_another_district_is_not_found(lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    assert client.get("/orgunits/5202/").status_code == 404
    assert client.get("/orgunits/3601/").status_code == 404
    assert client.get("/orgunits/52/").status_code == 404


def test_the_province_admin_walks_down_its_tree(lampang_admin, client_for):
    client = client_for(lampang_admin)
    html = client.get("/orgunits/52/").content.decode()
    assert "/orgunits/5201/" in html
    assert client.get("/orgunits/5201/").status_code == 200
    assert client.get("/orgunits/3601/").status_code == 404


def test_bangkok_says_it_has_no_office(dept_admin, client_for):
    html = client_for(dept_admin).get("/orgunits/10/").content.decode()
    assert "ไม่มีสำนักงานพัฒนาชุมชน" in html


def test_an_unknown_code_is_a_thai_404(dept_admin, client_for):
    response = client_for(dept_admin).get("/orgunits/0000/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()
