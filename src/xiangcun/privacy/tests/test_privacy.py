"""Personal data (PIPL): consent at registration, the log of every unmasked read, a partner's copy of
their data and its erasure, unique and valid identifiers, and who sees a notice's contact in full."""

from __future__ import annotations

import datetime as dt
import io
import json
from importlib import import_module
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiangcun.accounts.models import PersonalDataRead, PrivacyConsent, User
from xiangcun.accounts.privacy import PRIVACY_NOTICE_VERSION, log_personal_read
from xiangcun.agreements.models import AgreementParty
from xiangcun.agreements.tests.factories import in_force
from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.matching import services as matching
from xiangcun.partners.models import Partner
from xiangcun.partners.tests.factories import partner_registered, partner_verified, resident_id
from xiangcun.privacy.models import Erasure
from xiangcun.recruitment.tests.factories import notice_published

PASSWORD = "a-long-password-1"


def _form(username: str = "liuqi", **changes: Any) -> dict[str, Any]:
    return {
        "username": username,
        "password": PASSWORD,
        "name": "刘七",
        "kind": "technician",
        "phone": "13900002222",
        "id_number": resident_id(username),
        "privacy_consent": "on",
        **changes,
    }


def _reads(record: Any) -> list[PersonalDataRead]:
    return list(
        PersonalDataRead.objects.filter(record_model=record._meta.label_lower, record_pk=str(record.pk))
    )


# --------------------------------------------------------------------------------------------------
# Consent at registration
# --------------------------------------------------------------------------------------------------
def test_registration_without_consent_is_refused_on_the_box(db, client):
    data = _form()
    del data["privacy_consent"]  # the box comes unticked
    page = client.post("/partners/register/", data)
    html = page.content.decode()
    assert page.status_code == 400 and "《个人信息处理规则》：须勾选同意" in html
    assert not User.objects.filter(username="liuqi").exists()
    api = client.post(
        "/api/v1/partners/register", json.dumps({**_form(), "privacy_consent": False}), "application/json"
    )
    assert api.status_code == 422 and api.json()["field"] == "privacy_consent"
    assert api.json()["error_en"] == "privacy_consent: must be ticked"
    missing = {k: v for k, v in _form().items() if k != "privacy_consent"}
    api = client.post("/api/v1/partners/register", json.dumps(missing), "application/json")
    assert api.status_code == 422 and api.json()["field"] == "privacy_consent"


def test_consent_is_recorded_and_shown_on_the_profile(db, client):
    assert client.post("/partners/register/", _form()).status_code == 302
    user = User.objects.get(username="liuqi")
    consent = PrivacyConsent.objects.get(user=user)
    assert consent.version == PRIVACY_NOTICE_VERSION and consent.source == "/partners/register/"
    page = client.get(f"/partners/{user.partner_profile.pk}/").content.decode()
    assert f"同意了《个人信息处理规则》第 {PRIVACY_NOTICE_VERSION} 版" in page
    assert f"{consent.at.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d %H:%M}" in page
    body = {**_form("wangwu"), "privacy_consent": True, "phone": "13900003333"}
    assert client.post("/api/v1/partners/register", json.dumps(body), "application/json").status_code == 201
    api_consent = PrivacyConsent.objects.get(user__username="wangwu")
    assert api_consent.source == "POST /api/v1/partners/register"


def test_demo_accounts_have_the_demos_consent(users):
    for user in users.values():
        assert PrivacyConsent.objects.filter(user=user, source="xiangcun demo").exists()


def test_the_rules_are_readable_in_both_languages(db, client):
    page = client.get("/privacy/")
    assert page.status_code == 200 and "五、保存多久" in page.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/privacy/").content.decode()
    assert "5. How long it is kept" in english and "Version 1" in english


def test_consent_records_and_the_read_log_are_append_only(users):
    consent = PrivacyConsent.objects.filter(user=users["partner"]).first()
    with pytest.raises(TypeError):
        consent.save()
    with pytest.raises(TypeError):
        PrivacyConsent.objects.filter(pk=consent.pk).update(version=2)
    partner = partner_registered()
    log_personal_read(users["city"], partner, ["phone"], "测试")
    with pytest.raises(TypeError):
        PersonalDataRead.objects.all().delete()
    with pytest.raises(TypeError):
        _reads(partner)[0].delete()


