"""The drafting form of an agreement: a free table of contribution rows (``row{i}_*``, parties
grouped by name), the member register and labour commitments as lines of text. ``form_data``
turns a posted form into the ``AgreementIn`` document, ``form_initial`` a stored draft into the
form's fields (its inverse)."""

from __future__ import annotations

from typing import Any

from django import forms

from xiangcun.agreements.exports import line_columns
from xiangcun.agreements.services import contribution_from_resource
from xiangcun.core.errors import ApplicationError, Msg

FORM_ROWS = 8
# The generic columns of the contribution table and the parameter each means for each kind.
COLUMN_PARAMS: dict[str, dict[str, str]] = {
    "land": {"a": "area_mu", "b": "annual_rent_per_mu", "c": "years", "d": "discount_rate"},
    "house": {
        "a": "area_m2",
        "b": "rebuild_cost_per_m2",
        "c": "age_years",
        "d": "residual_rate",
        "e": "useful_life_years",
    },
    "appraised": {"amount": "appraised_value"},
    "cash": {"amount": "amount"},
    "technology": {"amount": "amount"},
}


class ActionForm(forms.Form):
    """A posted page form whose fields are read by ``form_data`` (or a service's input model): it
    only carries the error of the action for ``core.inputs.submit``, shown above the form."""


def form_data(post: Any) -> dict[str, Any]:
    """The drafting form as the services' input document (parties grouped by party name)."""
    data: dict[str, Any] = {
        key: post.get(key, "")
        for key in (
            "title",
            "village",
            "pairing",
            "description",
            "mode",
            "guarantee",
            "reserve_rate",
            "expected_profit",
            "term_start",
            "term_end",
            "exit_clause",
            "buyback_clause",
        )
    }
    parties: dict[str, dict[str, Any]] = {}
    for i in range(FORM_ROWS):
        name = post.get(f"row{i}_party", "").strip()
        if not name:
            continue
        kind = post.get(f"row{i}_kind", "")
        party = parties.setdefault(
            name,
            {
                "role": post.get(f"row{i}_role", ""),
                "name": name,
                "partner": post.get(f"row{i}_partner", ""),
                "contributions": [],
            },
        )
        contribution: dict[str, Any] = {
            "kind": kind,
            "name": post.get(f"row{i}_name", ""),
            "resource": post.get(f"row{i}_resource", ""),
        }
        for column, param in COLUMN_PARAMS.get(kind, {}).items():
            contribution[param] = post.get(f"row{i}_{column}", "")
        party["contributions"].append(contribution)
    data["parties"] = list(parties.values())
    members = []
    for i, line in enumerate(post.get("members", "").splitlines(), 1):
        parts = line_columns(line, 3)
        if not parts:
            continue
        if len(parts) != 3:
            raise ApplicationError(Msg("成员股名册第 {i} 行应为“户编号 户主 股数”", i=i), field="members")
        members.append({"household": parts[0], "head_name": parts[1], "shares": parts[2]})
    data["members"] = members
    labour = []
    for i, line in enumerate(post.get("labour", "").splitlines(), 1):
        parts = line_columns(line, 3)
        if not parts:
            continue
        if len(parts) != 3:
            raise ApplicationError(Msg("用工承诺第 {i} 行应为“岗位 人数 月工资”", i=i), field="labour")
        labour.append({"position": parts[0], "jobs": parts[1], "monthly_wage": parts[2]})
    data["labour"] = labour
    return data


def prefill_from_pairing(rows: list[dict[str, Any]], pairing: Any) -> None:
    """The collective contributes the resources the notice offers (from the resource map, with their
    recorded valuation parameters); the partner brings at least the notice's minimum investment."""
    from xiangcun.resources.selectors import resources_offered_by_notice

    collective = f"{pairing.notice.village.name}股份经济合作社"
    offered = resources_offered_by_notice(pairing.notice_id)[: FORM_ROWS - 1]
    contributions = [contribution_from_resource(r) for r in offered] or [
        {"kind": "land", "name": "", "resource": "", "params": {}}
    ]
    for row, c in zip(rows, contributions, strict=False):
        row.update(
            party=collective, role="collective", kind=c["kind"], name=c["name"], resource=c["resource"]
        )
        for column, param in COLUMN_PARAMS[c["kind"]].items():
            row[column] = c["params"].get(param, "")
    cash = pairing.notice.investment_min * 10_000 if pairing.notice.investment_min else ""
    rows[len(contributions)].update(
        party=pairing.partner.name, role="partner", partner=pairing.partner_id, kind="cash", amount=cash
    )


def form_rows(initial: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "i": i,
            **{
                k: initial.get(f"row{i}_{k}", "")
                for k in (
                    "party",
                    "role",
                    "partner",
                    "kind",
                    "name",
                    "resource",
                    "a",
                    "b",
                    "c",
                    "d",
                    "e",
                    "amount",
                )
            },
        }
        for i in range(FORM_ROWS)
    ]


def form_initial(agreement: Any) -> dict[str, Any]:
    """A stored draft as the drafting form's fields (the inverse of ``form_data``)."""
    initial: dict[str, Any] = {
        name: getattr(agreement, name)
        for name in (
            "title",
            "description",
            "mode",
            "guarantee",
            "reserve_rate",
            "expected_profit",
            "exit_clause",
            "buyback_clause",
        )
    }
    initial.update(
        village=agreement.village_id,
        pairing=agreement.pairing_id or "",
        term_start=agreement.term_start.isoformat() if agreement.term_start else "",
        term_end=agreement.term_end.isoformat() if agreement.term_end else "",
        expected_profit=agreement.expected_profit if agreement.expected_profit is not None else "",
    )
    i = 0
    for party in agreement.parties.order_by("position"):
        for c in party.contributions.order_by("position"):
            if i >= FORM_ROWS:
                break
            initial.update(
                {
                    f"row{i}_party": party.name,
                    f"row{i}_role": party.role,
                    f"row{i}_partner": party.partner_id or "",
                    f"row{i}_kind": c.kind,
                    f"row{i}_name": c.name,
                    f"row{i}_resource": c.resource_id or "",
                }
            )
            for column, param in COLUMN_PARAMS.get(c.kind, {}).items():
                initial[f"row{i}_{column}"] = c.params.get(param, "")
            i += 1
    initial["members"] = "\n".join(
        f"{m.household} {m.head_name} {m.shares.normalize():f}"
        for m in agreement.members.order_by("household")
    )
    initial["labour"] = "\n".join(
        f"{x.position} {x.jobs} {x.monthly_wage.normalize():f}" for x in agreement.labour_commitments.all()
    )
    return initial
