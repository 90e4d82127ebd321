"""The role × region matrix: every page and API operation that reaches an object by id or region code, asked
by every demo user (city, county 东昌府区, county2 临清市, town, cadre, partner, public, anonymous) about one
object inside 东昌府区 and one inside 临清市 (tests/matrix_world.py).

A user outside the object's region never receives it (403/404, or its row absent from a list); inside, the
official gets 200; a write from outside is refused (401/403/404) and leaves the row as it was. The TABLE must
describe every URL pattern and every API operation with an id or a region code: a new one without an entry
fails ``test_every_url_and_operation_is_in_the_matrix``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.matrix_bodies import (
    APPROVE,
    BACKFILL,
    VILLAGE_PROFILE,
    agreement_form_body,
    agreement_json_body,
    application_body,
    body,
    notice_form_body,
    notice_json_body,
    partner_form_body,
    photo_body,
    resource_body,
)
from tests.matrix_checks import COUNTY_LEVEL, Check, detail, listing, run, write
from tests.matrix_world import OFFICIALS, USERS, build

ALL = USERS
REGION_PARAMS = {"county", "village", "town", "region"}
SKIP_ROUTES = ("admin/", "i18n/", "api/", "^api/", "static/", "^static/", "media/", "^media/")


NOTICES = ("notice.A", "notice.B", "notice.pubA", "notice.pubB")
DRAFTS = ("notice.A", "notice.B")
PUBLISHED = ("notice.pubA", "notice.pubB")
AGREEMENTS = (
    "agreement.A",
    "agreement.B",
    "agreement.pubA",
    "agreement.pubB",
    "agreement.forceA",
    "agreement.forceB",
)
IN_FORCE = ("agreement.forceA", "agreement.forceB")
# PDFs and simulations are slow to build: the drafts (refused outside), and once one public agreement.
DRAFT_AGREEMENTS = ("agreement.A", "agreement.B")
SOME_AGREEMENTS = ("agreement.A", "agreement.B", "agreement.forceA")
FEW = ("county", "county2", "anonymous")  # public pages with nothing regional on them
VILLAGES = ("village.A", "village.B")
RESOURCES = ("resource.A", "resource.B")
PARTNERS = ("partner.A", "partner.B", "partner.pub")
PENDING = ("partner.A", "partner.B")
PAIRINGS = ("pairing.A", "pairing.B")
RUNS = ("run.A", "run.B")
IMPORTS = ("import.A", "import.B")
APPLICATIONS = ("application.A", "application.B")
CITY = ("city",)
PARTNERS_ONLY = "interest is a partner's act: no demo user may express it, in or out of the region"

# --------------------------------------------------------------------------------------------------
# The matrix: URL name or "METHOD /api/path" → checks, or the reason the pattern needs none.
# --------------------------------------------------------------------------------------------------
TABLE: dict[str, list[Check] | str] = {
    # Site-wide pages without an object.
    "healthz": "liveness probe, no data",
    "accounts:login": "no object",
    "accounts:logout": "no object",
    "web:home": "public figures of the city, no region parameter",
    "web:manage": "the signed-in official's own region only, no parameter naming another",
    # Regions and villages: public register; edits by the village's officials.
    "regions:region": [detail("region.A", "region.B", url="/regions/{code}/", ok=FEW, users=FEW)],
    "regions:village": [detail(*VILLAGES, url="/villages/{code}/", ok=ALL)],
    "regions:village_edit": [
        detail(*VILLAGES, url="/villages/{code}/edit/", public_ok=False, ok=OFFICIALS),
        write(*VILLAGES, url="/villages/{code}/edit/", body=body(VILLAGE_PROFILE)),
    ],
    "regions:search": [listing(*VILLAGES, url="/villages/?county={county}", ok=FEW, users=FEW)],
    "GET /api/v1/regions/{code}": [detail("region.A", "region.B", url="/api/v1/regions/{code}", ok=ALL)],
    "GET /api/v1/regions/{code}/children": [
        detail("region.A", "region.B", url="/api/v1/regions/{code}/children", ok=ALL)
    ],
    "GET /api/v1/villages": [listing(*VILLAGES, url="/api/v1/villages?county={county}&town={town}", ok=ALL)],
    "GET /api/v1/villages/{code}": [detail(*VILLAGES, url="/api/v1/villages/{code}", ok=ALL)],
    # The village picker of the forms: officials find only their own region's villages.
    "GET /api/v1/villages/pick": [
        listing(
            *VILLAGES,
            url="/api/v1/villages/pick?q={name}&limit=20",
            public_ok=False,
            ok=OFFICIALS,
            marker=lambda o: o.pk,
        )
    ],
    # Recruitment notices.
    "recruitment:list": [
        listing(*DRAFTS, url="/notices/?county={county}", listed=False),
        listing(*PUBLISHED, url="/notices/?county={county}", ok=ALL),
    ],
    "recruitment:mine": [
        listing(*NOTICES, url="/notices/mine/?county={county}", public_ok=False, ok=OFFICIALS)
    ],
    "recruitment:create": [write(*VILLAGES, url="/notices/new/", body=notice_form_body, form_error_ok=True)],
    "recruitment:export": [
        listing(*DRAFTS, url="/notices/export.xlsx?county={county}", listed=False),
        listing(*PUBLISHED, url="/notices/export.xlsx?county={county}", ok=ALL),
    ],
    "recruitment:detail": [detail(*NOTICES, url="/notices/{pk}/", ok=ALL)],
    "recruitment:edit": [
        detail(*DRAFTS, url="/notices/{pk}/edit/", public_ok=False, ok=OFFICIALS),
        write(*DRAFTS, url="/notices/{pk}/edit/", body=notice_form_body),
    ],
    "recruitment:transition": [
        write(*DRAFTS, url="/notices/{pk}/transition/", body=body({"action": "submit"})),
        write("notice.pubA", "notice.pubB", url="/notices/{pk}/transition/", body=body({"action": "close"})),
    ],
    "recruitment:batches": "the city's batch register (public); creating one is the city office's",
    "recruitment:batch": [
        detail("batch.pub", url="/notices/batches/{pk}/", ok=ALL),
        listing(*DRAFTS, url="/notices/batches/{batch}/", listed=False),
    ],
    "GET /api/v1/notices": [
        listing(*DRAFTS, url="/api/v1/notices?county={county}", listed=False),
        listing(*PUBLISHED, url="/api/v1/notices?county={county}", ok=ALL),
        listing(*DRAFTS, url="/api/v1/notices?county={county}&status=draft", listed=False),
        listing(*DRAFTS, url="/api/v1/notices?county={county}&mine=true", ok=OFFICIALS),
    ],
    "POST /api/v1/notices": [write(*VILLAGES, url="/api/v1/notices", api=True, body=notice_json_body)],
    "GET /api/v1/notices/{notice_id}": [detail(*NOTICES, url="/api/v1/notices/{pk}", ok=ALL)],
    "POST /api/v1/notices/{notice_id}/transition": [
        write(*DRAFTS, url="/api/v1/notices/{pk}/transition", api=True, body=body({"action": "submit"})),
        write(
            "notice.pubA",
            "notice.pubB",
            url="/api/v1/notices/{pk}/transition",
            api=True,
            body=body({"action": "close"}),
        ),
    ],
    # Partners: pending ones are the city office's (and their own) only.
    "partners:list": [
        listing(*PARTNERS, url="/partners/?county={county}", ok=CITY),
        listing(*PENDING, url="/partners/?county={county}&status=pending", ok=CITY),
    ],
    "partners:register": "self-registration, no object",
    "partners:queue": [listing(*PENDING, url="/partners/queue/", ok=CITY)],
    "partners:export": [listing(*PENDING, url="/partners/export.xlsx?county={county}", ok=(), listed=False)],
    "partners:detail": [
        detail(*PENDING, url="/partners/{pk}/", ok=CITY),
        detail("partner.pub", url="/partners/{pk}/", ok=ALL),
    ],
    "partners:edit": [
        detail(*PARTNERS, url="/partners/{pk}/edit/", public_ok=False, ok=()),
        write(*PARTNERS, url="/partners/{pk}/edit/", body=partner_form_body),
    ],
    "partners:verify": [write(*PENDING, url="/partners/{pk}/verify/", body=body({"decision": "verify"}))],
    "GET /api/v1/partners": [
        listing(*PARTNERS, url="/api/v1/partners?county={county}", ok=CITY),
        listing(*PENDING, url="/api/v1/partners?county={county}&status=pending", ok=CITY),
    ],
    "GET /api/v1/partners/{partner_id}": [
        detail(*PENDING, url="/api/v1/partners/{pk}", ok=CITY),
        detail("partner.pub", url="/api/v1/partners/{pk}", ok=ALL),
    ],
    "POST /api/v1/partners/{partner_id}/verify": [
        write(*PENDING, url="/api/v1/partners/{pk}/verify", api=True, body=body({"verified": True}))
    ],
    # Personal information: the rules, one's own data, and the city office's read log.
    "privacy:notice": "the public 个人信息处理规则, no object",
    "privacy:me": "one's own consents and read log, no id or region",
    "privacy:data_json": "a copy of one's own data, no id (tests in privacy/tests)",
    "privacy:data_xlsx": "a copy of one's own data, no id (tests in privacy/tests)",
    "privacy:delete": "erases one's own account only, no id (tests in privacy/tests)",
    "privacy:reads": [
        detail(*PENDING, url="/privacy/reads/?model=partners.partner&pk={pk}", ok=CITY, public_ok=False),
        detail(
            *VILLAGES,
            url="/privacy/reads/?model=regions.village&pk={pk}",
            ok=CITY,
            public_ok=False,
            users=("city", "county", "cadre", "partner", "anonymous"),
        ),
    ],
    # A notice's contact: in full for its region's officials and a partner paired with it (the pub
    # notices' secret is their phone), masked for everyone else.
    "matching:notice_contact": [
        detail(*NOTICES, url="/matching/notices/{pk}/contact/", ok=OFFICIALS),
    ],
    "GET /api/v1/notices/{notice_id}/contact": [
        detail(*NOTICES, url="/api/v1/notices/{pk}/contact", ok=OFFICIALS),
    ],
    # Matching: recommendations, county pairing runs, pairings.
    "matching:recommendations": [
        listing(*PENDING, url="/matching/recommendations/?partner={pk}", ok=(), listed=False)
    ],
    # The notice page's htmx fragment: recommended partners for the notice's own officials, an empty
    # fragment for anyone else (nothing of the notice is ever in it for them).
    "matching:notice_recommendations": [
        listing(*NOTICES, url="/matching/notices/{pk}/recommendations/", ok=(), listed=False)
    ],
    "GET /api/v1/notices/{notice_id}/recommendations": [
        detail(*DRAFTS, url="/api/v1/notices/{pk}/recommendations", ok=COUNTY_LEVEL),
        detail(*PUBLISHED, url="/api/v1/notices/{pk}/recommendations", public_ok=False),
    ],
    "GET /api/v1/partners/{partner_id}/recommendations": [
        detail(*PENDING, url="/api/v1/partners/{pk}/recommendations", ok=CITY)
    ],
    "matching:county": [
        listing(*RUNS, url="/matching/county/?county={county}", ok=COUNTY_LEVEL),
        write("region.A", "region.B", url="/matching/county/?county={code}", body=body({})),
    ],
    "POST /api/v1/pairing/runs": [
        write(
            "region.A", "region.B", url="/api/v1/pairing/runs", api=True, body=lambda o, s: {"county": o.pk}
        )
    ],
    "matching:run": [detail(*RUNS, url="/matching/runs/{pk}/", ok=COUNTY_LEVEL)],
    "GET /api/v1/pairing/runs/{run_id}": [detail(*RUNS, url="/api/v1/pairing/runs/{pk}", ok=COUNTY_LEVEL)],
    "matching:run_send": [
        write(
            *RUNS,
            url="/matching/runs/{pk}/send/",
            body=lambda o, shared: {
                "pair": [f"{p['notice']}:{p['partner']}" for p in o.row.proposal["pairs"]]
            },
        )
    ],
    "POST /api/v1/pairing/runs/{run_id}/send": [
        write(*RUNS, url="/api/v1/pairing/runs/{pk}/send", api=True, body=body({}))
    ],
    "matching:mine": [listing(*PAIRINGS, url="/matching/mine/", ok=COUNTY_LEVEL)],
    "GET /api/v1/pairings": [
        listing(*PAIRINGS, url="/api/v1/pairings", ok=COUNTY_LEVEL, marker=lambda o: o.params["notice_title"])
    ],
    "matching:pairing": [detail(*PAIRINGS, url="/matching/pairings/{pk}/", ok=COUNTY_LEVEL)],
    "matching:pairing_step": [
        write(*PAIRINGS, url="/matching/pairings/{pk}/step/", body=body({"to_status": "negotiating"}))
    ],
    "POST /api/v1/pairings/{pairing_id}/transition": [
        write(
            *PAIRINGS,
            url="/api/v1/pairings/{pk}/transition",
            api=True,
            body=body({"to_status": "negotiating"}),
        )
    ],
    # The other side's contact ("显示联系方式"): the pairing's parties only; in full from 洽谈 on.
    "matching:pairing_contact": [detail(*PAIRINGS, url="/matching/pairings/{pk}/contact/", ok=COUNTY_LEVEL)],
    "matching:pairing_note": [
        write(
            *PAIRINGS,
            url="/matching/pairings/{pk}/note/",
            body=body({"note": "越权记录", "meeting_date": "2024-06-01"}),
        )
    ],
    "POST /api/v1/pairings/{pairing_id}/notes": [
        write(
            *PAIRINGS,
            url="/api/v1/pairings/{pk}/notes",
            api=True,
            body=body({"note": "越权记录", "meeting_date": "2024-06-01"}),
        )
    ],
    "matching:interest": [
        write(
            *DRAFTS, url="/matching/interest/{pk}/", body=body({"note": "越权意向"}), effective=PARTNERS_ONLY
        )
    ],
    "POST /api/v1/pairings": [
        write(
            *DRAFTS,
            url="/api/v1/pairings",
            api=True,
            body=lambda o, s: {"notice": o.pk, "note": "越权"},
            effective=PARTNERS_ONLY,
        )
    ],
    "matching:weights": "city-wide fit weights, no region (the city office edits them)",
    # One's own password: no region, no object of anybody else (the reset link is a signed token).
    "accounts:password_change": "one's own password, no region",
    "accounts:password_change_done": "a confirmation page, no data",
    "accounts:password_reset": "asks for an e-mail address; says the same whether or not it exists",
    "accounts:password_reset_done": "a confirmation page, no data",
    "accounts:password_reset_confirm": "a signed, expiring token for one account, no region",
    "accounts:password_reset_complete": "a confirmation page, no data",
    # Resources: a public ledger; a household owner's name stays with the village's officials.
    "resources:map": "public map page; its data comes from GET /api/v1/resources/geojson",
    "resources:list": [listing(*RESOURCES, url="/resources/?county={county}&village={village}", ok=ALL)],
    "resources:create": [write(*VILLAGES, url="/resources/new/", body=resource_body, form_error_ok=True)],
    "resources:export": [
        listing(*RESOURCES, url="/resources/export.xlsx?county={county}", ok=ALL, marker=lambda o: o.marker),
        listing(
            *RESOURCES,
            url="/resources/export.xlsx?county={county}&mine=1",
            public_ok=False,
            ok=COUNTY_LEVEL,
            users=OFFICIALS,
        ),
    ],
    "resources:export_progress": "a queued export is its creator's own job (tests in resources/tests/test_exports.py)",
    "resources:export_status": "a queued export is its creator's own job (tests in resources/tests/test_exports.py)",
    "resources:export_download": "a queued export is its creator's own job (tests in resources/tests/test_exports.py)",
    "resources:import": "an upload becomes the uploader's own job (checked by resources:import_*)",
    "resources:import_template": "an empty template",
    "resources:import_progress": [detail(*IMPORTS, url="/resources/import/{pk}/", ok=())],
    "resources:import_status": [detail(*IMPORTS, url="/resources/import/{pk}/status/", ok=COUNTY_LEVEL)],
    "resources:import_result": [detail(*IMPORTS, url="/resources/import/{pk}/result/", ok=COUNTY_LEVEL)],
    "resources:import_retry": [
        write(
            *IMPORTS,
            url="/resources/import/{pk}/retry/",
            effective="a retry re-runs a failed job; the matrix's jobs are done (resources/tests/test_jobs.py)",
        )
    ],
    "resources:detail": [detail(*RESOURCES, url="/resources/{pk}/", ok=ALL)],
    "resources:edit": [
        detail(*RESOURCES, url="/resources/{pk}/edit/", public_ok=False, ok=OFFICIALS),
        write(*RESOURCES, url="/resources/{pk}/edit/", body=resource_body),
    ],
    "resources:photo_add": [write(*RESOURCES, url="/resources/{pk}/photos/", body=photo_body)],
    "GET /api/v1/resources/geojson": [
        listing(
            *RESOURCES, url="/api/v1/resources/geojson?county={county}&village={village}", ok=(), listed=False
        )
    ],
    "GET /api/v1/resources/county-figures": [
        listing(*RESOURCES, url="/api/v1/resources/county-figures?county={county}", ok=ALL, listed=False)
    ],
    "GET /api/v1/resources": [
        listing(*RESOURCES, url="/api/v1/resources?county={county}&village={village}", ok=ALL)
    ],
    "POST /api/v1/resources": [write(*VILLAGES, url="/api/v1/resources", api=True, body=resource_body)],
    "GET /api/v1/resources/{resource_id}": [detail(*RESOURCES, url="/api/v1/resources/{pk}", ok=ALL)],
    "PATCH /api/v1/resources/{resource_id}": [
        write(
            *RESOURCES,
            url="/api/v1/resources/{pk}",
            method="patch",
            api=True,
            body=body({"name": "越权修改"}),
        )
    ],
    # Agreements, their objections, settlements and guarantees.
    "agreements:list": [
        listing("agreement.A", "agreement.B", *IN_FORCE, url="/agreements/", public_ok=False),
        listing("agreement.pubA", "agreement.pubB", url="/agreements/", ok=ALL),  # with the 公示栏
    ],
    "agreements:new": [
        write(*VILLAGES, url="/agreements/new/", body=agreement_form_body, form_error_ok=True),
        detail(*PAIRINGS, url="/agreements/new/?pairing={pk}", ok=COUNTY_LEVEL),
    ],
    # The drafting form's pickers: a village's ledger for those who may draft there; verified partners only.
    "agreements:resource_options": [
        detail(
            *VILLAGES, url="/agreements/new/resources/?village={code}&row=0", public_ok=False, ok=OFFICIALS
        )
    ],
    "agreements:partner_options": [
        listing(*PENDING, url="/agreements/new/partners/?q=专用待审合伙人&row=0", ok=CITY, listed=False)
    ],
    "agreements:publicity": [listing(*AGREEMENTS, url="/agreements/publicity/", ok=(), listed=False)],
    "agreements:guarantees": [
        listing(*IN_FORCE, url="/agreements/guarantees/", public_ok=False, ok=COUNTY_LEVEL)
    ],
    "agreements:detail": [detail(*AGREEMENTS, url="/agreements/{pk}/", ok=OFFICIALS)],
    "agreements:edit": [
        detail("agreement.A", "agreement.B", url="/agreements/{pk}/edit/", public_ok=False),
        write("agreement.A", "agreement.B", url="/agreements/{pk}/edit/", body=agreement_form_body),
    ],
    "agreements:step": [
        write("agreement.A", "agreement.B", url="/agreements/{pk}/step/", body=body(APPROVE))
    ],
    "agreements:backfill": [
        write(
            "agreement.apprA",
            "agreement.apprB",
            url="/agreements/{pk}/backfill/",
            body=body(BACKFILL),
            writers=CITY,
        )
    ],
    "agreements:objection_add": [
        write(
            "agreement.pubA",
            "agreement.pubB",
            url="/agreements/{pk}/objections/",
            body=body({"raised_by": "越权", "content": "越权异议"}),
        )
    ],
    "agreements:objection_reply": [
        write(
            "objection.A",
            "objection.B",
            url="/agreements/objections/{pk}/answer/",
            body=body({"answer": "越权"}),
        )
    ],
    "agreements:guarantee_pay": [
        write(
            *IN_FORCE,
            url="/agreements/{pk}/guarantee/",
            body=body({"year": "2025", "amount": "1000", "paid_on": "2026-03-01"}),
        )
    ],
    "agreements:pdf": [detail(*DRAFT_AGREEMENTS, url="/agreements/{pk}/pdf/")],
    "agreements:settle": [
        write(*IN_FORCE, url="/agreements/{pk}/settle/", body=body({"year": "2025", "profit": "100000"}))
    ],
    "agreements:settlement": [detail(*IN_FORCE, url="/agreements/{pk}/settlements/{year}/", ok=ALL)],
    "agreements:settlement_pdf": [detail(*IN_FORCE, url="/agreements/{pk}/settlements/{year}/pdf/")],
    # One household's statement names its head and income in full: the officials of the village only.
    "agreements:statement_pdf": [
        detail(
            *IN_FORCE,
            url="/agreements/{pk}/settlements/{year}/households/H001/pdf/",
            public_ok=False,
            ok=OFFICIALS,
        )
    ],
    "agreements:settlement_xlsx": [detail(*IN_FORCE, url="/agreements/{pk}/settlements/{year}/xlsx/")],
    "agreements:simulate": [detail(*DRAFT_AGREEMENTS, url="/agreements/{pk}/simulate/")],
    "GET /api/v1/agreements": [listing(*AGREEMENTS, url="/api/v1/agreements", public_ok=False)],
    "POST /api/v1/agreements": [
        write(*VILLAGES, url="/api/v1/agreements", api=True, body=agreement_json_body)
    ],
    "GET /api/v1/funding/rounds": [listing("round.open", "round.pub", url="/api/v1/funding/rounds", ok=ALL)],
    "GET /api/v1/agreements/publicity": [
        listing(*AGREEMENTS, url="/api/v1/agreements/publicity", ok=(), listed=False)
    ],
    "GET /api/v1/agreements/guarantees": [
        listing(*IN_FORCE, url="/api/v1/agreements/guarantees?unpaid=true", public_ok=False)
    ],
    "GET /api/v1/agreements/{pk}": [detail(*AGREEMENTS, url="/api/v1/agreements/{pk}", ok=OFFICIALS)],
    "PUT /api/v1/agreements/{pk}": [
        write(
            "agreement.A",
            "agreement.B",
            url="/api/v1/agreements/{pk}",
            method="put",
            api=True,
            body=agreement_json_body,
        )
    ],
    "POST /api/v1/agreements/{pk}/transitions": [
        write(
            "agreement.A",
            "agreement.B",
            url="/api/v1/agreements/{pk}/transitions",
            api=True,
            body=body(APPROVE),
        )
    ],
    "POST /api/v1/agreements/{pk}/backfill": [
        write(
            "agreement.apprA",
            "agreement.apprB",
            url="/api/v1/agreements/{pk}/backfill",
            api=True,
            body=body(BACKFILL),
            writers=CITY,
        )
    ],
    "GET /api/v1/agreements/{pk}/events": [detail(*AGREEMENTS, url="/api/v1/agreements/{pk}/events")],
    "POST /api/v1/agreements/{pk}/objections": [
        write(
            "agreement.pubA",
            "agreement.pubB",
            url="/api/v1/agreements/{pk}/objections",
            api=True,
            body=body({"raised_by": "越权", "content": "越权异议"}),
        )
    ],
    "POST /api/v1/agreements/{pk}/objections/{oid}/answer": [
        write(
            "objection.A",
            "objection.B",
            url="/api/v1/agreements/{agreement}/objections/{pk}/answer",
            api=True,
            body=body({"answer": "越权"}),
        )
    ],
    "POST /api/v1/agreements/{pk}/settlements": [
        write(
            *IN_FORCE,
            url="/api/v1/agreements/{pk}/settlements",
            api=True,
            body=body({"year": 2025, "profit": "100000"}),
        )
    ],
    "GET /api/v1/agreements/{pk}/settlements": [
        detail(*IN_FORCE, url="/api/v1/agreements/{pk}/settlements", ok=ALL)
    ],
    "POST /api/v1/agreements/{pk}/guarantees": [
        write(
            *IN_FORCE,
            url="/api/v1/agreements/{pk}/guarantees",
            api=True,
            body=body({"year": 2025, "amount": "1000", "paid_on": "2026-03-01"}),
        )
    ],
    "GET /api/v1/agreements/{pk}/simulation": [
        detail(*SOME_AGREEMENTS, url="/api/v1/agreements/{pk}/simulation")
    ],
    "GET /api/v1/agreements/{pk}/pdf": [detail(*DRAFT_AGREEMENTS, url="/api/v1/agreements/{pk}/pdf")],
    # Funding rounds (city-wide, every official reads them) and the counties' applications.
    "funding:list": [listing("round.open", "round.pub", url="/funding/", ok=ALL)],
    "funding:detail": [
        detail("round.open", "round.pub", url="/funding/{pk}/", ok=OFFICIALS),
        listing(*APPLICATIONS, url="/funding/{round}/", ok=COUNTY_LEVEL),
    ],
    "funding:apply": [write(*IN_FORCE, url="/funding/{empty_round}/apply/", body=application_body)],
    "funding:verify": [write(*APPLICATIONS, url="/funding/applications/{pk}/verify/", writers=CITY)],
    "funding:select": [write("round.open", url="/funding/{pk}/select/", writers=CITY)],
    "funding:publish": [write("round.selected", url="/funding/{pk}/publish/", writers=CITY)],
    # The analysis of the other selection mode: officials only, even for a published (public) round.
    "funding:analysis": [
        detail(
            "round.open",
            "round.pub",
            "round.selected",
            url="/funding/{pk}/analysis/",
            ok=OFFICIALS,
            public_ok=False,
        )
    ],
    "funding:xlsx": [
        detail("round.open", url="/funding/{pk}/xlsx/", ok=OFFICIALS),
        listing(*APPLICATIONS, url="/funding/{round}/xlsx/", ok=COUNTY_LEVEL),
    ],
    "GET /api/v1/funding/rounds/{pk}": [
        detail("round.open", "round.pub", url="/api/v1/funding/rounds/{pk}", ok=OFFICIALS)
    ],
    "GET /api/v1/funding/rounds/{pk}/applications": [
        listing(*APPLICATIONS, url="/api/v1/funding/rounds/{round}/applications", ok=COUNTY_LEVEL)
    ],
    "POST /api/v1/funding/rounds/{pk}/applications": [
        write(
            *IN_FORCE,
            url="/api/v1/funding/rounds/{empty_round}/applications",
            api=True,
            body=application_body,
        )
    ],
    "POST /api/v1/funding/applications/{pk}/verify": [
        write(*APPLICATIONS, url="/api/v1/funding/applications/{pk}/verify", api=True, writers=CITY)
    ],
    "POST /api/v1/funding/rounds/{pk}/select": [
        write("round.open", url="/api/v1/funding/rounds/{pk}/select", api=True, writers=CITY)
    ],
    "POST /api/v1/funding/rounds/{pk}/publish": [
        write("round.selected", url="/api/v1/funding/rounds/{pk}/publish", api=True, writers=CITY)
    ],
    "GET /api/v1/funding/rounds/{pk}/analysis": [
        detail("round.selected", url="/api/v1/funding/rounds/{pk}/analysis", ok=OFFICIALS),
        # a published round without a stored analysis: a 400 for officials, refused to everyone else
        detail("round.pub", url="/api/v1/funding/rounds/{pk}/analysis", ok=(), public_ok=False),
    ],
    "GET /api/v1/funding/rounds/{pk}/xlsx": [
        detail("round.open", url="/api/v1/funding/rounds/{pk}/xlsx", ok=OFFICIALS),
        listing(*APPLICATIONS, url="/api/v1/funding/rounds/{round}/xlsx", ok=COUNTY_LEVEL),
    ],
    # Notifications: one's own only (another's is a 404, whatever the role or region).
    "inbox:list": [listing("notification.A", "notification.B", url="/inbox/", ok=("county", "county2"))],
    "inbox:read": [write("notification.A", "notification.B", url="/inbox/{pk}/read/", body=body({}))],
    "inbox:read_all": "marks the caller's own notifications read: no id, no region",
    # Policies: the city's public library and its versions.
    "policies:calculator": [
        # ?county= is a fact of the evaluation; ?pairing= prefills from a pairing the user may see.
        detail(*PAIRINGS, url="/policies/?pairing={pk}", users=USERS[:-1]),
    ],
    "policies:save": "saves the caller's own evaluation",
    "policies:library": "the public policy library",
    "policies:manage": "the city office's editor (city-wide, no region)",
    "policies:versions": "the public version history",
    "policies:version": [detail("policy.pub", url="/policies/versions/{number}/", ok=ALL)],
}


# --------------------------------------------------------------------------------------------------
# What the site offers
# --------------------------------------------------------------------------------------------------
def site_patterns() -> dict[str, str]:
    """Every URL pattern by name (``namespace:name``), except admin, i18n, static and the API mount."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIP_ROUTES):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
                found[name] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def api_operations() -> dict[str, bool]:
    """Every API operation ("GET /api/v1/…") → whether it takes an id or a region code."""
    from xiangcun.config.api import api

    ops = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            by_id = any(p["in"] == "path" for p in params)
            by_region = any(p["in"] == "query" and p["name"] in REGION_PARAMS for p in params)
            ops[f"{method.upper()} {path}"] = by_id or by_region
    return ops


