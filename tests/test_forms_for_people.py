"""Forms as people meet them: every text box says how much it takes, too long a text is refused with
a Chinese message naming the field, numbers are read as typed or refused (never changed), and an
error names the field by its Chinese labels, never by its JSON path (issue 12, items 6 and 11)."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from xiangcun.core.errors import ApplicationError
from xiangcun.core.inputs import parse

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "xiangcun"
NOT_TEXT = {"hidden", "checkbox", "radio", "file", "date", "submit", "button", "number", "range", "color"}
TAG = re.compile(r"<(input|textarea)\b([^>]*)>", re.S)


def _text_boxes_without_a_limit(source: str) -> list[str]:
    found = []
    for match in TAG.finditer(source):
        tag, attrs = match.groups()
        kind = re.search(r'\btype="([^"]+)"', attrs)
        if tag == "input" and kind and kind.group(1) in NOT_TEXT:
            continue
        if "maxlength=" not in attrs:
            found.append(match.group(0)[:80])
    return found


def test_every_text_box_written_in_a_template_has_a_maxlength():
    missing = {}
    for path in sorted(TEMPLATES.glob("*/templates/**/*.html")):
        name = str(path.relative_to(TEMPLATES))
        if boxes := _text_boxes_without_a_limit(path.read_text(encoding="utf-8")):
            missing[name] = boxes
    assert not missing, f"text boxes without maxlength: {missing}"


# Every search box of a page (GET filters): its page, who looks, where the box sends its query.
SEARCHES = [
    ("anonymous", "/", "/villages/"),
    ("anonymous", "/villages/", "/villages/"),
    ("anonymous", "/notices/", "/notices/"),
    ("anonymous", "/resources/", "/resources/"),
    ("anonymous", "/map/", "/map/"),
    ("county", "/manage/", "/manage/"),
    ("county", "/agreements/", "/agreements/"),
    ("city", "/partners/", "/partners/"),
]


@pytest.mark.parametrize(("who", "url", "action"), SEARCHES, ids=[u for _, u, _ in SEARCHES])
def test_every_search_box_has_a_maxlength_and_a_huge_query_is_no_server_error(
    client, users, who, url, action
):
    if who != "anonymous":
        client.force_login(users[who])
    page = client.get(url)
    assert page.status_code == 200, url
    boxes = re.findall(r'<input[^>]*type="search"[^>]*>', page.content.decode())
    assert boxes, url
    assert all(re.search(r'maxlength="\d+"', box) for box in boxes), boxes
    # the server bounds the query itself: 10,000 characters (typed past the box) are no 500
    answer = client.get(action, {"q": "村" * 10_000})
    assert answer.status_code == 200, (action, answer.status_code)


class _Boxes(HTMLParser):
    """The text boxes of a page (name → attributes) and the length hints (field id → text)."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: dict[str, dict[str, str | None]] = {}
        self.hints: dict[str, str] = {}
        self._hint: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "textarea") and a.get("type") not in NOT_TEXT and a.get("name"):
            self.boxes[str(a["name"])] = a
        if tag == "span" and a.get("data-count-of"):
            self._hint = str(a["data-count-of"])
            self.hints[self._hint] = ""

    def handle_data(self, data: str) -> None:
        if self._hint is not None:
            self.hints[self._hint] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._hint = None


def _boxes(html: str) -> _Boxes:
    parser = _Boxes()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(
    ("who", "url", "prose"),
    [
        ("cadre", "/notices/new/", {"description": "2000", "incentives": "2000"}),
        (
            "anonymous",
            "/partners/register/",
            {"profile": "3000", "track_record": "3000", "certifications": "1000"},
        ),
        ("cadre", "/resources/new/", {"description": "2000"}),
        (
            "county",
            "/agreements/new/",
            {"description": "2000", "exit_clause": "4000", "buyback_clause": "4000"},
        ),
    ],
)
def test_form_pages_give_every_text_box_a_limit_and_prose_boxes_a_visible_hint(
    client, users, who, url, prose
):
    if who != "anonymous":
        client.force_login(users[who])
    page = _boxes(client.get(url).content.decode())
    assert page.boxes, url
    assert {n for n, a in page.boxes.items() if not a.get("maxlength")} == set()
    for name, limit in prose.items():
        box = page.boxes[name]
        assert box["maxlength"] == limit, name
        assert page.hints[str(box["id"])] == f"最多 {limit} 字", name


