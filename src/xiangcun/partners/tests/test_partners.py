import json

import pytest

from xiangcun.accounts.models import User
from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.partners import selectors, services
from xiangcun.partners.models import Partner
from xiangcun.partners.tests.factories import partner_registered, partner_verified


def test_registration_creates_a_partner_account_pending_verification(db):
    partner = partner_registered()
    assert partner.user.role == "partner" and partner.status == "pending"
    assert partner.liaocheng_born is True


def test_capital_min_above_max_is_a_400_and_nothing_is_created(db):
    with pytest.raises(ApplicationError) as exc:
        partner_registered(capital_min="100", capital_max="10")
    assert exc.value.field == "capital_min"
    assert not User.objects.filter(username="zhangsan").exists()


def test_unknown_kind_is_a_400(db):
    with pytest.raises(ApplicationError) as exc:
        partner_registered(kind="wizard")
    assert exc.value.field == "kind"


def test_only_the_city_office_verifies_and_refusal_needs_a_reason(users):
    partner = partner_registered()
    with pytest.raises(AccessDenied):
        services.partner_verify(user=users["county"], partner=partner, verified=True)
    with pytest.raises(ApplicationError):
        services.partner_verify(user=users["city"], partner=partner, verified=False)
    services.partner_verify(user=users["city"], partner=partner, verified=False, reason="资料不全")
    assert Partner.objects.get(pk=partner.pk).refusal_reason == "资料不全"


def test_identifiers_are_masked_for_everyone_but_the_city_office_and_the_partner(users):
    partner = partner_verified(users)
    phone, id_number = partner.phone, partner.id_number
    for reader in (users["county"], users["public"], users["partner"]):
        view = selectors.partner_view(partner, reader, purpose="测试")
        assert view.phone == phone[:3] + "****" + phone[-4:]
        assert view.id_number.startswith("3715") and "*" in view.id_number
        assert view.contact_name == "张**" and view.name == "张**"
    assert selectors.partner_view(partner, users["city"], purpose="测试").phone == phone
    assert selectors.partner_view(partner, partner.user).id_number == id_number


def test_public_list_shows_only_verified_partners(users):
    pending = partner_registered("lisi", name="李四")
    verified = partner_verified(users)
    public = selectors.partner_list(users["public"])
    assert verified in public and pending not in public
    assert pending in selectors.partner_list(users["city"])


def test_api_register_list_detail_verify(client, client_as, users):
    body = {"username": "wangwu", "password": "a-long-password-1", "name": "王五", "kind": "technician",
            "phone": "13900001111", "capital_min": 50, "capital_max": 5, "privacy_consent": True}  # fmt: skip
    bad = client.post("/api/v1/partners/register", json.dumps(body), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "capital_min"
    body["capital_max"] = 80
    created = client.post("/api/v1/partners/register", json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["phone"] == "13900001111"
    pk = created.json()["id"]
    assert client.get(f"/api/v1/partners/{pk}").status_code == 403  # pending: not public
    assert client.get("/api/v1/partners/999999").status_code == 404
    url = f"/api/v1/partners/{pk}/verify"
    assert (
        client_as("county").post(url, '{"verified": true}', content_type="application/json").status_code
        == 403
    )
    ok = client_as("city").post(url, '{"verified": true}', content_type="application/json")
    assert ok.status_code == 200 and ok.json()["verified"] is True
    client.logout()
    public = client.get(f"/api/v1/partners/{pk}").json()
    assert public["phone"] == "139****1111" and public["masked"] is True


def test_partner_pages(client, client_as, users):
    partner = partner_verified(users)
    assert client.get("/partners/").status_code == 200
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert partner.phone[:3] + "****" + partner.phone[-4:] in page and partner.phone not in page
    assert client.get("/partners/register/").status_code == 200
    assert client_as("city").get("/partners/queue/").status_code == 200
    assert client_as("county").get("/partners/queue/").status_code == 403
    assert client.get("/partners/export.xlsx").status_code == 200


def test_partner_edits_own_profile_which_returns_to_verification_and_cannot_edit_others(client, users):
    mine = partner_verified(users, "wangwu", name="王五")
    other = partner_verified(users, "zhaoliu", name="赵六")
    client.force_login(mine.user)
    page = client.get(f"/partners/{mine.pk}/edit/")
    assert page.status_code == 200 and mine.name in page.content.decode()
    data = {
        "name": mine.name,
        "kind": "technician",
        "phone": "13900001234",
        "capital_min": "10",
        "capital_max": "50",
        "skills": "大棚种植、水肥一体化",
        "profile": "从事设施农业十年",
    }
    assert client.post(f"/partners/{mine.pk}/edit/", data).status_code == 302
    mine.refresh_from_db()
    assert (
        mine.kind == "technician" and mine.skills == ["大棚种植", "水肥一体化"] and mine.status == "pending"
    )

    bad = client.post(f"/partners/{mine.pk}/edit/", {**data, "capital_min": "80"})
    assert bad.status_code == 400
    assert client.get(f"/partners/{other.pk}/edit/").status_code == 403


def test_registration_form_names_the_field_in_chinese_not_its_json_path(db, client):
    data = {"username": "liuqi", "password": "a-long-password-1", "name": "刘七", "kind": "technician",
            "phone": "13900002222", "skills": "、".join(f"专长{i}" for i in range(21)),
            "privacy_consent": "on"}  # fmt: skip
    page = client.post("/partners/register/", data)
    html = page.content.decode()
    assert page.status_code == 400 and "专长：最多填写 20 项" in html and "skills：" not in html
    assert not User.objects.filter(username="liuqi").exists()
    data.update(skills="", capital_min="80", capital_max="8")
    html = client.post("/partners/register/", data).content.decode()
    assert "可投入资金下限（80.00 万元）不能高于可投入资金上限（8.00 万元）" in html


def test_api_registration_refuses_a_short_password_naming_the_field(db, client):
    body = {"username": "sunba", "password": "short", "name": "孙八", "kind": "technician"}
    response = client.post("/api/v1/partners/register", json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "password"
