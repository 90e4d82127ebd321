"""The drafting form of an agreement: contribution rows (``row{i}_*``, parties grouped by name), each
with the inputs of its kind named by the valuation parameter they carry (``row0_area_mu``,
``row0_amount``…) and labelled by the input model's titles, the member register and labour
commitments as lines of text. ``form_data`` turns a posted form into the ``AgreementIn`` document,
``form_initial`` a stored draft into the form's fields (its inverse), ``form_rows`` the fields into
the rows the template shows, ``prefill_from_pairing`` a pairing at 签约 into a first draft."""

from __future__ import annotations

from typing import Any

from django import forms

from xiangcun.agreements.exports import line_columns
from xiangcun.agreements.schemas import PARAMS, ContributionIn
from xiangcun.agreements.services import contribution_from_notice_resource, contribution_from_resource
from xiangcun.core.errors import N_, ApplicationError, Msg

FORM_ROWS = 8
# The inputs of a contribution row, in the order shown: each parameter of ``schemas.PARAMS`` once,
# shown for the kinds that take it (the rest are hidden by site.js, all shown without JavaScript).
PARAM_ORDER = (
    "area_mu",
    "annual_rent_per_mu",
    "years",
    "discount_rate",
    "area_m2",
    "rebuild_cost_per_m2",
    "age_years",
    "residual_rate",
    "useful_life_years",
    "appraised_value",
    "amount",
)
KINDS_OF_PARAM: dict[str, tuple[str, ...]] = {
    param: tuple(kind for kind, (req, opt) in PARAMS.items() if param in (*req, *opt))
    for param in PARAM_ORDER
}
# How a rate is written (the input model reads a fraction).
PARAM_HINTS = {"discount_rate": N_("3% 写 0.03，可不填"), "residual_rate": N_("20% 写 0.2，可不填")}
RESOURCE_KINDS = ("land", "house", "appraised")  # the kinds a ledger resource is valued as
ROW_KEYS = ("party", "role", "partner", "kind", "name", "resource", *PARAM_ORDER)


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
            name, {"role": post.get(f"row{i}_role", ""), "name": name, "partner": "", "contributions": []}
        )
        party["partner"] = party["partner"] or post.get(f"row{i}_partner", "")
        contribution: dict[str, Any] = {
            "kind": kind,
            "name": post.get(f"row{i}_name", ""),
            "resource": post.get(f"row{i}_resource", "") if kind in RESOURCE_KINDS else "",
        }
        for param in kind_params(kind) if kind in PARAMS else ():
            contribution[param] = post.get(f"row{i}_{param}", "")
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


def prefill_from_pairing(initial: dict[str, Any], pairing: Any) -> None:
    """A first draft from a pairing at 签约: the notice's title and project, the village collective
    contributing the resources the notice offers — those linked on the resource map with the
    valuation parameters recorded there, else the ones the notice describes (kind and area) — and
    the paired partner (linked to their account) bringing at least the notice's minimum investment."""
    from xiangcun.resources.selectors import resources_offered_by_notice

    notice = pairing.notice
    initial.update(title=notice.title, description=(notice.description or "")[:2000])
    collective = f"{notice.village.name}股份经济合作社"
    offered = resources_offered_by_notice(notice.pk)[: FORM_ROWS - 1]
    contributions = [contribution_from_resource(r) for r in offered] or [
        contribution_from_notice_resource(item, item.get_kind_display())
        for item in list(notice.resources.all())[: FORM_ROWS - 1]
    ]
    for i, c in enumerate(contributions or [{"kind": "land", "name": "", "resource": "", "params": {}}]):
        initial.update(
            {
                f"row{i}_party": collective,
                f"row{i}_role": "collective",
                f"row{i}_kind": c["kind"],
                f"row{i}_name": c["name"],
                f"row{i}_resource": c["resource"],
            }
        )
        for param in kind_params(c["kind"]):
            initial[f"row{i}_{param}"] = c["params"].get(param, "")
    i = max(len(contributions), 1)
    cash = f"{(notice.investment_min * 10_000).normalize():f}" if notice.investment_min else ""
    initial.update(
        {
            f"row{i}_party": pairing.partner.name,
            f"row{i}_role": "partner",
            f"row{i}_partner": pairing.partner_id,
            f"row{i}_kind": "cash",
            f"row{i}_amount": cash,
        }
    )


def kind_params(kind: str) -> tuple[str, ...]:
    """The parameters a contribution of ``kind`` takes (required, then optional)."""
    required, optional = PARAMS[kind]
    return (*required, *optional)


def _title(param: str) -> str:
    return str(ContributionIn.model_fields[param].title)


def form_rows(initial: dict[str, Any]) -> list[dict[str, Any]]:
    """The contribution rows as the template shows them: each row's values, and its parameter inputs
    (name, label from the input model, value, the kinds they are shown for, a hint)."""
    rows = []
    for i in range(FORM_ROWS):
        values = {k: initial.get(f"row{i}_{k}", "") for k in ROW_KEYS}
        values["fields"] = [
            {
                "name": f"row{i}_{param}",
                "label": _title(param),
                "value": values[param],
                "kinds": ",".join(KINDS_OF_PARAM[param]),
                "hint": PARAM_HINTS.get(param, ""),
            }
            for param in PARAM_ORDER
        ]
        values["i"] = i
        values["filled"] = bool(str(values["party"]).strip())
        rows.append(values)
    return rows


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
            for param in kind_params(c.kind) if c.kind in PARAMS else ():
                initial[f"row{i}_{param}"] = c.params.get(param, "")
            i += 1
    initial["members"] = "\n".join(
        f"{m.household} {m.head_name} {m.shares.normalize():f}"
        for m in agreement.members.order_by("household")
    )
    initial["labour"] = "\n".join(
        f"{x.position} {x.jobs} {x.monthly_wage.normalize():f}" for x in agreement.labour_commitments.all()
    )
    return initial