def test_the_hint_counts_as_the_page_loads_and_as_one_types(client, users):
    # The hint carries the counter's format for site.js (no inline script under the CSP).
    client.force_login(users["cadre"])
    html = client.get("/notices/new/").content.decode()
    assert 'data-count-format="已输入 {n} 字 / 最多 2000 字"' in html
    assert "<script>" not in html
    assert "data-count-of" in (TEMPLATES / "web" / "static" / "web" / "site.js").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# Too long: refused, naming the field


def test_a_ten_thousand_character_description_is_refused_naming_the_field(users, client_as):
    from xiangcun.agreements.schemas import AgreementIn
    from xiangcun.agreements.tests.factories import agreement_data, first_village
    from xiangcun.recruitment.tests.factories import notice_input

    long_text = "介" * 10_000
    with pytest.raises(ApplicationError) as refused:
        notice_input(
            village_codes=[users["cadre"].region_code], title="t", category="farm_stay", description=long_text
        )
    assert refused.value.message == "项目介绍：最多 2000 个字"
    with pytest.raises(ApplicationError) as refused:
        parse(AgreementIn, agreement_data(first_village(), description=long_text))
    assert refused.value.message == "项目内容：最多 2000 个字"

    # and the notice form refuses it on its field, keeping what was typed
    page = client_as("cadre").post(
        "/notices/new/",
        {"title": "t", "village": users["cadre"].region_code, "level": "county", "category": "farm_stay",
         "description": long_text},
    )  # fmt: skip
    assert page.status_code == 400
    field = re.search(r'<div class="field has-error">(.*?)</div>', page.content.decode(), re.S)
    assert field is not None and "项目介绍" in field.group(1) and "2000" in field.group(1)


