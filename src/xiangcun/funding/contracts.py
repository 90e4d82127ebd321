"""The ``funding select`` command (``docs/contracts/funding.example.json``): scores, ranking and the
selection of :mod:`xiangcun.funding.selection` (DESIGN.md §3.3) in the input's ``mode``.

The document is read strictly with :mod:`xiangcun.core.commands`; ``mode`` (``max_total_score``, the
exact optimum, when absent; or ``rank_order``), ``min_score`` (default none) and an application's
``name`` and ``title`` are optional. Money is rendered as strings with two
decimals, scores as numbers, the ranking by score.
"""

from __future__ import annotations

from decimal import Decimal

from xiangcun.core.commands import (
    ROOT,
    ZERO,
    JSONDict,
    check_unique,
    item,
    join,
    read_array,
    read_choice,
    read_money,
    read_number,
    read_object,
    read_text,
    score_number,
    translate,
    unwrap,
)
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.money import money_text
from xiangcun.funding.selection import CRITERIA, Application, Mode, Weights, select


def funding_select(doc: object) -> JSONDict:
    """``xiangcun funding select``: scores, ranking and the selection in the input's mode (§3.3)."""
    raw = read_object(unwrap(doc), ROOT, ("budget", "weights", "applications"), ("min_score", "mode"))
    budget = read_money(raw["budget"], "budget")
    w = read_object(raw["weights"], "weights", CRITERIA)
    weights = Weights.from_mapping(
        {
            name: read_number(w[name], join("weights", name), minimum=ZERO, maximum=Decimal(1))
            for name in CRITERIA
        }
    )
    min_score = (
        read_number(raw["min_score"], "min_score", minimum=ZERO, maximum=Decimal(100))
        if "min_score" in raw
        else None
    )
    mode = (
        read_choice(
            raw["mode"],
            "mode",
            Mode,
            lambda text, allowed: Msg("未知的遴选方式 {text}（可选：{allowed}）", text=text, allowed=allowed),
        )
        if "mode" in raw
        else Mode.MAX_TOTAL_SCORE
    )
    items = read_array(raw["applications"], "applications")
    applications: list[Application] = []
    for i, entry in enumerate(items):
        path = item("applications", i)
        a = read_object(entry, path, ("id", "requested", *CRITERIA), ("name", "title"))
        for key in ("name", "title"):
            if key in a:
                read_text(a[key], join(path, key))
        criteria = {
            name: read_number(
                a[name],
                join(path, name),
                minimum=ZERO,
                maximum=Decimal(100) if name == "social_benefit" else None,
            )
            for name in CRITERIA
        }
        applications.append(
            Application(
                app_id=read_text(a["id"], join(path, "id")),
                requested=read_money(a["requested"], join(path, "requested")),
                **criteria,
            )
        )
    check_unique(items, "applications")
    try:
        result = select(applications, weights, budget, min_score=min_score, mode=mode)
    except ApplicationError as exc:
        raise translate(exc) from None
    return {
        "ranking": [{"id": r.app_id, "score": score_number(r.score)} for r in result.ranking],
        "selected": list(result.selected),
        "total_requested": money_text(result.total_requested),
        "total_score": score_number(result.total_score),
        "left_out": [{"id": o.app_id, "reason": o.reason} for o in result.left_out],
    }
