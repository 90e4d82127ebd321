"""Every endpoint of the OpenAPI document, called with bad input by an anonymous caller and by a county
official: a 4xx with the API's error shape, never a 500 and never a traceback."""

from __future__ import annotations

import re

import pytest
from django.test import Client

BAD_PATH_VALUES = ["0", "999999999", "abc", "-1", "37150", "张家庄", "1;DROP TABLE"]
BAD_BODIES = ["", "not json", "[]", '{"title": 12, "village": null, "parties": "x", "year": "abc"}', "{}"]


def _operations(client: Client) -> list[tuple[str, str]]:
    doc = client.get("/api/v1/openapi.json").json()
    return [(path, method) for path, item in doc["paths"].items() for method in item]


@pytest.mark.parametrize("who", ["anonymous", "county"])
def test_no_endpoint_answers_bad_input_with_a_500(db, users, who):
    client = Client(raise_request_exception=False)
    if who == "county":
        client.force_login(users["county"])
    operations = _operations(client)
    assert (
        len(operations) > 40
    )  # regions, notices, partners, matching, resources, policies, agreements, funding
    failures = []
    for path, method in operations:
        for value in BAD_PATH_VALUES:
            url = re.sub(r"\{[^}]+\}", value, path)
            if method == "get":
                responses = [client.get(url), client.get(url, {"limit": "x", "bbox": "1,2", "zoom": "99"})]
            else:
                send = getattr(client, method)
                responses = [send(url, body, content_type="application/json") for body in BAD_BODIES]
            for response in responses:
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} → {response.status_code}")
                elif response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
                    body = response.json()
                    if "error" not in body and "detail" not in body:
                        failures.append(f"{method.upper()} {url} → {response.status_code} without an error")
            if "{" not in path:
                break
    assert not failures, "\n".join(failures[:20])
