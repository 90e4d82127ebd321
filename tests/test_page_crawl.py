"""Crawl the site as each role on the full city demo: every page a link leads to answers without a 500,
and pages in Chinese stay in Chinese."""

from __future__ import annotations

import pytest
from django.test import Client

# LINK and SKIP are also read from here by tests/security/test_csp.py.
from tests.crawl import LINK, SKIP, crawl, full_demo_build  # noqa: F401

PAGES_PER_ROLE = 90


@pytest.fixture
def full_demo(users):  # type: ignore[no-untyped-def]
    full_demo_build()
    return users


@pytest.mark.slow
def test_every_linked_page_answers_without_a_server_error(full_demo):
    failures: list[str] = []
    for who in ("anonymous", "cadre", "county", "city", "partner"):
        client = Client(raise_request_exception=False)
        if who != "anonymous":
            client.force_login(full_demo[who])
        failures += [f"{who}: {f}" for f in _crawl(client)]
    assert not failures, "\n".join(failures)


def _crawl(client: Client) -> list[str]:
    def fetch(url: str) -> tuple[int, str, str]:
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        html = response.status_code == 200 and content_type.startswith("text/html")
        return response.status_code, content_type, response.content.decode() if html else ""

    result = crawl(fetch, limit=PAGES_PER_ROLE)
    assert len(result.seen) > 40
    return result.failures
