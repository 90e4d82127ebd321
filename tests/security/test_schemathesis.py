"""Issue 10, "Done when": schemathesis with every check it ships against the served demo, anonymous and
with the county session, finds no server error and no contract violation.

The schema is loaded in-process from the Django WSGI application; each operation runs a few generated
examples (``MAX_EXAMPLES``) as the anonymous visitor and as the demo ``county`` official (session cookie
plus the CSRF token, so that writes pass CSRF and reach validation). ``make test`` runs this file with the
rest of the suite; the CLI run (``schemathesis run … --checks all``) is the long version.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import get_token
from django.test import RequestFactory
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, is_check_class, load_all_checks

load_all_checks()

MAX_EXAMPLES = 5

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

#: every check schemathesis ships (the ``--checks all`` of the CLI)
ALL_CHECKS = [c for c in CHECKS.get_all() if not is_check_class(c)]
CHECK = {c.__name__: c for c in ALL_CHECKS}

#: (who, operation label) -> {check name: why it does not apply}
EXCLUDED: dict[tuple[str, str], dict[str, str]] = {}


def _checks_for(who: str, case: Any) -> list[Any]:
    skip = dict(EXCLUDED.get((who, case.operation.label), {}))
    if who == "anonymous" and case.operation.definition.raw.get("security"):
        skip["positive_data_acceptance"] = "the endpoint needs a login: 401 is the right answer to valid data"
    return [c for c in ALL_CHECKS if c.__name__ not in skip]


@pytest.fixture
def county_session(users) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The county official's session cookie and a CSRF token (cookie + header)."""
    from django.test import Client

    client = Client()
    client.force_login(users["county"])
    request = RequestFactory().get("/")
    token = get_token(request)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None)
def test_anonymous(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(checks=_checks_for("anonymous", case))


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None)
def test_county(case, county_session) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        checks=_checks_for("county", case),
        headers=county_session["headers"],
        cookies=county_session["cookies"],
    )
