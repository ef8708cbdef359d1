from django.test import Client

from khomun.accounts.models import User


def test_pages_are_thai_by_default(orgtree):
    html = Client().get("/accounts/login/").content.decode()
    assert 'lang="th"' in html and "เข้าสู่ระบบ" in html


def test_the_switch_turns_pages_english_and_is_remembered(lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html and "Your roles" in html and "บทบาทของท่าน" not in html
    assert User.objects.get(pk=lampang_recorder.pk).language == "en"


def test_the_chosen_language_follows_the_account_to_a_new_login(lampang_recorder):
    from conftest import PASSWORD

    lampang_recorder.language = "en"
    lampang_recorder.save()
    client = Client()
    client.post("/accounts/login/", {"username": "muang.lampang", "password": PASSWORD})
    assert "Your roles" in client.get("/").content.decode()


def test_the_switch_ignores_unknown_languages_and_outside_targets(lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert 'lang="th"' in client.get("/").content.decode()
