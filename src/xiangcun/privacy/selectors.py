"""Reads for the personal-information pages: everything the platform holds about one person (PIPL
art. 45, the right to a copy), and the city office's read log with each record's name.

A person's data reaches across the apps (their partner profile, the pairings and agreements it is
party to); this app sits above them all and reads them through their own selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from xiangcun.accounts.models import FIELD_LABELS, PersonalDataRead
from xiangcun.accounts.permissions import is_official, require_login
from xiangcun.accounts.privacy import PRIVACY_NOTICE_VERSION, PRIVACY_NOTICES
from xiangcun.accounts.selectors import ReadFilters, consents_of, read_log_for, reads_about
from xiangcun.agreements.selectors import agreement_list, settlement_list
from xiangcun.matching.selectors import pairing_events, pairing_list_for
from xiangcun.partners.selectors import PERSONAL_FIELDS, partner_of_user

# The partner profile's fields in the copy, in the order of the profile page.
PARTNER_FIELDS = (
    *PERSONAL_FIELDS,
    "is_organisation",
    "kind",
    "home_county_id",
    "liaocheng_born",
    "title_level",
    "high_level_talent",
    "capital_min",
    "capital_max",
    "skills",
    "tags",
    "preferred_counties",
    "preferred_categories",
    "cooperation_forms",
    "resources_wanted",
    "profile",
    "track_record",
    "certifications",
    "status",
    "refusal_reason",
    "verified_at",
    "created_at",
    "updated_at",
)


def notice_version(requested: str | None) -> int:
    """The version of the 个人信息处理规则 asked for (``?version=``), else the one in force."""
    if requested and requested.isdigit() and int(requested) in PRIVACY_NOTICES:
        return int(requested)
    return PRIVACY_NOTICE_VERSION


def _plain(value: Any) -> Any:
    """A value as JSON has it: dates and times in ISO 8601, amounts as strings."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value


def _read_row(r: PersonalDataRead) -> dict[str, Any]:
    return {
        "at": _plain(r.at),
        "reader": r.reader_name,
        "reader_role": r.get_reader_role_display(),
        "record": f"{r.record_model}:{r.record_pk}",
        "fields": list(r.fields),
        "purpose": r.purpose,
    }


def my_data(user: Any) -> dict[str, Any]:
    """A copy of what the platform holds about ``user``, as JSON-ready data: the account, consents to
    the 个人信息处理规则, the partner profile with every personal field, the pairings and their records,
    the agreements the profile is party to with its share and settled amounts, and the log of who read
    the data in full. Reading one's own data is not itself logged."""
    require_login(user)
    partner = None if is_official(user) else partner_of_user(user)
    data: dict[str, Any] = {
        "generated_at": _plain(timezone.now()),
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "phone": user.phone,
            "role": user.get_role_display(),
            "region_code": user.region_code,
            "date_joined": _plain(user.date_joined),
            "last_login": _plain(user.last_login),
        },
        "consents": [
            {"version": c.version, "at": _plain(c.at), "source": c.source} for c in consents_of(user)
        ],
        "partner": None,
        "pairings": [],
        "agreements": [],
        "reads_about_me": [_read_row(r) for r in reads_about(user)],
    }
    if partner is None:
        return data
    data["partner"] = {"id": partner.pk, **{f: _plain(getattr(partner, f)) for f in PARTNER_FIELDS}}
    data["pairings"] = [
        {
            "id": p.pk,
            "notice": p.notice_id,
            "notice_title": p.notice.title,
            "village": p.notice.village.name,
            "status": p.get_status_display(),
            "origin": p.get_origin_display(),
            "fit": p.fit,
            "withdraw_reason": p.withdraw_reason,
            "created_at": _plain(p.created_at),
            "events": [
                {
                    "at": _plain(e.created_at),
                    "from": e.get_from_status_display(),
                    "to": e.get_to_status_display(),
                    "note": e.note,
                    "meeting_date": _plain(e.meeting_date),
                }
                for e in pairing_events(p)
            ],
        }
        for p in pairing_list_for(user)
    ]
    agreements = []
    for a in agreement_list(user).prefetch_related("parties"):
        mine = [party for party in a.parties.all() if party.partner_id == partner.pk]
        positions = {str(party.position) for party in mine}
        agreements.append(
            {
                "id": a.pk,
                "code": a.code,
                "title": a.title,
                "village": a.village.name,
                "status": a.get_status_display(),
                "term_start": _plain(a.term_start),
                "term_end": _plain(a.term_end),
                "signed_on": _plain(a.signed_on),
                "parties": [
                    {
                        "name": party.name,
                        "role": party.get_role_display(),
                        "contribution": _plain(party.contribution),
                        "share": _plain(party.share),
                    }
                    for party in mine
                ],
                "settlements": [
                    {
                        "year": s.year,
                        "version": s.version,
                        "reason": s.reason,
                        "created_at": _plain(s.created_at),
                        "my_lines": [
                            line for line in s.result.get("parties", []) if line.get("id") in positions
                        ],
                    }
                    for s in settlement_list(a)
                ],
            }
        )
    data["agreements"] = agreements
    return data


# --------------------------------------------------------------------------------------------------
# The city office's read log
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadRow:
    """One log entry with the record's kind in words and a link to it, where there is a page."""

    entry: PersonalDataRead
    kind: str
    url: str
    fields: list[str]


_PAGES = {
    "partners.partner": "partners:detail",
    "recruitment.notice": "recruitment:detail",
    "regions.village": "regions:village",
}


def _record_kind(model: str) -> str:
    try:
        return str(apps.get_model(model)._meta.verbose_name)
    except (LookupError, ValueError):
        return model


def _record_url(model: str, pk: str) -> str:
    name = _PAGES.get(model)
    if name is None:
        return ""
    try:
        return reverse(name, args=[int(pk) if pk.isdigit() and model != "regions.village" else pk])
    except NoReverseMatch:
        return ""


def read_rows(entries: list[PersonalDataRead]) -> list[ReadRow]:
    return [
        ReadRow(
            entry=e,
            kind=_record_kind(e.record_model),
            url=_record_url(e.record_model, e.record_pk),
            fields=[str(FIELD_LABELS.get(f, f)) for f in e.fields],
        )
        for e in entries
    ]


def read_log(user: Any, filters: ReadFilters) -> QuerySet[PersonalDataRead]:
    """The log as the city office filters it (``accounts.selectors.read_log_for`` checks who asks)."""
    return read_log_for(user, filters)


def record_kinds() -> list[tuple[str, str]]:
    """The kinds of record the log knows, for the filter's menu."""
    return [(model, _record_kind(model)) for model in _PAGES]