def test_every_url_and_operation_is_in_the_matrix() -> None:
    patterns, operations = set(site_patterns()), api_operations()
    required = patterns | {op for op, needed in operations.items() if needed}
    known = patterns | set(operations)
    missing = sorted(required - set(TABLE))
    stale = sorted(set(TABLE) - known)
    assert not missing, "not in the role × region matrix (add an entry to TABLE):\n" + "\n".join(missing)
    assert not stale, "matrix entries for patterns that no longer exist:\n" + "\n".join(stale)


# --------------------------------------------------------------------------------------------------
# The data, built once per module, rolled back at its end
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import User

    with django_db_blocker.unblock(), transaction.atomic():
        users = {u.username: u for u in User.objects.filter(is_demo=True)}
        world = build(users)
        shared = {
            "batch": world["batch.pub"].pk,
            "round": world["round.open"].pk,
            "empty_round": world["round.empty"].pk,
        }
        clients: dict[str, Client] = {}
        for name in USERS:
            client = Client(raise_request_exception=False)
            if name != "anonymous":
                client.force_login(users[name])
            clients[name] = client
        yield world, shared, clients
        transaction.set_rollback(True)


CASES = [
    pytest.param(key, i, id=f"{key}[{i}]")
    for key, checks in TABLE.items()
    if not isinstance(checks, str)
    for i in range(len(checks))
]


@pytest.mark.parametrize(("key", "index"), CASES)
def test_matrix(matrix, db, key: str, index: int) -> None:  # type: ignore[no-untyped-def]
    world, shared, clients = matrix
    checks = TABLE[key]
    assert not isinstance(checks, str)
    failures = run(checks[index], world, shared, clients)
    assert not failures, f"{key}:\n" + "\n".join(failures)