def test_a_twenty_thousand_character_partner_profile_is_refused_naming_the_field(db, client):
    from xiangcun.partners.models import Partner
    from xiangcun.partners.schemas import PartnerRegisterIn

    body = {"username": "zhaoliu", "password": "a-long-password-1", "name": "赵六", "kind": "technician",
            "phone": "13912345678", "profile": "简" * 20_000}  # fmt: skip
    with pytest.raises(ApplicationError) as refused:
        parse(PartnerRegisterIn, body)
    assert refused.value.message == "个人/机构简介：最多 3000 个字"
    # the API names the field by its path for machines
    response = client.post("/api/v1/partners/register", body, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "profile"
    # the registration form refuses it on the field labelled 个人/机构简介
    page = client.post("/partners/register/", {**body, "password": body["password"]})
    assert page.status_code == 400
    field = re.search(r'<div class="field has-error">(.*?)</div>', page.content.decode(), re.S)
    assert field is not None and "个人/机构简介" in field.group(1) and "3000" in field.group(1)
    assert not Partner.objects.filter(name="赵六").exists()


def test_a_word_over_thirty_characters_is_refused_not_cut(db):
    from xiangcun.partners.schemas import PartnerProfileIn

    with pytest.raises(ApplicationError) as refused:
        parse(PartnerProfileIn, {"name": "赵六", "kind": "technician", "skills": "电商运营、" + "长" * 31})
    assert refused.value.message.startswith("专长第 2 项：")


# ------------------------------------------------------------------------------------------------
# Numbers: as typed, or refused


def test_an_area_of_12_comma_5_mu_is_refused_not_read_as_125(users, client_as):
    from xiangcun.resources.models import Resource
    from xiangcun.resources.tests.factories import cadre_village, resource_data

    village = cadre_village(users)
    client = client_as("cadre")
    before = Resource.objects.count()
    data = {**resource_data(village), "village": village.code, "area": "12,5", "unit": "mu"}
    page = client.post("/resources/new/", {k: v for k, v in data.items() if v is not None})
    assert page.status_code == 400
    assert "面积：数字分组须每三位一个逗号，如 1,250" in page.content.decode()
    assert Resource.objects.count() == before

    # while 1,250 亩 is 1250 亩
    data["area"] = "1,250"
    assert client.post("/resources/new/", {k: v for k, v in data.items() if v is not None}).status_code == 302
    assert Resource.objects.order_by("-pk").first().area == 1250


def test_the_policy_calculator_refuses_a_misplaced_comma_in_wan(db, client):
    page = client.get("/policies/", {"county": "371502", "investment": "12,5"})
    assert "实际投资额：数字分组须每三位一个逗号，如 1,250" in page.content.decode()
    facts = {"date": "2026-01-01", "county": "371502", "jobs_created": "8", "verified": "true"}
    page = client.get("/policies/", {**facts, "investment": "1,200"})
    assert "实际投资 1,200 万元，按 6% 计补助 72 万元" in page.content.decode()


# ------------------------------------------------------------------------------------------------
# Field labels, not paths


def test_a_bad_agreement_form_names_the_field_by_its_labels_not_its_json_path(users, client_as):
    from xiangcun.agreements.tests.factories import first_village

    form = {
        "title": "表单测试项目", "village": first_village(), "term_start": "2025-01-01", "term_end": "2030-12-31",
        "row0_party": "村集体", "row0_role": "collective", "row0_kind": "land",
        "row0_area_mu": "10", "row0_annual_rent_per_mu": "600", "row0_years": "10",
        "row1_party": "合伙人", "row1_role": "partner", "row1_kind": "cash", "row1_amount": "-5",
    }  # fmt: skip
    for bad, message in [
        ({}, "参与方第 2 项 · 出资第 1 项 · 金额（元）：不能小于 0"),
        (
            {"row1_amount": "12,5"},
            "参与方第 2 项 · 出资第 1 项 · 金额（元）：数字分组须每三位一个逗号，如 1,250",
        ),
        (
            {"row1_amount": "5", "row0_area_mu": "2e9"},
            "参与方第 1 项 · 出资第 1 项 · 面积（亩）：不能大于 1,000,000,000",
        ),
        ({"row1_amount": "5", "row0_role": "partner"}, "缺少村集体一方：须有一方的角色为“村集体”"),
    ]:
        page = client_as("county").post("/agreements/new/", {**form, **bad})
        html = page.content.decode()
        assert page.status_code == 400, bad
        errors = re.search(r'<ul class="errors">(.*?)</ul>', html, re.S)
        assert errors is not None and message in errors.group(1), (bad, errors and errors.group(1))
        assert "parties[" not in html and "contributions[" not in html and "role 为" not in html


def test_the_village_profile_reads_1_250_households_and_refuses_12_comma_5_mu(users, client_as):
    from xiangcun.regions.models import Village

    code = users["cadre"].region_code
    client = client_as("county")
    page = client.get(f"/villages/{code}/edit/")
    form = {
        name: value
        for name, value in re.findall(r'name="([a-z_0-9]+)"[^>]*value="([^"]*)"', page.content.decode())
        if name != "csrfmiddlewaretoken"
    }
    assert client.post(f"/villages/{code}/edit/", {**form, "households": "1,250"}).status_code == 302
    assert Village.objects.get(code=code).households == 1250

    page = client.post(
        f"/villages/{code}/edit/", {**form, "households": "1,250", "cultivated_land_mu": "12,5"}
    )
    assert page.status_code == 400
    assert "耕地面积（亩）：数字分组须每三位一个逗号，如 1,250" in page.content.decode()
    assert Village.objects.get(code=code).cultivated_land_mu != Decimal(125)
