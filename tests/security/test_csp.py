"""Issue 10, finding 11 (CSP part): every page carries a strict Content-Security-Policy, and no page
needs it relaxed: no inline script with code, no inline event handler, no javascript: URL.

`json_script` blocks (<script type="application/json">) are data, not code, and stay allowed.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.test_page_crawl import LINK, SKIP, full_demo  # noqa: F401  (the crawl's demo fixture)

PAGES_PER_ROLE = 150
# One page per shape of URL (/notices/12/ and /notices/13/ are the same template): wider than the
# plain crawl for the same time.
SHAPE = re.compile(r"\d+")
FILES = (".xlsx", ".csv", ".pdf", ".zip")  # downloads, not pages (and the slowest answers)
SEEDS = ["/", "/manage/", "/notices/", "/partners/", "/map/", "/policies/", "/agreements/", "/funding/"]
# Pages the crawl does not follow links to, checked directly.
EXTRA = [
    "/accounts/login/",
    "/admin/login/",
    "/api/v1/docs",
    "/villages/",
    "/notices/mine/",
    "/notices/?investment_min=abc",  # an error page (400.html)
    "/policies/?county=371502&investment=500&jobs=30",  # the calculator with a result (its print link)
]


def _directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


class _InlineCode(HTMLParser):
    """Collects inline scripts with code, on* attributes and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._script = dict(attrs)
            self._body = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._body.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            code = "".join(self._body).strip()
            kind = (self._script.get("type") or "").lower()
            if code and kind not in ("application/json", "application/ld+json"):
                self.problems.append(f"inline <script>: {code[:60]!r}")
            self._script = None


def check_page(url: str, response) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    header = response.get("Content-Security-Policy")
    if not header:
        problems.append(f"{url}: no Content-Security-Policy header")
    d = _directives(header or "")
    scripts = d.get("script-src", d.get("default-src", []))
    for word in ("'unsafe-inline'", "'unsafe-hashes'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        if word in scripts:
            problems.append(f"{url}: script-src allows {word}")
    for name, expected in (
        ("default-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("frame-ancestors", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("connect-src", ["'self'"]),
    ):
        if header and d.get(name) != expected:
            problems.append(f"{url}: {name} is {d.get(name)!r}, expected {expected!r}")
    if response.get("Content-Type", "").startswith("text/html"):
        parser = _InlineCode()
        parser.feed(response.content.decode())
        problems += [f"{url}: {p}" for p in parser.problems]
    return problems


def _crawl(client: Client) -> tuple[int, list[str]]:
    from xiangcun.agreements.models import Agreement
    from xiangcun.recruitment.models import NoticeBatch

    # Pages the crawl may not reach within its budget: a batch (printable), the simulator (its chart).
    more = [f"/notices/batches/{pk}/" for pk in NoticeBatch.objects.values_list("pk", flat=True)[:1]]
    more += [f"/agreements/{pk}/simulate/" for pk in Agreement.objects.values_list("pk", flat=True)[:1]]
    queue = deque(SEEDS + EXTRA + more)
    seen: set[str] = set()
    shapes: set[str] = set()
    problems: list[str] = []
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.popleft()
        shape = SHAPE.sub("N", url)
        if (
            url in seen
            or shape in shapes
            or url.endswith(FILES)
            or (url.startswith(SKIP) and url not in EXTRA + more)
        ):
            continue
        seen.add(url)
        shapes.add(shape)
        response = client.get(url)
        if response.status_code in (301, 302) or response.get("Content-Type", "").startswith("text/html"):
            problems += check_page(url, response)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            queue.extend(m.group(1) for m in LINK.finditer(response.content.decode()))
    return len(seen), problems


@pytest.mark.slow
def test_every_crawled_page_has_a_strict_csp_and_no_inline_code(full_demo):  # noqa: F811
    problems: list[str] = []
    for who in ("anonymous", "cadre", "county", "city", "partner"):
        client = Client(raise_request_exception=False)
        if who != "anonymous":
            client.force_login(full_demo[who])
        count, found = _crawl(client)
        assert count > 25
        problems += [f"{who}: {p}" for p in found]
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.django_db
def test_the_admin_and_error_pages_have_the_csp_and_no_inline_code(users):
    from xiangcun.accounts.models import User

    admin = User.objects.create_superuser("csp-admin", "csp-admin@example.org", "csp-admin-pass-2026")
    client = Client(raise_request_exception=False)
    problems = check_page("/admin/login/", client.get("/admin/login/"))
    client.force_login(admin)
    for url in (
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{admin.pk}/change/",
        "/no-such-page/",
        "/regions/999999/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        problems += check_page(url, response)
    assert not problems, "\n".join(problems)


def test_the_map_tile_host_is_allowed_for_images_only():
    from xiangcun.config.csp import tile_sources

    assert tile_sources("") == []
    assert tile_sources("https://t0.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}") == [
        "https://t0.tianditu.gov.cn"
    ]
    assert tile_sources("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://*.tile.openstreetmap.org"
    ]
    assert tile_sources("https://t{s}.tianditu.gov.cn/{z}/{x}/{y}") == ["https://*.tianditu.gov.cn"]
    assert tile_sources("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png") == ["http://10.1.2.3:8080"]
    assert tile_sources("/tiles/{z}/{x}/{y}.png") == []  # the site itself: 'self' covers it