# --------------------------------------------------------------------------------------------------
# Identifiers: valid, normalised, unique
# --------------------------------------------------------------------------------------------------
def test_bad_id_numbers_and_phones_are_refused_with_a_field_error(db, client):
    page = client.post("/partners/register/", _form(id_number="123"))
    assert page.status_code == 400 and "请填写 18 位居民身份证号码或统一社会信用代码" in page.content.decode()
    page = client.post("/partners/register/", _form(id_number="371502199001011235"))
    assert "校验位不正确" in page.content.decode()
    page = client.post("/partners/register/", _form(phone="12345"))
    assert page.status_code == 400 and "请填写正确的手机号码" in page.content.decode()
    assert not User.objects.filter(username="liuqi").exists()


def test_phones_are_stored_normalised_and_organisations_register_with_a_credit_code(db):
    partner = partner_registered(phone="＋86 １３９-０５３５-１２３４", id_number=" 91350100m000100y43 ")
    assert partner.phone == "13905351234" and partner.id_number == "91350100M000100Y43"
    assert partner.user.phone == "13905351234"
    landline = partner_registered("zhaoliu", phone="(0635) 823 1234 转 801")
    assert landline.phone == "0635-8231234转801"


def test_a_second_registration_with_the_same_id_or_phone_is_refused(db, client):
    first = partner_registered("zhangsan")
    with pytest.raises(ApplicationError) as exc:
        partner_registered("lisi", id_number=first.id_number.lower())
    assert exc.value.field == "id_number"
    with pytest.raises(ApplicationError) as exc:  # the same number written another way
        partner_registered("lisi", phone=f"+86 {first.phone[:3]}-{first.phone[3:7]}-{first.phone[7:]}")
    assert exc.value.field == "phone"
    page = client.post("/partners/register/", _form(id_number=first.id_number))
    assert page.status_code == 400 and "该身份证号/统一社会信用代码已注册过合伙人" in page.content.decode()
    assert Partner.objects.count() == 1


def test_a_profile_edit_cannot_take_another_partners_phone(users, client):
    mine, other = partner_registered("zhangsan"), partner_registered("lisi")
    client.force_login(mine.user)
    page = client.post(
        f"/partners/{mine.pk}/edit/", {"name": "张三", "kind": "technician", "phone": other.phone}
    )
    assert page.status_code == 400 and "该手机号已注册过合伙人" in page.content.decode()


def test_the_data_migrations_normalise_what_is_stored(db):
    partner = partner_registered()
    Partner.objects.filter(pk=partner.pk).update(
        phone="１３９ ０５３５ ７７７７", id_number="11010519491231002x"
    )
    import_module("xiangcun.partners.migrations.0003_normalise_partner_identifiers").normalise(apps, None)
    partner.refresh_from_db()
    assert (partner.phone, partner.id_number) == ("13905357777", "11010519491231002X")
    village = apps.get_model("regions", "Village").objects.order_by("code").first()
    type(village).objects.filter(pk=village.pk).update(contact_phone="（0635）823-1234")
    import_module("xiangcun.regions.migrations.0002_normalise_village_phones").normalise(apps, None)
    village.refresh_from_db()
    assert village.contact_phone == "0635-8231234"


# --------------------------------------------------------------------------------------------------
# The unmasked-read log
# --------------------------------------------------------------------------------------------------
def test_the_city_offices_full_views_are_logged_with_their_purpose_and_own_views_are_not(users, client_as):
    partner = partner_registered()
    city = client_as("city")
    assert partner.phone in city.get(f"/partners/{partner.pk}/").content.decode()
    (read,) = _reads(partner)
    assert read.reader == users["city"] and read.purpose == "市级管理员审核合伙人"
    assert read.fields == ["name", "contact_name", "phone", "id_number"] and read.subject == partner.user
    city.get(f"/api/v1/partners/{partner.pk}")
    city.get(f"/partners/{partner.pk}/edit/")
    assert [r.purpose for r in _reads(partner)][:2] == [
        "市级管理员更正合伙人资料",
        "市级管理员通过接口查阅合伙人",
    ]
    before = len(_reads(partner))
    client_as("county").get("/partners/")  # masked for a county: nothing to log
    own = client_as("partner")
    own.force_login(partner.user)
    own.get(f"/partners/{partner.pk}/")  # one's own data: not logged
    assert len(_reads(partner)) == before


def test_a_list_page_logs_its_rows_in_one_insert(users, client_as):
    for i in range(5):
        partner_registered(f"bulk{i}")
    with CaptureQueriesContext(connection) as queries:
        page = client_as("city").get("/partners/queue/")
    assert page.status_code == 200
    inserts = [q for q in queries if "accounts_personaldataread" in q["sql"] and "INSERT" in q["sql"]]
    assert len(inserts) == 1
    assert PersonalDataRead.objects.filter(purpose="市级管理员审核合伙人").count() == 5
    export = client_as("city").get("/partners/export.xlsx?status=pending")
    assert export.status_code == 200
    assert PersonalDataRead.objects.filter(purpose="导出合伙人名单（Excel）").count() == 5


