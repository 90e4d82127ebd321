"""What pages and exports say, as people read it: valuation bases in words and units, the policy
library by its version and date, counties by name, money in 万元 with at most two decimals
(issue 12, item 6)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from openpyxl import load_workbook

from xiangcun.resources.valuation import basis

pytestmark = pytest.mark.django_db


def test_a_public_agreement_page_gives_the_valuation_basis_in_words_and_units(users, client_as):
    from xiangcun.agreements.tests.factories import in_force

    # Given an agreement with 20 亩 of land at 800 元 a year for 10 years and a 300 m² house
    agreement = in_force(users)
    agreement.parties.get(role="collective").contributions.filter(kind="land").update(
        params={"area_mu": "20", "annual_rent_per_mu": "800", "years": "10", "discount_rate": "0.03"}
    )
    # When the public opens it
    page = client_as("public").get(f"/agreements/{agreement.pk}/")
    html = page.content.decode()
    # Then the basis reads as a sentence with units, and no parameter code is shown
    assert page.status_code == 200
    assert "20 亩 × 800 元/亩·年 × 10 年，折现率 3%" in html
    assert "300 平方米 × 1,200 元/平方米，房龄 20 年、使用年限 50 年，残值率 20%" in html
    main = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    assert main is not None
    text = re.sub(r"<[^>]+>", " ", main.group(1))
    for code in ("area_mu", "annual_rent_per_mu", "discount_rate", "rebuild_cost_per_m2", "="):
        assert code not in text, code


@pytest.mark.parametrize(
    ("kind", "params", "text"),
    [
        ("land", {"area_mu": "20", "annual_rent_per_mu": "800", "years": "10"}, "20 亩 × 800 元/亩·年 × 10 年"),
        ("land", {"area_mu": "12.50", "annual_rent_per_mu": "1200", "years": "15", "discount_rate": "0.045"},
         "12.5 亩 × 1,200 元/亩·年 × 15 年，折现率 4.5%"),
        ("appraised", {"appraised_value": "80000"}, None),
        ("land", {"area_mu": "20"}, None),
    ],
)  # fmt: skip
def test_valuation_basis(kind, params, text):
    found = basis(kind, params)
    assert (None if found is None else str(found)) == text


def test_the_calculator_names_the_policy_library_by_version_and_date_and_keeps_the_hash_for_auditors(
    client, users
):
    from xiangcun.policies import selectors, services
    from xiangcun.policies.schemas import PublishIn

    facts = "date=2026-01-01&county=371502&investment=1200&jobs_created=8&verified=true"
    html = client.get(f"/policies/?{facts}").content.decode()
    shipped = selectors.library_active().hash
    assert "随平台发布的示例政策库" in html and f'title="规则集哈希 {shipped}"' in html
    assert f"<code>{shipped[:12]}</code>" not in html

    # once the city office publishes a version, results name it by its number and date
    version = services.policy_version_publish(
        user=users["city"], publish=PublishIn(files=selectors.library_files_active(), note="首次发布")
    )
    html = client.get(f"/policies/?{facts}").content.decode()
    assert f"政策库第 {version.number} 版（{version.created_at:%Y-%m-%d} 发布）" in html
    assert f'title="规则集哈希 {version.ruleset_hash}"' in html
    library = client.get("/policies/library/").content.decode()
    assert (
        f"政策库第 {version.number} 版" in library
        and f"<code>{version.ruleset_hash[:12]}</code>" not in library
    )


def test_policy_amounts_are_money_in_wan_with_at_most_two_decimals_and_the_exact_yuan_in_the_tooltip():
    rendered = Template(
        "{% load money %}{{ a|money }}|{{ a|wan }}|{{ a|yuan }}|{{ b|money }}|{{ c|money }}"
    ).render(Context({"a": "499999.99", "b": Decimal("6000"), "c": None}))
    assert rendered == "50 万元|50|499,999.99|6,000 元|—"


def test_the_partner_export_names_counties_not_codes(users, client_as):
    from xiangcun.partners.tests.factories import partner_verified

    partner_verified(users, preferred_counties=["371502", "371525"])
    sheet = load_workbook(io.BytesIO(client_as("city").get("/partners/export.xlsx").content)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("籍贯县")] == "东昌府区"
    assert row[header.index("意向县")] == "东昌府区、冠县"
    assert not any(str(v).isdigit() and len(str(v)) == 6 for v in row)
