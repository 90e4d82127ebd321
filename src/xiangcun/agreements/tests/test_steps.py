"""Steps that lead to the next (issue 12): a pairing at 签约 → "起草协议" pre-filled from it → the
agreement → its settlements → each household's statement PDF; the drafting form without codes
(village picker, partner picker, resource picker) and its refusals, naming the field."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from xiangcun.agreements import services
from xiangcun.agreements.models import Agreement, AgreementParty, Contribution
from xiangcun.agreements.schemas import AgreementIn, SettlementIn
from xiangcun.agreements.tests.factories import agreement_data, in_force, step
from xiangcun.core.errors import ApplicationError
from xiangcun.core.inputs import parse

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------------
# Helpers: a pairing at a stage, the form as a browser would post it
# --------------------------------------------------------------------------------------------------
def _pairing(users: dict[str, Any], stage: str = "signed", *, resources: bool = True) -> Any:
    """A verified partner's pairing with a published notice of the cadre's village, taken to ``stage``;
    the notice offers a pond (land, with the rent, years and rate recorded) and a building."""
    from xiangcun.matching import services as matching
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.recruitment.tests.factories import notice_published
    from xiangcun.resources.tests.factories import resource_create

    notice = notice_published(users)
    if resources:
        pond = resource_create(
            users,
            name="村东坑塘",
            kind="pond",
            area="30",
            unit="mu",
            valuation_parameters={"annual_rent_per_mu": "800", "years": "15", "discount_rate": "0.03"},
        )
        building = resource_create(users, valuation_parameters={"rebuild_cost_per_m2": "1200"})
        pond.notices.add(notice)
        building.notices.add(notice)
    partner = partner_verified(users, "sunqi", name="孙七")
    pairing = matching.pairing_express_interest(user=partner.user, notice=notice)
    for to in ("negotiating", "signed", "performing"):
        if stage == pairing.status:
            break
        pairing = matching.pairing_transition(user=users["county"], pairing=pairing, to_status=to)
    return pairing


class _Form(HTMLParser):
    """The fields of the page's drafting form as a browser posts them (inputs, chosen options,
    textareas; the search boxes of the pickers are left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("search", "submit", "file"):
            self.data[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
                self.data.setdefault(self._select, self._first)
            if "selected" in a:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _form(html: str) -> dict[str, str]:
    form = re.search(r'<form method="post" class="form draft-form">.*?</form>', html, re.S)
    assert form is not None
    parser = _Form()
    parser.feed(form.group(0))
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def _links(html: str) -> dict[str, str]:
    """Link text (tags stripped, spaces collapsed) → href."""
    return {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip(): href
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    }


# --------------------------------------------------------------------------------------------------
# Pairing → 起草协议
# --------------------------------------------------------------------------------------------------
def test_the_pairing_page_offers_drafting_only_at_signing_and_only_to_those_who_may_draft(users, client_as):
    pairing = _pairing(users, "negotiating")
    url = f"/matching/pairings/{pairing.pk}/"
    draft_link = f"/agreements/new/?pairing={pairing.pk}"
    assert draft_link not in client_as("county").get(url).content.decode()  # 洽谈: not yet

    from xiangcun.matching import services as matching

    pairing = matching.pairing_transition(user=users["county"], pairing=pairing, to_status="signed")
    for who in ("county", "cadre", "town", "city"):
        links = _links(client_as(who).get(url).content.decode())
        assert links.get("起草协议") == draft_link, who
    partner = client_as("county")
    partner.force_login(pairing.partner.user)
    page = partner.get(url)
    assert page.status_code == 200 and "起草协议" not in page.content.decode()  # the partner does not draft
    assert client_as("county2").get(url).status_code == 403  # another county's office sees no page at all

    # 履约 with no agreement yet: still offered
    pairing = matching.pairing_transition(user=users["county"], pairing=pairing, to_status="performing")
    assert _links(client_as("county").get(url).content.decode()).get("起草协议") == draft_link


def test_the_draft_from_a_pairing_names_the_village_links_the_partner_and_brings_the_resources(
    users, client_as
):
    pairing = _pairing(users)
    village = pairing.notice.village
    client = client_as("county")

    # Given the pairing page's link, the form is pre-filled
    html = client.get(f"/agreements/new/?pairing={pairing.pk}").content.decode()
    assert f'{village.name} <span class="hint">{village.town.name} · {village.county.name}</span>' in html
    assert (
        f'name="village" value="{village.code}"' in html and f'value="{village.code}" maxlength' not in html
    )
    form = _form(html)
    assert form["title"] == pairing.notice.title
    pond = next(k[: -len("_name")] for k, v in form.items() if k.endswith("_name") and v == "村东坑塘")
    assert form[f"{pond}_kind"] == "land" and form[f"{pond}_role"] == "collective"
    assert (form[f"{pond}_area_mu"], form[f"{pond}_annual_rent_per_mu"], form[f"{pond}_years"]) == (
        "30.00",
        "800",
        "15",
    )
    assert form[f"{pond}_discount_rate"] == "0.03"
    building = next(k[: -len("_kind")] for k, v in form.items() if k.endswith("_kind") and v == "house")
    assert form[f"{building}_area_m2"] == "1200.00" and form[f"{building}_rebuild_cost_per_m2"] == "1200"
    partner_row = next(k[: -len("_role")] for k, v in form.items() if k.endswith("_role") and v == "partner")
    assert form[f"{partner_row}_party"] == "孙七" and form[f"{partner_row}_partner"] == str(
        pairing.partner_id
    )
    assert form[f"{partner_row}_amount"] == "200000"  # the notice's minimum investment, 20 万元

    # When the official completes what the ledger does not say and saves it as the page holds it
    form.update(
        {
            "term_start": "2027-01-01",
            "term_end": "2036-12-31",
            f"{building}_age_years": "10",
            f"{building}_useful_life_years": "50",
        }
    )
    response = client.post("/agreements/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]

    # Then the agreement is the pairing's, the partner's party is their account, the resources linked
    agreement = Agreement.objects.get(pairing=pairing)
    party = agreement.parties.get(role="partner")
    assert party.partner_id == pairing.partner_id and party.name == "孙七"
    land = Contribution.objects.get(party__agreement=agreement, kind="land")
    assert land.resource is not None and land.resource.name == "村东坑塘"
    assert land.params == {
        "area_mu": "30.00",
        "annual_rent_per_mu": "800",
        "years": "15",
        "discount_rate": "0.03",
    }
    assert agreement.village_id == village.code

    # And the pairing page now links to it instead of drafting another
    links = _links(client.get(f"/matching/pairings/{pairing.pk}/").content.decode())
    assert links.get(f"查看协议 {agreement.code}") == f"/agreements/{agreement.pk}/"
    assert "起草协议" not in links
    partner = client_as("county")
    partner.force_login(pairing.partner.user)
    assert f"查看协议 {agreement.code}" in _links(
        partner.get(f"/matching/pairings/{pairing.pk}/").content.decode()
    )


def test_a_notice_without_map_resources_brings_the_resources_it_describes(users, client_as):
    pairing = _pairing(users, resources=False)  # the notice describes a 30-亩 pond, not linked on the map
    form = _form(client_as("county").get(f"/agreements/new/?pairing={pairing.pk}").content.decode())
    assert (form["row0_kind"], form["row0_area_mu"], form["row0_resource"]) == ("land", "30.00", "")
    assert form["row0_name"] == "坑塘水面30亩，适合垂钓"


def test_a_pairing_leads_to_one_agreement(users, client_as):
    pairing = _pairing(users)
    data = agreement_data(users["cadre"].region_code, pairing=pairing.pk)
    first = services.agreement_create(user=users["county"], draft=parse(AgreementIn, data))
    assert first.pairing_id == pairing.pk
    assert first.parties.get(role="partner").partner_id == pairing.partner_id

    # A second draft from the same pairing is refused, naming the first, and writes nothing
    with pytest.raises(ApplicationError) as refused:
        services.agreement_create(user=users["city"], draft=parse(AgreementIn, data))
    assert refused.value.field == "pairing"
    assert refused.value.message == (
        f"该对接已起草协议（合同编号 {first.code}），一个对接只能有一份协议，请在原协议上修改"
    )
    client = client_as("county")
    before = Agreement.objects.count()
    page = client.post("/agreements/new/", {**_form_of(first), "pairing": pairing.pk, "title": "第二份"})
    assert page.status_code == 400 and "一个对接只能有一份协议" in page.content.decode()
    assert Agreement.objects.count() == before

    # and the pre-filled form sends the official to the agreement there is
    response = client.get(f"/agreements/new/?pairing={pairing.pk}", follow=True)
    assert response.redirect_chain[-1][0] == f"/agreements/{first.pk}/"
    assert f"该对接已起草协议（合同编号 {first.code}）" in response.content.decode()


def _form_of(agreement: Agreement) -> dict[str, Any]:
    from xiangcun.agreements.forms import form_initial

    return {k: v for k, v in form_initial(agreement).items() if v is not None}


# --------------------------------------------------------------------------------------------------
# Drafting by hand: pickers instead of codes
# --------------------------------------------------------------------------------------------------
def _hand_form(village: str, **rows: str) -> dict[str, str]:
    return {
        "title": "手工起草项目",
        "village": village,
        "mode": "additive",
        "guarantee": "10000",
        "reserve_rate": "0.1",
        "term_start": "2026-01-01",
        "term_end": "2035-12-31",
        "row0_party": "黄家庄村股份经济合作社",
        "row0_role": "collective",
        "row0_kind": "land",
        "row0_area_mu": "20",
        "row0_annual_rent_per_mu": "800",
        "row0_years": "10",
        "row1_party": "聊城稻香文旅有限公司",
        "row1_role": "partner",
        "row1_kind": "cash",
        "row1_amount": "600000",
        "members": "H001 王建国 3\nH002 李秀英 2",
        **rows,
    }


def test_the_partner_picker_finds_verified_partners_by_name_a_person_only_by_the_full_name(users, client_as):
    from xiangcun.partners.tests.factories import partner_registered, partner_verified

    company = partner_verified(users, "daoxiang", name="聊城稻香文旅有限公司", is_organisation=True)
    person = partner_verified(users, "sunqi", name="孙七")
    partner_registered("pending", name="稻香待审合伙人")
    client = client_as("county")

    def found(q: str) -> str:
        response = client.get("/agreements/new/partners/", {"q": q, "row": "1"})
        assert response.status_code == 200
        return response.content.decode()

    page = found("稻香")
    assert company.name in page and f'data-pick-value="{company.pk}"' in page
    assert 'data-pick-into="row1_partner"' in page and 'data-pick-label-into="row1_party"' in page
    assert "稻香待审合伙人" not in page  # not verified: never offered
    assert person.name not in found("孙") and f'data-pick-value="{person.pk}"' in found("孙七")
    assert "孙七" in client_as("city").get("/agreements/new/partners/", {"q": "孙"}).content.decode()
    assert client_as("partner").get("/agreements/new/partners/", {"q": "稻香"}).status_code == 403


def test_the_resource_picker_lists_the_chosen_villages_ledger(users, client_as):
    from xiangcun.resources.tests.factories import resource_create

    pond = resource_create(users, name="村东坑塘", kind="pond", area="30", unit="mu")
    village = users["cadre"].region_code
    page = client_as("county").get("/agreements/new/resources/", {"village": village, "row": "0"})
    html = page.content.decode()
    assert (
        page.status_code == 200
        and f'<option value="{pond.pk}"' in html
        and "村东坑塘（坑塘水面 · 30 亩）" in html
    )
    assert 'data-fill-kind="land"' in html and "area_mu" in html
    assert client_as("county2").get("/agreements/new/resources/", {"village": village}).status_code == 403

    # the hand-drafting form shows the picker for the village's ledger once a village is chosen
    form = client_as("county").get("/agreements/new/").content.decode()
    assert 'name="row0_resource"' in form and "（请先选择所在村）" in form
    assert 'hx-get="/agreements/new/resources/"' in form and 'hx-include="[name=village]"' in form


def test_a_hand_drafted_agreement_links_the_partner_chosen_in_the_picker(users, client_as):
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.resources.tests.factories import resource_create

    company = partner_verified(users, "daoxiang", name="聊城稻香文旅有限公司", is_organisation=True)
    pond = resource_create(users, name="村东坑塘", kind="pond", area="30", unit="mu")
    village = users["cadre"].region_code
    response = client_as("cadre").post(
        "/agreements/new/", _hand_form(village, row1_partner=str(company.pk), row0_resource=str(pond.pk))
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="手工起草项目")
    assert agreement.village_id == village and agreement.pairing_id is None
    assert agreement.parties.get(role="partner").partner_id == company.pk
    assert Contribution.objects.get(party__agreement=agreement, kind="land").resource_id == pond.pk


@pytest.mark.parametrize("case", ["village", "partner", "resource"])
def test_a_bad_choice_is_refused_naming_the_field_and_nothing_is_written(users, client_as, case):
    from xiangcun.agreements.tests.factories import first_village
    from xiangcun.partners.tests.factories import partner_registered

    village = users["cadre"].region_code
    if case == "village":  # 临清市 is not the county office's
        form, status, message = _hand_form(first_village("371581")), 403, "所在村："
    elif case == "partner":  # a partner awaiting verification
        pending = partner_registered("pending", name="待审合伙人")
        form = _hand_form(village, row1_partner=str(pending.pk))
        status, message = 400, "参与方第 2 项 · 合伙人：只能关联已认证的合伙人"
    else:  # a resource of another village
        from xiangcun.regions.models import Village
        from xiangcun.resources import services as resources
        from xiangcun.resources.tests.factories import resource_input

        neighbour = Village.objects.filter(code__startswith="371502").exclude(code=village).first()
        other = resources.resource_create(
            user=users["county"],
            resource_in=resource_input(neighbour, name="别村坑塘", kind="pond", unit="mu"),
        )
        form = _hand_form(village, row0_resource=str(other.pk))
        status, message = 400, "参与方第 1 项 · 出资第 1 项 · 资源台账：所选资源不在"
    before = (Agreement.objects.count(), AgreementParty.objects.count())
    response = client_as("county").post("/agreements/new/", form)
    html = response.content.decode()
    assert response.status_code == status and message in html, html[:3000]
    assert "parties[" not in html
    assert (Agreement.objects.count(), AgreementParty.objects.count()) == before


def test_the_drafting_form_fits_and_labels_each_kinds_fields(users, client_as):
    html = client_as("county").get("/agreements/new/").content.decode()
    # no lettered columns, no code or number to type: each kind's inputs are labelled and follow the kind
    for label in (
        "面积（亩）",
        "每亩年租金（元）",
        "年限",
        "折现率",
        "面积（平方米）",
        "每平方米重置成本（元）",
    ):
        assert f"<label>{label}<input" in html, label
    assert 'data-shown-when="row0_kind:land"' in html and 'data-shown-when="row0_kind:house"' in html
    assert 'data-shown-when="row1_role:partner"' in html
    assert "<th>A</th>" not in html and "合伙人编号" not in html and "资源编号" not in html
    assert "<script>" not in html and "onclick" not in html


# --------------------------------------------------------------------------------------------------
# Agreement → settlement → household statements
# --------------------------------------------------------------------------------------------------
def test_agreement_settlement_and_household_statements_link_to_each_other(users, client_as):
    agreement = in_force(users)
    client = client_as("county")
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert (
        "计算年度分配" in page
        and 'name="year" required inputmode="numeric" maxlength="4" value="2024"' in page
    )

    response = client.post(
        f"/agreements/{agreement.pk}/settle/", {"year": "2024", "profit": "250000", "labour": "H001 12000"}
    )
    settlement_url = f"/agreements/{agreement.pk}/settlements/2024/"
    assert response.status_code == 302 and response["Location"] == settlement_url
    links = _links(client.get(f"/agreements/{agreement.pk}/").content.decode())
    assert links["2024 年度分配"] == f"{settlement_url}?version=1"

    settlement = client.get(settlement_url).content.decode()
    links = _links(settlement)
    assert links[f"返回协议 {agreement.code}"] == f"/agreements/{agreement.pk}/#settlements"
    pdf_url = f"{settlement_url}households/H001/pdf/?version=1"
    assert links["H001 收益清单 PDF"] == pdf_url
    assert links["H003 收益清单 PDF"] == f"{settlement_url}households/H003/pdf/?version=1"

    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"FontFile2" in pdf.content
    assert client.get(f"{settlement_url}households/H999/pdf/").status_code == 404


def test_a_household_statement_is_for_the_villages_officials_only(users, client_as):
    from xiangcun.partners.tests.factories import partner_verified

    company = partner_verified(users, "daoxiang", name="聊城稻香文旅有限公司", is_organisation=True)
    parties = agreement_data(users["cadre"].region_code)["parties"]
    parties[1]["partner"] = company.pk
    agreement = in_force(users, parties=parties)
    services.settlement_run(
        user=users["county"],
        agreement=agreement,
        settlement=parse(SettlementIn, {"year": 2024, "profit": "1000"}),
    )
    url = f"/agreements/{agreement.pk}/settlements/2024/households/H001/pdf/"
    assert client_as("cadre").get(url).status_code == 200
    for who in ("county2", "public"):
        assert client_as(who).get(url).status_code == 403, who
        assert (
            "H001 收益清单 PDF"
            not in client_as(who).get(f"/agreements/{agreement.pk}/settlements/2024/").content.decode()
        )
    partner = client_as("county")
    partner.force_login(company.user)
    assert partner.get(url).status_code == 403  # a party reads the settlement, not a household's statement


def test_the_partner_finds_the_agreement_to_sign_on_the_desk(users, client_as):
    from xiangcun.partners.tests.factories import partner_verified

    company = partner_verified(users, "daoxiang", name="聊城稻香文旅有限公司", is_organisation=True)
    response = client_as("county").post(
        "/agreements/new/", _hand_form(users["cadre"].region_code, row1_partner=str(company.pk))
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="手工起草项目")
    services.agreement_transition(
        user=users["county"],
        agreement=agreement,
        step=step("approved", assembly_date="2024-01-05", assembly_attendees=3, assembly_present=3,
                  assembly_votes_for=3),
    )  # fmt: skip
    desk = client_as("county")
    desk.force_login(company.user)
    html = desk.get("/manage/").content.decode()
    assert "待签署的协议" in html and f'href="/agreements/{agreement.pk}/"' in html