def test_the_partner_sees_who_read_their_data(users, client_as, client):
    partner = partner_registered()
    client_as("city").get(f"/partners/{partner.pk}/")
    client.force_login(partner.user)
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "谁查看过我的完整个人信息" in page and users["city"].display_name in page
    assert "市级管理员审核合伙人" in page and "姓名、联系人、手机号、证件号" in page
    assert users["city"].display_name in client.get("/privacy/me/").content.decode()


def test_village_contacts_are_logged_when_their_officials_read_them(users, client_as, client):
    village = apps.get_model("regions", "Village").objects.get(code=users["cadre"].region_code)
    assert village.contact_phone
    assert village.contact_phone not in client.get(f"/villages/{village.code}/").content.decode()
    assert _reads(village) == []
    assert village.contact_phone in client_as("county").get(f"/villages/{village.code}/").content.decode()
    (read,) = _reads(village)
    assert read.purpose == "管辖区域管理员查看村庄联系人" and "contact_phone" in read.fields


def test_the_city_office_filters_the_read_log_and_nobody_else_sees_it(users, client_as):
    a, b = partner_registered("zhangsan"), partner_registered("lisi", name="李四")
    client_as("city").get(f"/partners/{a.pk}/")
    client_as("city").get(f"/partners/{b.pk}/")
    page = client_as("city").get(f"/privacy/reads/?model=partners.partner&pk={a.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and f"/partners/{a.pk}/" in html and f"/partners/{b.pk}/" not in html
    assert f"/partners/{a.pk}/" in client_as("city").get("/privacy/reads/?reader=city").content.decode()
    assert f"/partners/{a.pk}/" not in client_as("city").get("/privacy/reads/?reader=county").content.decode()
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert (
        f"/partners/{a.pk}/"
        not in client_as("city").get(f"/privacy/reads/?since={tomorrow}").content.decode()
    )
    for name in ("county", "town", "cadre", "partner", "public"):
        assert client_as(name).get("/privacy/reads/").status_code == 403


# --------------------------------------------------------------------------------------------------
# A notice's contact
# --------------------------------------------------------------------------------------------------
def test_a_notices_contact_is_full_for_its_officials_and_the_paired_partner_only(users, client_as, client):
    notice = notice_published(users, contact="王主任 13905350001 / 0635-8231234")
    partner = partner_verified(users)
    masked = "王主任 139****0001 / 0635-***1234"
    for name in ("partner", "public", "county2"):
        assert client_as(name).get(f"/api/v1/notices/{notice.pk}/contact").json()["contact"] == masked
    assert client.get(f"/matching/notices/{notice.pk}/contact/").status_code == 200
    client.force_login(partner.user)
    assert client.get(f"/api/v1/notices/{notice.pk}/contact").json() == {
        "notice": notice.pk,
        "contact": masked,
        "masked": True,
    }
    pairing = matching.pairing_express_interest(user=partner.user, notice=notice)
    assert client.get(f"/api/v1/notices/{notice.pk}/contact").json()["contact"] == notice.contact
    assert notice.contact in client.get(f"/matching/notices/{notice.pk}/contact/").content.decode()
    assert notice.contact in client.get(f"/matching/pairings/{pairing.pk}/").content.decode()
    assert client.get(f"/api/v1/notices/{notice.pk}").json()["contact"] == masked  # the detail stays masked
    assert {r.purpose for r in _reads(notice)} == {"对接中的合伙人联系村庄"}
    matching.pairing_transition(user=partner.user, pairing=pairing, to_status="withdrawn", reason="不合适")
    assert client.get(f"/api/v1/notices/{notice.pk}/contact").json()["contact"] == masked
    assert client_as("county").get(f"/api/v1/notices/{notice.pk}/contact").json()["masked"] is False


# --------------------------------------------------------------------------------------------------
# A partner's copy of their data, and its erasure
# --------------------------------------------------------------------------------------------------
def _party_to_an_agreement(users: dict[str, Any], partner: Partner) -> Any:
    from xiangcun.agreements.tests.factories import agreement_data

    parties = agreement_data("x")["parties"]
    parties[1] = {**parties[1], "name": partner.name, "partner": partner.pk}
    return in_force(users, title="稻香小院农家乐", parties=parties)


def test_a_partner_downloads_their_data_as_json_and_xlsx(users, client_as, client):
    partner = partner_verified(users)
    notice = notice_published(users)
    matching.pairing_express_interest(user=partner.user, notice=notice, note="想去看看")
    agreement = _party_to_an_agreement(users, partner)
    client_as("city").get(f"/partners/{partner.pk}/")
    client.force_login(partner.user)
    response = client.get("/privacy/me/data.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["partner"]["phone"] == partner.phone and data["partner"]["id_number"] == partner.id_number
    assert data["consents"][0]["version"] == PRIVACY_NOTICE_VERSION
    assert data["pairings"][0]["notice"] == notice.pk and data["pairings"][0]["events"]
    assert data["agreements"][0]["code"] == agreement.code
    assert data["agreements"][0]["parties"][0]["name"] == partner.name
    assert data["reads_about_me"][0]["purpose"] == "市级管理员审核合伙人"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/privacy/me/data.xlsx").content))
    assert book.sheetnames == ["账号", "同意记录", "合伙人资料", "对接", "协议", "结算", "查看记录"]
    cells = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    assert partner.id_number in cells and agreement.code in cells
    assert client.get("/privacy/me/data.json").status_code == 200  # reading one's own data is not logged
    assert all(r.reader == users["city"] for r in _reads(partner))


def test_a_self_registered_name_cannot_plant_a_formula_in_the_copy(db, client):
    partner = partner_registered(name='=HYPERLINK("http://x")')
    client.force_login(partner.user)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/privacy/me/data.xlsx").content))
    cell = next(c for row in book["合伙人资料"].iter_rows() for c in row if c.value == partner.name)
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_partner_deletes_their_data_with_the_password_and_the_agreements_stay(users, client):
    partner = partner_verified(users)
    agreement = _party_to_an_agreement(users, partner)
    reads_before = PersonalDataRead.objects.count()
    client.force_login(partner.user)
    assert "注销账号并删除个人信息" in client.get(f"/partners/{partner.pk}/").content.decode()
    wrong = client.post("/privacy/me/delete/", {"password": "not-the-password", "confirm": "on"})
    assert wrong.status_code == 400 and "密码不正确" in wrong.content.decode()
    unticked = client.post("/privacy/me/delete/", {"password": PASSWORD})
    assert unticked.status_code == 400 and "须勾选同意" in unticked.content.decode()
    assert Partner.objects.get(pk=partner.pk).phone == partner.phone  # nothing changed yet

    done = client.post("/privacy/me/delete/", {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    erased = Partner.objects.get(pk=partner.pk)
    assert (erased.name, erased.phone, erased.id_number, erased.contact_name, erased.profile) == (
        "已注销用户", "", "", "", "",
    )  # fmt: skip
    assert erased.status == "closed"
    account = User.objects.get(pk=partner.user_id)
    assert not account.is_active and account.username == f"deleted-{account.pk}" and not account.phone
    assert not account.has_usable_password()
    party = AgreementParty.objects.get(agreement=agreement, partner=erased)
    assert party.name == partner.name  # the agreement as signed is kept
    assert (
        agreement.settlements.model.objects.filter(agreement=agreement).count()
        == agreement.settlements.count()
    )
    record = Erasure.objects.get(user=account)
    assert record.partner_id == partner.pk and record.kept["agreements"] == 1
    assert PrivacyConsent.objects.filter(user=account).exists()
    assert PersonalDataRead.objects.count() == reads_before
    assert client.get("/privacy/me/").status_code == 302  # logged out
    assert not client.login(username=partner.user.username, password=PASSWORD)
    assert erased not in Partner.objects.filter(pk__in=[p.pk for p in _public_partners(users)])


def _public_partners(users: dict[str, Any]) -> list[Partner]:
    from xiangcun.partners.selectors import partner_list

    return list(partner_list(users["public"]))


def test_officials_cannot_erase_their_accounts_here(users, client_as):
    from xiangcun.privacy import services
    from xiangcun.privacy.schemas import ErasureIn

    assert client_as("county").get("/privacy/me/delete/").status_code == 403
    with pytest.raises(AccessDenied):
        services.personal_data_erase(
            user=users["county"], confirmation=ErasureIn(password="xiangcun-demo-2026", confirm=True)
        )
    assert User.objects.get(pk=users["county"].pk).is_active


def test_on_postgresql_the_database_itself_refuses_to_change_the_read_log(users):
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (SQLite has the ORM's guard only)")
    partner = partner_registered()
    log_personal_read(users["city"], partner, ["phone"], "测试")
    for sql in (
        "UPDATE accounts_personaldataread SET purpose = 'x'",
        "DELETE FROM accounts_personaldataread",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert len(_reads(partner)) == 1
