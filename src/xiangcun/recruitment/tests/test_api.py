import json

from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.tests.factories import notice_draft, notice_published


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_public_list_and_detail(client, users):
    notice = notice_published(users)
    body = client.get("/api/v1/notices", {"category": "farm_stay"}).json()
    assert notice.pk in [i["id"] for i in body["items"]]
    detail = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert detail["resources"][0]["kind"] == "pond" and detail["transitions"] == []


def test_unknown_id_is_404_and_unknown_category_is_400(client, users):
    assert client.get("/api/v1/notices/999999").status_code == 404
    response = client.get("/api/v1/notices", {"category": "casino"})
    assert response.status_code == 400 and response.json()["field"] == "category"


def test_create_as_cadre_then_min_above_max_is_400_naming_the_field(client_as, users):
    client = client_as("cadre")
    body = {"title": "合作社种植", "villages": [users["cadre"].region_code], "category": "coop_farming"}
    created = _post(client, "/api/v1/notices", body)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    bad = _post(client, "/api/v1/notices", {**body, "investment_min": 100, "investment_max": 10})
    assert (
        bad.status_code == 400
        and bad.json()["field"] == "investment_min"
        and "投资下限" in bad.json()["error"]
    )


def test_anonymous_create_is_401_and_public_role_is_403(client, client_as, users):
    body = {"title": "x", "villages": [users["cadre"].region_code], "category": "coop_farming"}
    assert _post(client, "/api/v1/notices", body).status_code == 401
    assert _post(client_as("public"), "/api/v1/notices", body).status_code == 403


def test_transition_status_codes(client_as, users):
    notice = notice_draft(users)
    url = f"/api/v1/notices/{notice.pk}/transition"
    assert _post(client_as("county2"), url, {"action": "submit"}).status_code == 403
    assert _post(client_as("county"), url, {"action": "publish"}).status_code == 400
    assert _post(client_as("cadre"), url, {"action": "fly"}).status_code == 400
    assert _post(client_as("cadre"), url, {"action": "submit"}).status_code == 200
    assert Notice.objects.get(pk=notice.pk).status == "submitted"
    assert (
        _post(client_as("cadre"), "/api/v1/notices/999999/transition", {"action": "submit"}).status_code
        == 404
    )


def test_pages_render(client, client_as, users):
    notice = notice_published(users)
    assert client.get("/notices/", {"q": "采摘"}).status_code == 200
    assert notice.title in client.get(f"/notices/{notice.pk}/").content.decode()
    assert client.get("/notices/export.xlsx").status_code == 200
    page = client_as("county").get(f"/notices/{notice.pk}/").content.decode()
    assert "流转记录" in page
    assert client_as("cadre").get("/notices/mine/").status_code == 200
    assert client_as("cadre").get("/notices/new/").status_code == 200


def test_draft_page_is_403_for_the_public(client, users):
    notice = notice_draft(users)
    assert client.get(f"/notices/{notice.pk}/").status_code == 403


def test_notice_contact_phone_is_masked_for_all_but_the_notices_officials(client, client_as, users):
    from xiangcun.recruitment.tests.factories import notice_published

    phone = "13330016197"
    notice = notice_published(users, contact=f"石志建 {phone}")
    anonymous = client.get(f"/api/v1/notices/{notice.pk}").json()["contact"]
    assert phone not in anonymous and phone[:3] + "****" + phone[-4:] in anonymous
    assert phone not in client.get(f"/notices/{notice.pk}/").content.decode()
    for outsider in ("partner", "public", "county2"):  # a registered account is not enough
        assert client_as(outsider).get(f"/api/v1/notices/{notice.pk}").json()["contact"] == anonymous
    assert client_as("county").get(f"/api/v1/notices/{notice.pk}").json()["contact"] == notice.contact


def test_cadre_edits_a_draft_in_the_browser_but_not_once_submitted(client_as, users):
    from xiangcun.recruitment import services
    from xiangcun.recruitment.tests.factories import notice_draft

    notice = notice_draft(users)
    client = client_as("cadre")
    form = client.get(f"/notices/{notice.pk}/edit/")
    assert form.status_code == 200 and notice.title in form.content.decode()
    data = {
        "title": "黄家庄村农家乐采摘园（二期）",
        "village": users["cadre"].region_code,
        "level": "county",
        "category": "farm_stay",
        "kinds_wanted": ["entrepreneur"],
        "cooperation_forms": ["capital"],
        "investment_min": "30",
        "investment_max": "90",
        "resource_kind": "pond",
        "resource_area": "30",
        "resource_unit": "mu",
        "resource_description": "坑塘",
        "description": "扩建",
        "incentives": "",
        "contact": "",
        "deadline": "",
    }
    assert client.post(f"/notices/{notice.pk}/edit/", data).status_code == 302
    notice.refresh_from_db()
    assert notice.title.endswith("（二期）") and notice.investment_max == 90

    bad = client.post(f"/notices/{notice.pk}/edit/", {**data, "investment_min": "100"})
    assert bad.status_code == 400 and "投资下限" in bad.content.decode()

    services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    locked = client.post(f"/notices/{notice.pk}/edit/", {**data, "title": "改不了"})
    assert locked.status_code == 400
    notice.refresh_from_db()
    assert notice.title != "改不了"
    assert client_as("county2").get(f"/notices/{notice.pk}/edit/").status_code == 403


def test_city_opens_a_batch_and_the_batch_page_masks_contacts_for_the_public(client, client_as, users):
    from xiangcun.recruitment.models import NoticeBatch
    from xiangcun.recruitment.tests.factories import notice_published

    assert (
        client_as("county")
        .post("/notices/batches/", {"title": "县里开批次", "date": "2027-01-05"})
        .status_code
        == 403
    )
    city = client_as("city")
    assert city.post("/notices/batches/", {"title": "", "date": "2027-01-05"}).status_code == 400
    response = city.post(
        "/notices/batches/", {"title": "2027年第一批乡村振兴合伙人招募令", "date": "2027-01-05"}
    )
    batch = NoticeBatch.objects.get(title="2027年第一批乡村振兴合伙人招募令")
    assert response.status_code == 302 and response["Location"].endswith(f"/notices/batches/{batch.pk}/")
    notice = notice_published(users, contact="石志建 13330016197")
    notice.batch = batch
    notice.save(update_fields=["batch"])
    client.logout()
    page = client.get(f"/notices/batches/{batch.pk}/").content.decode()
    assert notice.title in page and "133****6197" in page and "13330016197" not in page


def test_the_notice_form_shows_the_chinese_label_not_the_json_path(client_as, users):
    client = client_as("cadre")
    data = {"title": "x", "village": users["cadre"].region_code, "level": "county", "category": "farm_stay",
            "resource_kind": "pond", "resource_area": "-3", "resource_unit": "mu"}  # fmt: skip
    page = client.post("/notices/new/", data)
    html = page.content.decode()
    assert page.status_code == 400 and "提供的资源第 1 项 · 资源面积" in html and "resources[0]" not in html


def test_published_notice_loads_matching_recommendations_as_a_fragment(client_as, users):
    notice = notice_published(users)
    html = client_as("county").get(f"/notices/{notice.pk}/").content.decode()
    assert f'hx-get="/matching/notices/{notice.pk}/recommendations/"' in html
