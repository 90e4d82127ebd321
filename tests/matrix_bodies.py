"""Request bodies of the role × region matrix's writes: valid for an entitled writer (the matrix proves it
by sending each once as one), so an outsider's refusal is a refusal and not a validation error."""

from __future__ import annotations

from typing import Any

from tests.matrix_world import Obj


def notice_form_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "越权招募令",
        "village": o.params.get("village") or o.pk,
        "level": "county",
        "category": "farm_stay",
        "kinds_wanted": ["entrepreneur"],
        "cooperation_forms": ["capital"],
        "description": "越权写入",
    }


def notice_json_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "越权招募令",
        "villages": [o.pk],
        "category": "farm_stay",
        "cooperation_forms": ["capital"],
        "kinds_wanted": ["entrepreneur"],
    }


def resource_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    village = o.row if o.kind == "village" else o.row.village
    return {
        "village": village.code,
        "name": "越权资源",
        "kind": "idle_building",
        "right": "ownership",
        "owner_type": "collective",
        "owner_name": "越权村委会",
        "area": "100",
        "unit": "m2",
        "lng": village.lng,
        "lat": village.lat,
        "status": "available",
    }


def agreement_form_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    village = o.pk if o.kind == "village" else o.row.village_id
    return {
        "title": "越权协议",
        "village": village,
        "mode": "additive",
        "guarantee": "0",
        "reserve_rate": "0.1",
        "expected_profit": "1000",
        "term_start": "2024-01-01",
        "term_end": "2030-12-31",
        "row0_party": "村集体",
        "row0_role": "collective",
        "row0_kind": "cash",
        "row0_amount": "1000",
        "row1_party": "合伙人",
        "row1_role": "partner",
        "row1_kind": "cash",
        "row1_amount": "1000",
        "members": "H001 越权户主 1",
    }


def agreement_json_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    from xiangcun.agreements.tests.factories import agreement_data

    village = o.pk if o.kind == "village" else o.row.village_id
    return agreement_data(village, title="越权协议")


APPROVE = {
    "to_status": "approved",
    "assembly_date": "2024-01-05",
    "assembly_attendees": 30,
    "assembly_present": 25,
    "assembly_votes_for": 22,
}
# 补录 of a paper 公示 (the city office's): an approved agreement enters 公示 on its paper date.
BACKFILL = {"publicity_start": "2024-02-01", "reason": "矩阵专用补录：纸质公示记录"}
FIGURES = {
    "requested": "100000",
    "investment": "1000000",
    "profit_tax": "100000",
    "social_benefit": "60",
    "farmer_income_increase": "50000",
    "collective_income_increase": "25000",
}


def body(data: dict[str, Any]) -> Any:
    return lambda o, shared: dict(data)


def photo_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(data, "PNG")
    return {"photo": SimpleUploadedFile("p.png", data.getvalue(), "image/png"), "caption": "越权"}


def partner_form_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    p = o.row
    return {
        "name": "越权修改",
        "kind": p.kind,
        "phone": p.phone,
        "id_number": p.id_number,
        "home_county": p.home_county_id or "",
        "capital_min": "10",
        "capital_max": "60",
        "skills": "、".join(p.skills),
        "preferred_counties": p.preferred_counties,
        "preferred_categories": p.preferred_categories,
        "cooperation_forms": p.cooperation_forms,
        "profile": p.profile,
    }


VILLAGE_PROFILE = {
    "households": "321",
    "population": "999",
    "cultivated_land_mu": "1234",
    "featured_industry": "越权修改",
    "contact_name": "越权",
    "contact_phone": "13800000009",
}


def application_body(o: Obj, _: dict[str, Any]) -> dict[str, Any]:
    return {"agreement": o.pk, **FIGURES}
