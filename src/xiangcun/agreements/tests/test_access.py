"""The one access function per entity, the form's Chinese labels and the one settlement renderer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiangcun.agreements import selectors, services
from xiangcun.agreements.schemas import ObjectionIn, SettlementIn
from xiangcun.agreements.settlement import (
    HouseholdStatement,
    PartyPayout,
    SettlementResult,
    result_document,
)
from xiangcun.agreements.tests.factories import draft, first_village, in_force, step
from xiangcun.core.errors import AccessDenied, NotAuthenticated, NotFoundError
from xiangcun.core.inputs import parse

pytestmark = pytest.mark.django_db


def test_agreement_get_for_refuses_an_official_of_another_county(users):
    agreement = draft(users)  # 东昌府区
    assert selectors.agreement_get_for(users["county"], agreement.pk, write=True) == agreement
    with pytest.raises(AccessDenied):
        selectors.agreement_get_for(users["county2"], agreement.pk)
    with pytest.raises(AccessDenied):
        selectors.agreement_get_for(users["county2"], agreement.pk, write=True)
    with pytest.raises(NotFoundError):
        selectors.agreement_get_for(users["county"], 10**9)


def test_a_public_agreement_is_readable_but_not_writable_by_anyone(users):
    agreement = in_force(users)
    assert selectors.agreement_get_for(users["public"], agreement.pk) == agreement
    assert selectors.reader_kind(users["public"], agreement) == "public"
    with pytest.raises(AccessDenied):
        selectors.agreement_get_for(users["public"], agreement.pk, write=True)
    with pytest.raises(AccessDenied):
        selectors.agreement_get_for(users["county2"], agreement.pk, write=True)


def test_settlement_and_objection_access_follow_the_agreement(users):
    agreement = in_force(users)
    services.settlement_run(
        user=users["county"],
        agreement=agreement,
        settlement=parse(SettlementIn, {"year": 2024, "profit": "100000"}),
    )
    assert selectors.settlement_get_for(users["county"], agreement.pk, 2024).version == 1
    with pytest.raises(NotFoundError):
        selectors.settlement_get_for(users["county"], agreement.pk, 2025)
    hidden = draft(users)
    with pytest.raises(AccessDenied):
        selectors.settlement_get_for(users["county2"], hidden.pk, 2024)

    publicized = draft(users)
    services.agreement_transition(
        user=users["county"],
        agreement=publicized,
        step=step(
            "approved",
            assembly_date="2024-01-05",
            assembly_attendees=3,
            assembly_present=3,
            assembly_votes_for=2,
        ),
    )
    publicized = services.agreement_transition(
        user=users["county"], agreement=publicized, step=step("publicized")
    )
    objection = services.objection_record(
        user=users["county"], agreement=publicized, objection=ObjectionIn(raised_by="村民甲", content="太低")
    )
    assert selectors.objection_get_for(users["county"], objection.pk, agreement_pk=publicized.pk) == objection
    with pytest.raises(NotFoundError):
        selectors.objection_get_for(users["county"], objection.pk, agreement_pk=agreement.pk)
    with pytest.raises(AccessDenied):
        selectors.objection_get_for(users["county2"], objection.pk)
    with pytest.raises(AccessDenied):
        selectors.objection_get_for(users["public"], objection.pk)


def test_anonymous_writes_need_a_login(users):
    from django.contrib.auth.models import AnonymousUser

    agreement = in_force(users)
    with pytest.raises(NotAuthenticated):
        selectors.agreement_get_for(AnonymousUser(), agreement.pk, write=True)


def test_the_drafting_form_names_the_field_by_its_chinese_labels(users, client_as):
    response = client_as("county").post(
        "/agreements/new/",
        {
            "title": "标签测试项目",
            "village": first_village(),
            "mode": "additive",
            "term_start": "2025-01-01",
            "term_end": "2030-12-31",
            "row0_party": "村集体",
            "row0_role": "collective",
            "row0_kind": "cash",
            "row0_amount": "-5",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "参与方第 1 项 · 出资第 1 项 · 金额（元）：不能小于 0" in page
    assert "parties[0]" not in page and "contributions[0]" not in page


def test_an_english_form_error_is_in_english(users, client_as):
    client = client_as("county")
    client.cookies["django_language"] = "en"
    response = client.post(
        "/agreements/new/",
        {
            "title": "标签测试项目",
            "village": first_village(),
            "term_start": "2025-01-01",
            "term_end": "2024-12-31",
            "row0_party": "村集体",
            "row0_role": "collective",
            "row0_kind": "cash",
            "row0_amount": "5",
        },
    )
    assert response.status_code == 400
    assert "must be later than the start of the term" in response.content.decode()


def test_one_renderer_of_a_settlement_never_shows_minus_zero(users):
    zero = Decimal("-0.00")
    result = SettlementResult(
        parties=(PartyPayout("0", zero, Decimal("5.00"), zero, Decimal("5.00")),),
        collective_income=zero,
        total=Decimal("5.00"),
        reserve=zero,
        distributed_to_members=zero,
        households=(HouseholdStatement("H1", zero, zero, zero),),
    )
    document = result_document(result)
    assert "-0.00" not in str(document)
    assert document["parties"][0] == {
        "id": "0",
        "guarantee": "0.00",
        "dividend": "5.00",
        "adjustment": "0.00",
        "total": "5.00",
    }
    # rows stored before the one renderer read back without the sign, on the page, API and exports
    agreement = in_force(users)
    row = services.settlement_run(
        user=users["county"],
        agreement=agreement,
        settlement=parse(SettlementIn, {"year": 2024, "profit": "0"}),
    )
    row.result["parties"][0]["adjustment"] = "-0.00"
    parties, _ = selectors.settlement_lines(row, "official")
    assert str(parties[0].adjustment) == "0.00"


def test_the_api_documents_the_request_bodies_it_parses(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/agreements"]["post"]["requestBody"]["content"]["application/json"]
    party = body["schema"]["properties"]["parties"]["items"]
    assert {"role", "name", "contributions"} <= set(party["properties"])
    assert party["properties"]["role"]["title"] == "角色"
