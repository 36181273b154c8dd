from django.urls import reverse


def test_the_home_page_answers_in_chinese(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "信访" in page


def test_english_works_when_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Petition and dispute-mediation platform" in page


def test_assets_are_served_by_the_app(client, db):
    page = client.get("/").content.decode()
    assert "/static/css/app.css" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


def test_the_page_works_on_a_phone(client, db):
    page = client.get("/").content.decode()
    assert 'name="viewport"' in page


def test_healthz_reports_the_database(client, db):
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_unknown_page_is_a_chinese_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到" in response.content.decode() or "不存在" in response.content.decode()
