"""How one row of the role × region matrix is checked: the request per (user, object), what counts as
denied, how a response's text is read (HTML, JSON, xlsx), and the database snapshot a refused write must
leave unchanged."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tests.matrix_world import USERS, Obj

DETAIL, LIST, WRITE = "detail", "list", "write"
COUNTY_LEVEL = ("city", "county", "county2")


@dataclass(frozen=True)
class Check:
    """One check of a URL pattern or API operation.

    ``objs`` name objects of the world (``"notice.A"``); ``url`` is formatted with the object's ``pk``, its
    ``params`` and the world's shared ones (``batch``, ``round``, ``empty_round``). ``ok`` are the users who,
    when the object is theirs to see, must get 200 (and, for lists, find the marker: set ``listed=False``
    where an entitled user's list does not show the row either). ``public_ok`` says a public object may be
    shown to anyone; then only its ``secret`` must stay with its region's officials. Writes are sent by every
    user outside ``writers`` (default: the object's region readers) and must be refused, row unchanged;
    ``form_error_ok`` also accepts a 400 form error for a create whose region is a form field (the one
    sanctioned way, ``core.inputs.submit``, puts the refusal on the field). ``users`` narrows who asks (for
    public pages with nothing regional on them). Each write is also sent once by an entitled writer, whose
    request must change the row (so the refusals are refusals, not a payload the endpoint never accepts),
    unless ``effective`` gives the reason no demo user can make it (e.g. only a partner expresses interest).
    """

    objs: tuple[str, ...]
    url: str
    mode: str = DETAIL
    method: str = "get"
    ok: tuple[str, ...] = COUNTY_LEVEL
    public_ok: bool = True
    listed: bool = True
    marker: Callable[[Obj], str] | None = None
    body: Callable[[Obj, dict[str, Any]], dict[str, Any]] | None = None
    api: bool = False
    writers: tuple[str, ...] | None = None
    users: tuple[str, ...] = USERS
    form_error_ok: bool = False
    effective: str = ""


def detail(*objs: str, url: str, **kw: Any) -> Check:
    return Check(objs=objs, url=url, mode=DETAIL, **kw)


def listing(*objs: str, url: str, **kw: Any) -> Check:
    return Check(objs=objs, url=url, mode=LIST, **kw)


def write(*objs: str, url: str, method: str = "post", **kw: Any) -> Check:
    return Check(objs=objs, url=url, mode=WRITE, method=method, **kw)


# --------------------------------------------------------------------------------------------------
# Reading responses
# --------------------------------------------------------------------------------------------------
def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def text_of(response: Any) -> str:
    """The response as searchable text: xlsx cells, JSON with Chinese unescaped, HTML as is."""
    data = body_of(response)
    ctype = response.get("Content-Type", "")
    if data[:2] == b"PK" or "spreadsheet" in ctype:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join(cells)
    if "json" in ctype:
        try:
            return json.dumps(json.loads(data), ensure_ascii=False)
        except ValueError:
            pass
    return data.decode("utf-8", "replace")


def denied(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and "/accounts/login" in response.get("Location", "")


def describe(response: Any) -> str:
    where = f" → {response.get('Location')}" if response.status_code in (301, 302) else ""
    return f"{response.status_code}{where}"


# --------------------------------------------------------------------------------------------------
# Snapshots for writes
# --------------------------------------------------------------------------------------------------
def _snapshots() -> dict[str, Callable[[Any], Any]]:
    from xiangcun.agreements.models import Agreement, Objection
    from xiangcun.funding.models import FundingApplication, FundingRound
    from xiangcun.inbox.models import Notification
    from xiangcun.matching.models import Pairing, PairingRun
    from xiangcun.partners.models import Partner
    from xiangcun.recruitment.models import Notice
    from xiangcun.regions.models import Region, Village
    from xiangcun.resources.models import ImportJob, Resource

    def row(model: Any, **counts: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def snap(pk: Any) -> Any:
            values = model.objects.filter(pk=pk).values().first()
            return values, {name: fn(pk) for name, fn in counts.items()}

        return snap

    return {
        "village": row(
            Village,
            incomes=lambda pk: sorted(
                Village.objects.get(pk=pk).incomes.values_list("year", "amount")  # type: ignore[attr-defined]
            ),
            notices=lambda pk: (
                Notice.objects.filter(villages__pk=pk).count() + Notice.objects.filter(village_id=pk).count()
            ),
            resources=lambda pk: Resource.objects.filter(village_id=pk).count(),
            agreements=lambda pk: Agreement.objects.filter(village_id=pk).count(),
        ),
        "region": row(Region, runs=lambda pk: PairingRun.objects.filter(county_id=pk).count()),
        "notice": row(
            Notice,
            transitions=lambda pk: Notice.objects.get(pk=pk).transitions.count(),
            pairings=lambda pk: Pairing.objects.filter(notice_id=pk).count(),
            villages=lambda pk: sorted(Notice.objects.get(pk=pk).villages.values_list("pk", flat=True)),
            resources=lambda pk: list(Notice.objects.get(pk=pk).resources.values_list("kind", "area")),
        ),
        "partner": row(Partner),
        "pairing": row(Pairing, events=lambda pk: Pairing.objects.get(pk=pk).events.count()),
        "run": row(PairingRun, pairings=lambda pk: Pairing.objects.filter(run_id=pk).count()),
        "resource": row(Resource, photos=lambda pk: Resource.objects.get(pk=pk).photos.count()),
        "agreement": row(
            Agreement,
            events=lambda pk: Agreement.objects.get(pk=pk).events.count(),
            objections=lambda pk: list(Agreement.objects.get(pk=pk).objections.values_list("answer")),
            settlements=lambda pk: Agreement.objects.get(pk=pk).settlements.count(),
            guarantees=lambda pk: Agreement.objects.get(pk=pk).guarantee_payments.count(),
            parties=lambda pk: Agreement.objects.get(pk=pk).parties.count(),
            members=lambda pk: list(Agreement.objects.get(pk=pk).members.values_list("head_name", "shares")),
            applications=lambda pk: FundingApplication.objects.filter(agreement_id=pk).count(),
        ),
        "objection": row(Objection),
        "round": row(
            FundingRound, applications=lambda pk: FundingRound.objects.get(pk=pk).applications.count()
        ),
        "application": row(FundingApplication),
        "notification": row(Notification),
        "import": row(ImportJob),
    }


_SNAP: dict[str, Callable[[Any], Any]] = {}


def snapshot(obj: Obj) -> Any:
    if not _SNAP:
        _SNAP.update(_snapshots())
    return _SNAP[obj.kind](obj.pk)


# --------------------------------------------------------------------------------------------------
# Running a check
# --------------------------------------------------------------------------------------------------
def _request(client: Client, check: Check, url: str, body: dict[str, Any] | None) -> Any:
    if check.method == "get":
        return client.get(url)
    if check.api:
        return client.generic(
            check.method.upper(), url, json.dumps(body or {}), content_type="application/json"
        )
    return client.post(url, body or {})


def run(check: Check, world: dict[str, Obj], shared: dict[str, Any], clients: dict[str, Client]) -> list[str]:
    failures: list[str] = []
    for key in check.objs:
        obj = world[key]
        url = check.url.format(pk=obj.pk, **{**shared, **obj.params})
        if check.mode == WRITE:
            failures += _run_write(check, obj, url, shared, clients)
        else:
            failures += _run_read(check, obj, url, clients)
    return failures


def _run_read(check: Check, obj: Obj, url: str, clients: dict[str, Client]) -> list[str]:
    failures = []
    marker = check.marker(obj) if check.marker else obj.marker
    for user in check.users:
        response = _request(clients[user], check, url, None)
        where = f"{user} GET {url} [{obj}]"
        if response.status_code >= 500:
            failures.append(f"{where}: server error {response.status_code}")
            continue
        region = user in obj.readers
        visible = region or (obj.public and check.public_ok)
        text = text_of(response) if response.status_code == 200 else ""
        if not visible:
            if check.mode == DETAIL and not denied(response):
                failures.append(f"{where}: NOT REFUSED, expected 403/404, got {describe(response)}")
            elif check.mode == LIST and marker in text:
                failures.append(f"{where}: LEAK, out-of-region row {marker!r} in the response")
            continue
        if not region and obj.secret and obj.secret in text:
            failures.append(f"{where}: LEAK, {obj.secret!r} shown outside its region")
        if user in check.ok:
            if response.status_code != 200:
                failures.append(f"{where}: expected 200 for an entitled user, got {describe(response)}")
            elif check.mode == LIST and check.listed and marker not in text:
                failures.append(f"{where}: entitled user does not find {marker!r} (check not effective)")
    return failures


def _run_write(
    check: Check, obj: Obj, url: str, shared: dict[str, Any], clients: dict[str, Client]
) -> list[str]:
    failures = []
    writers = set(check.writers) if check.writers is not None else set(obj.readers)
    for user in check.users:
        if user in writers:
            continue
        body = check.body(obj, shared) if check.body else {}
        before = snapshot(obj)
        response = _request(clients[user], check, url, body)
        after = snapshot(obj)
        where = f"{user} {check.method.upper()} {url} [{obj}]"
        refused = denied(response) or (check.form_error_ok and response.status_code == 400)
        if not refused:
            failures.append(f"{where}: expected 401/403/404, got {describe(response)}")
        if after != before:
            failures.append(f"{where}: WRITE LEAK, the row changed: {_diff(before, after)}")
    by = next((u for u in ("county", "county2", "city") if u in writers), None)
    if not check.effective and by is not None:
        before = snapshot(obj)
        response = _request(clients[by], check, url, check.body(obj, shared) if check.body else {})
        if snapshot(obj) == before:
            failures.append(
                f"{by} {check.method.upper()} {url} [{obj}]: the entitled writer's request changed nothing "
                f"({describe(response)}), so the refusals prove nothing: fix the body or give the reason"
            )
    return failures


def _diff(before: Any, after: Any) -> str:
    (row_b, counts_b), (row_a, counts_a) = before, after
    changes = [
        f"{k}: {row_b.get(k)!r} → {row_a.get(k)!r}"
        for k in (row_a or {})
        if (row_b or {}).get(k) != row_a.get(k)
    ]
    changes += [f"{k}: {counts_b[k]!r} → {counts_a[k]!r}" for k in counts_a if counts_b[k] != counts_a[k]]
    return "; ".join(changes)[:300]
