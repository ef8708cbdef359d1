from django.test import RequestFactory

from khomun.web import views


def test_404_is_thai(orgtree, client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_403_is_thai(lampang_recorder, client_for):
    response = client_for(lampang_recorder).get("/accounts/users/")
    assert response.status_code == 403
    assert "ท่านไม่มีสิทธิ์ทำรายการนี้" in response.content.decode()


def test_500_is_thai_and_self_contained():
    response = views.error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "ระบบขัดข้องชั่วคราว" in html and "Sarabun" not in html or "sarabun" in html


def test_a_crash_renders_the_500_page(orgtree, settings):
    from django.test import Client
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    import khomun.urls

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {
            "urlpatterns": [path("boom/", boom), *khomun.urls.urlpatterns],
            "handler500": khomun.urls.handler500,
        },
    )
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "ระบบขัดข้องชั่วคราว" in response.content.decode()
