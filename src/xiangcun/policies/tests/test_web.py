"""Wiring: the calculator page, the API, publishing versions (city office only, tests must pass)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from xiangcun.core.errors import ApplicationError
from xiangcun.policies import engine
from xiangcun.policies.models import PolicyVersion, SavedEvaluation

pytestmark = pytest.mark.django_db

QUERY = "date=2026-01-01&county=371502&investment=1200&jobs_created=8&verified=true"


def test_calculator_page_shows_total_reasons_and_share_link(client) -> None:  # type: ignore[no-untyped-def]
    # when anyone opens a shared link
    response = client.get(f"/policies/?{QUERY}")
    # then the total, the Chinese sentence and the clause are on the page
    text = response.content.decode()
    assert response.status_code == 200
    assert "实际投资 1,200 万元，按 6% 计补助 72 万元（上限 80 万元）" in text
    assert "聊振合发〔2025〕3号（示例）" in text
    assert "示例政策" in text
    assert 'id="share-link"' in text


def test_calculator_shows_chinese_message_on_bad_fields(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/policies/?county=999999&investment=-5")
    form = response.context["form"]
    assert "实际投资额不能为负数" in form.errors["investment"][0]
    assert "未知的县" in form.errors["county"][0]
    assert response.context["evaluation"] is None


def test_nav_entry_is_live(client) -> None:  # type: ignore[no-untyped-def]
    nav = client.get("/policies/").context["nav"]
    assert next(item for item in nav if item["url"] == "/policies/")["available"]


def test_partner_sees_prefilled_facts(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("partner").get("/policies/")
    assert response.status_code == 200


def test_api_evaluate_and_field_errors(client) -> None:  # type: ignore[no-untyped-def]
    body = {
        "date": "2026-03-01",
        "facts": {"county": "371522", "investment": "12000000", "jobs_created": 8, "verified": True},
    }
    response = client.post("/api/v1/policies/evaluate", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    subsidy = next(r for r in data["results"] if r["id"] == "investment_subsidy")
    assert (subsidy["amount"], subsidy["layer"]) == ("960000.00", "371522")
    assert data["ruleset"] == engine.shipped_library().hash
    bad = client.post(
        "/api/v1/policies/evaluate",
        json.dumps({"facts": {"investment": -1}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "investment"


def test_api_lists_policies_and_versions(client) -> None:  # type: ignore[no-untyped-def]
    policies = client.get("/api/v1/policies").json()
    assert len(policies["items"]) == len(engine.shipped_library().policies)
    assert client.get("/api/v1/policies/versions").json() == []


def test_saved_evaluation_keeps_ruleset_hash_and_date(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("partner")
    response = client.post("/policies/save/", {"query": QUERY})
    assert response.status_code == 302
    saved = SavedEvaluation.objects.get()
    assert saved.ruleset_hash == engine.shipped_library().hash
    assert str(saved.on) == "2026-01-01"
    assert saved.total == Decimal("720000.00")


def _files_with_new_rate(rate: str) -> dict[str, str]:
    files = dict(engine.shipped_library().files)
    files["02_funding.yaml"] = files["02_funding.yaml"].replace(
        "amount: {rate: 0.08, cap: 1000000}", f"amount: {{rate: {rate}, cap: 1000000}}"
    )
    return files


def test_publish_refused_when_tests_fail_and_only_for_city_office(client_as) -> None:  # type: ignore[no-untyped-def]
    # given an official raising 莘县's rate without updating the test cases
    files = _files_with_new_rate("0.09")
    # when a county official tries, then forbidden
    county = client_as("county").post(
        "/api/v1/policies/versions",
        json.dumps({"files": files, "note": "x"}),
        content_type="application/json",
    )
    assert county.status_code == 403
    # when the city office tries, then the failing case blocks publication
    city = client_as("city").post(
        "/api/v1/policies/versions",
        json.dumps({"files": files, "note": "莘县提高到9%"}),
        content_type="application/json",
    )
    assert city.status_code == 400
    assert "测试用例未通过" in city.json()["error"]
    assert not PolicyVersion.objects.exists()


def test_publish_with_updated_tests_creates_a_version(client_as) -> None:  # type: ignore[no-untyped-def]
    files = _files_with_new_rate("0.09")
    files["02_funding.yaml"] = files["02_funding.yaml"].replace("amount: 960000", "amount: 1000000")
    client = client_as("city")
    response = client.post(
        "/api/v1/policies/versions",
        json.dumps({"files": files, "note": "莘县提高到9%"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["changed_files"] == ["02_funding.yaml"]
    page = client.get("/policies/versions/").content.decode()
    assert "莘县提高到9%" in page
    # and the calculator now uses the published version
    data = client.get(f"/policies/?{QUERY.replace('371502', '371522').replace('2026-01-01', '2026-03-01')}")
    assert data.context["evaluation"]["ruleset"] == response.json()["ruleset_hash"]


def test_manage_page_runs_checks_for_city_office_only(client_as) -> None:  # type: ignore[no-untyped-def]
    assert client_as("county").get("/policies/manage/").status_code == 403
    client = client_as("city")
    files = engine.shipped_library().files
    post = {"names": list(files), "action": "check", **{f"file:{k}": v for k, v in files.items()}}
    post["file:03_support.yaml"] = files["03_support.yaml"].replace("rate: 0.02", "rat: 0.02")
    text = client.post("/policies/manage/", post).content.decode()
    assert "03_support.yaml" in text and "amount.rat" in text


def test_title_level_and_talent_are_filled_once_on_the_profile_and_prefill_the_calculator(users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.core.inputs import parse
    from xiangcun.partners import services as partners
    from xiangcun.partners.schemas import PartnerEditIn
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.policies.selectors import facts_prefill

    partner = partner_verified(users, "zhoujiu", name="周九", kind="expert")
    partners.partner_update(
        user=users["city"],
        partner=partner,
        data=parse(PartnerEditIn, {"title_level": "associate_senior", "high_level_talent": True}),
    )
    facts = facts_prefill(partner.user)
    assert facts["title_level"] == "associate_senior" and facts["high_level_talent"] is True
    with pytest.raises(ApplicationError) as err:
        partners.partner_update(
            user=users["city"], partner=partner, data=parse(PartnerEditIn, {"title_level": "professor"})
        )
    assert err.value.field == "title_level"


def test_version_get_for_reads_publicly_and_writes_only_for_the_city_office(users) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    from xiangcun.core.errors import AccessDenied, NotAuthenticated, NotFoundError
    from xiangcun.policies import selectors

    # given a published version
    version = PolicyVersion.objects.create(number=1, files={}, ruleset_hash="x" * 64, note="n")
    # then anyone reads it, the city office may write it, a county official or a visitor may not
    assert selectors.version_get_for(AnonymousUser(), 1) == version
    assert selectors.version_get_for(users["city"], 1, write=True) == version
    with pytest.raises(AccessDenied):
        selectors.version_get_for(users["county"], 1, write=True)
    with pytest.raises(NotAuthenticated):
        selectors.version_get_for(AnonymousUser(), 1, write=True)
    with pytest.raises(NotFoundError):
        selectors.version_get_for(users["city"], 2)


def test_unknown_version_page_is_404_and_editor_refuses_visitors(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/policies/versions/99/").status_code == 404
    refused = client.get("/policies/manage/")
    assert refused.status_code == 403
    assert "只有市级管理员可以修改政策" in refused.content.decode()


def test_publish_api_needs_a_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/policies/versions",
        json.dumps({"files": dict(engine.shipped_library().files), "note": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not PolicyVersion.objects.exists()


def test_editor_publish_without_note_names_the_chinese_label(client_as) -> None:  # type: ignore[no-untyped-def]
    # given the city office publishing from the editor page with a blank note
    files = engine.shipped_library().files
    post = {
        "names": list(files),
        "action": "publish",
        "note": "  ",
        **{f"file:{k}": v for k, v in files.items()},
    }
    response = client_as("city").post("/policies/manage/", post, follow=True)
    # then nothing is published and the message names 修改说明, not the JSON path
    text = [str(m) for m in response.context["messages"]]
    assert any("修改说明" in m for m in text), text
    assert not any(m.startswith("note") for m in text)
    assert not PolicyVersion.objects.exists()


def test_calculator_refuses_a_pairing_the_user_may_not_read(client_as) -> None:  # type: ignore[no-untyped-def]
    # when a partner opens the calculator with the id of a pairing that does not exist
    response = client_as("partner").get("/policies/?pairing=999999")
    # then the page says so (404) instead of silently showing an empty calculator
    assert response.status_code == 404
    # and without a pairing the calculator opens as usual
    assert client_as("partner").get("/policies/").status_code == 200
