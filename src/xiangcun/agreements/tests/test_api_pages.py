"""Agreements over HTTP: wiring, scoping by role, bad input as 400 naming the field, PDF, pages."""

from __future__ import annotations

import re

import pytest

from xiangcun.agreements import services
from xiangcun.agreements.models import Agreement, Settlement
from xiangcun.agreements.schemas import AgreementIn
from xiangcun.agreements.tests.factories import agreement_data, draft, first_village, in_force, step
from xiangcun.core.inputs import parse

pytestmark = pytest.mark.django_db


def _chosen(page: str, name: str) -> str | None:
    """The value of the option chosen in the page's <select name=…>."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    found = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(0)) if select else None
    return found.group(1) if found else None


def test_create_by_api_and_bad_mode_is_400(client_as):
    client = client_as("county")
    ok = client.post("/api/v1/agreements", agreement_data(first_village()), content_type="application/json")
    assert ok.status_code == 201
    assert sum(float(p["share"]) for p in ok.json()["parties"]) == pytest.approx(100)
    before = Agreement.objects.count()
    bad = client.post(
        "/api/v1/agreements",
        agreement_data(first_village(), mode="winner_takes_all"),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "mode"
    assert Agreement.objects.count() == before


def test_county_admins_see_only_their_county(users, client_as):
    mine = draft(users)
    other = draft(users, county="371581")
    codes = {a["code"] for a in client_as("county").get("/api/v1/agreements").json()["items"]}
    assert mine.code in codes and other.code not in codes
    assert client_as("county").get(f"/api/v1/agreements/{other.pk}").status_code == 403


def test_settlement_not_in_force_is_400_and_writes_nothing(users, client_as):
    agreement = draft(users)
    response = client_as("county").post(
        f"/api/v1/agreements/{agreement.pk}/settlements",
        {"year": 2024, "profit": "1000"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "agreement"
    assert not Settlement.objects.filter(agreement=agreement).exists()


def test_illegal_transition_is_400(users, client_as):
    agreement = draft(users)
    response = client_as("county").post(
        f"/api/v1/agreements/{agreement.pk}/transitions",
        {"to_status": "in_force"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "to_status"


def test_public_publicity_masks_household_names(users, client_as):
    agreement = draft(users)
    services.agreement_transition(
        user=users["county"],
        agreement=agreement,
        step=step(
            "approved",
            **{
                "assembly_date": "2024-01-05",
                "assembly_attendees": 3,
                "assembly_present": 3,
                "assembly_votes_for": 2,
            },
        ),
    )
    services.agreement_transition(user=users["county"], agreement=agreement, step=step("publicized"))
    public = client_as("public").get(f"/api/v1/agreements/{agreement.pk}").json()
    assert public["members"][0]["head_name"] == "王**"
    official = client_as("county").get(f"/api/v1/agreements/{agreement.pk}").json()
    assert official["members"][0]["head_name"] == "王建国"
    page = client_as("public").get(f"/agreements/{agreement.pk}/")
    assert page.status_code == 200 and "王建国" not in page.content.decode()


def test_partner_sees_own_agreement(users, client_as):
    from xiangcun.partners.tests.factories import partner_verified

    partner = partner_verified(users)
    data = agreement_data(first_village())
    data["parties"][1]["partner"] = partner.pk
    agreement = services.agreement_create(user=users["county"], draft=parse(AgreementIn, data))
    client = client_as("county")
    client.force_login(partner.user)
    items = client.get("/api/v1/agreements").json()["items"]
    assert [a["id"] for a in items] == [agreement.pk]


def test_pdf_embeds_a_cjk_font(users, client_as):
    agreement = in_force(users)
    response = client_as("county").get(f"/agreements/{agreement.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"FontFile2" in response.content  # an embedded TrueType font program


def test_settlement_pages_pdf_xlsx_and_simulator(users, client_as):
    agreement = in_force(users)
    client = client_as("county")
    response = client.post(
        f"/agreements/{agreement.pk}/settle/",
        {"year": "2024", "profit": "250000", "labour": "H001 12000\nH002 8000"},
    )
    assert response.status_code == 302
    assert client.get(f"/agreements/{agreement.pk}/settlements/2024/").status_code == 200
    assert client.get(f"/agreements/{agreement.pk}/settlements/2024/pdf/").content.startswith(b"%PDF")
    assert client.get(f"/agreements/{agreement.pk}/settlements/2024/xlsx/").content[:2] == b"PK"
    page = client.get(f"/agreements/{agreement.pk}/simulate/")
    assert page.status_code == 200 and b"vendor/echarts/echarts.min.js" in page.content
    series = client.get(
        f"/api/v1/agreements/{agreement.pk}/simulation?low=-100000&high=300000&steps=5"
    ).json()
    assert series["profits"][0] == "-100000.00" and len(series["parties"][0]["incomes"]) == 5
    assert client.get("/agreements/guarantees/").status_code == 200
    assert client.get("/agreements/").status_code == 200


def test_drafting_form_creates_an_agreement(users, client_as):
    response = client_as("county").post(
        "/agreements/new/",
        {
            "title": "表单测试项目",
            "village": first_village(),
            "mode": "higher_of",
            "guarantee": "10000",
            "reserve_rate": "0.1",
            "term_start": "2025-01-01",
            "term_end": "2030-12-31",
            "row0_party": "村集体",
            "row0_role": "collective",
            "row0_kind": "land",
            "row0_area_mu": "10",
            "row0_annual_rent_per_mu": "600",
            "row0_years": "5",
            "row1_party": "某公司",
            "row1_role": "partner",
            "row1_kind": "cash",
            "row1_amount": "100000",
            "members": "H1 张三 2\nH2 李四 3",
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="表单测试项目")
    assert [str(p.share) for p in agreement.parties.order_by("position")] == ["23.08", "76.92"]


def test_official_corrects_a_draft_in_the_browser_and_the_shares_are_recomputed(users, client_as):
    from xiangcun.agreements.views import form_initial

    agreement = draft(users)
    partner_share_before = agreement.parties.get(role="partner").share
    client = client_as("county")
    page = client.get(f"/agreements/{agreement.pk}/edit/")
    assert page.status_code == 200 and agreement.title in page.content.decode()

    # Given the stored draft as the form shows it, when the title and the partner's cash change
    data = {k: v for k, v in form_initial(agreement).items() if v is not None}
    cash_row = next(k[: -len("_kind")] for k, v in data.items() if k.endswith("_kind") and v == "cash")
    data.update(title="修改后的项目名称", **{f"{cash_row}_amount": "3000000"})
    response = client.post(f"/agreements/{agreement.pk}/edit/", data)

    # Then the draft is saved with shares recomputed from the new contribution
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "修改后的项目名称"
    shares = {p.role: p.share for p in agreement.parties.all()}
    assert sum(shares.values()) == 100 and shares["partner"] > partner_share_before

    # And a bad value is refused on the page, changing nothing
    bad = client.post(
        f"/agreements/{agreement.pk}/edit/", {**data, "mode": "winner_takes_all", "title": "不应保存"}
    )
    assert bad.status_code == 400
    agreement.refresh_from_db()
    assert agreement.title == "修改后的项目名称"
    assert client_as("county2").get(f"/agreements/{agreement.pk}/edit/").status_code == 403


def test_only_drafts_can_be_edited(users, client_as):
    from xiangcun.agreements.views import form_initial

    agreement = in_force(users)
    data = {k: v for k, v in form_initial(agreement).items() if v is not None}
    response = client_as("county").post(f"/agreements/{agreement.pk}/edit/", {**data, "title": "改不了"})
    assert response.status_code == 400
    agreement.refresh_from_db()
    assert agreement.title != "改不了"


def test_drafting_from_a_pairing_brings_the_notices_resources_from_the_map(users, client_as):
    from xiangcun.agreements.models import Contribution
    from xiangcun.matching import services as matching
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.recruitment.tests.factories import notice_published
    from xiangcun.resources.tests.factories import resource_create

    # Given a published notice offering two resources of the map: a building and a pond
    notice = notice_published(users)
    building = resource_create(users, valuation_parameters={"rebuild_cost_per_m2": "1200"})
    pond = resource_create(users, name="村东坑塘", kind="pond", area="30", unit="mu")
    building.notices.add(notice)
    pond.notices.add(notice)
    partner = partner_verified(users, "sunqi", name="孙七")
    pairing = matching.pairing_express_interest(user=partner.user, notice=notice)
    for stage in ("negotiating", "signed"):
        pairing = matching.pairing_transition(user=users["county"], pairing=pairing, to_status=stage)

    # When the county official drafts an agreement from that pairing
    page = client_as("county").get(f"/agreements/new/?pairing={pairing.pk}").content.decode()

    # Then the collective's rows are the offered resources, valued by kind with the ledger's figures
    assert building.name in page and pond.name in page
    assert _chosen(page, "row0_resource") == str(pond.pk)  # largest first: 30 mu before 1,200 m² (1.8 mu)
    assert 'name="row0_area_mu" value="30.00"' in page
    assert _chosen(page, "row1_resource") == str(building.pk)
    assert 'name="row1_area_m2" value="1200.00"' in page
    assert 'name="row1_rebuild_cost_per_m2" value="1200"' in page
    assert partner.name in page

    # And the saved draft keeps the link from each contribution to its resource
    data = {
        "title": "厂房与坑塘合作项目",
        "village": users["cadre"].region_code,
        "pairing": pairing.pk,
        "mode": "additive",
        "guarantee": "50000",
        "reserve_rate": "0.1",
        "term_start": "2027-01-01",
        "term_end": "2036-12-31",
        "row0_party": "黄家庄村股份经济合作社",
        "row0_role": "collective",
        "row0_kind": "house",
        "row0_name": building.name,
        "row0_resource": building.pk,
        "row0_area_m2": "1200",
        "row0_rebuild_cost_per_m2": "1200",
        "row0_age_years": "10",
        "row0_residual_rate": "0.2",
        "row0_useful_life_years": "50",
        "row1_party": "黄家庄村股份经济合作社",
        "row1_role": "collective",
        "row1_kind": "land",
        "row1_name": pond.name,
        "row1_resource": pond.pk,
        "row1_area_mu": "30",
        "row1_annual_rent_per_mu": "800",
        "row1_years": "10",
        "row1_discount_rate": "0",
        "row2_party": partner.name,
        "row2_role": "partner",
        "row2_partner": partner.pk,
        "row2_kind": "cash",
        "row2_amount": "500000",
    }
    response = client_as("county").post("/agreements/new/", data)
    assert response.status_code == 302
    linked = set(Contribution.objects.exclude(resource=None).values_list("resource_id", flat=True))
    assert {building.pk, pond.pk} <= linked


def test_official_records_a_guaranteed_payment_from_the_due_list(users, client_as):
    from xiangcun.agreements.models import GuaranteePayment

    agreement = in_force(users)
    client = client_as("county")
    page = client.get("/agreements/guarantees/").content.decode()
    assert agreement.code in page and f"/agreements/{agreement.pk}/guarantee/" in page
    year = (agreement.in_force_on or agreement.term_start).year
    data = {"year": year, "amount": str(agreement.guarantee), "paid_on": f"{year + 1}-03-15"}

    assert client.post(f"/agreements/{agreement.pk}/guarantee/", data).status_code == 302
    payment = GuaranteePayment.objects.get(agreement=agreement, year=year)
    assert payment.amount == agreement.guarantee and str(payment.paid_on) == f"{year + 1}-03-15"
    client.post(f"/agreements/{agreement.pk}/guarantee/", data)  # twice: refused, still one record
    assert GuaranteePayment.objects.filter(agreement=agreement, year=year).count() == 1
    # (client_as logs the same test client in again: from here on it is the other county's admin)
    other = client_as("county2").post(f"/agreements/{agreement.pk}/guarantee/", {**data, "year": year + 1})
    assert other.status_code == 403
    assert not GuaranteePayment.objects.filter(agreement=agreement, year=year + 1).exists()


def test_answering_an_objection_of_an_agreement_id_too_large_for_the_database_is_a_404(client_as):
    # schemathesis found it: the foreign-key filter overflowed SQLite's INTEGER (a 500)
    response = client_as("county").post(
        "/api/v1/agreements/131668548298778766999552/objections/1990/answer",
        {"answer": "已核实"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_guarantee_list_says_not_yet_due_for_the_running_year_and_overdue_only_after_31_march(
    users, client_as
):
    import datetime as dt
    import re

    from xiangcun.core.tests.clock import server_date

    agreement = in_force(users)  # in force since 2024-02-01
    client = client_as("county")

    def states(day: dt.date) -> tuple[dict[str, str], str]:
        with server_date(day):
            html = client.get("/agreements/guarantees/").content.decode()
        rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
        mine = [r for r in rows if agreement.code in r]
        by_year = {}
        for row in mine:
            year = re.search(r'data-label="年度">(\d{4})<', row).group(1)
            by_year[year] = re.search(r'class="guarantee-state [a-z-]+">([^<]+)<', row).group(1)
        return by_year, html

    # June 2025: 2024's payment was due by 31 March 2025, 2025's is not owed before the year ends
    june, html = states(dt.date(2025, 6, 1))
    assert june == {"2024": "已逾期", "2025": "未到期"}
    assert "未支付" not in html
    figures = {
        label: int(n)
        for n, label in re.findall(r'<div class="figure"><b>(\d+)</b><span>([^<]+)</span>', html)
    }
    assert (
        figures["未到期"] >= 1 and figures["已逾期"] >= 1 and set(figures) == {"已逾期", "待支付", "未到期"}
    )
    # February 2026: 2025 has ended, its payment is owed (待支付), not yet overdue
    assert states(dt.date(2026, 2, 1))[0]["2025"] == "待支付"
    # April 2026: overdue
    assert states(dt.date(2026, 4, 1))[0]["2025"] == "已逾期"
