"""The YAML test cases of every policy, run against the whole library, and the coverage rule: each
date on which a policy changes is tested on the day before and on the day itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from xiangcun.core.money import to_decimal
from xiangcun.policies.engine.evaluation import Evaluation, PolicyResult, evaluate
from xiangcun.policies.engine.explain import STATUS_ZH
from xiangcun.policies.engine.layers import Case, Library


@dataclass(frozen=True)
class CaseOutcome:
    policy: str
    case: str
    on: date
    passed: bool
    problems: tuple[str, ...]


def _compare_expect(case: Case, ev: Evaluation, r: PolicyResult) -> list[str]:
    problems: list[str] = []
    e = case.expect
    if "applies" in e and bool(e["applies"]) != r.applies:
        problems.append(f"applies 应为 {e['applies']}，实际 {r.applies}（{STATUS_ZH[r.status]}）")
    if "status" in e and e["status"] != r.status:
        problems.append(f"status 应为 {e['status']}，实际 {r.status}")
    if "amount" in e and to_decimal(e["amount"]) != r.amount:
        problems.append(f"amount 应为 {to_decimal(e['amount']):.2f}，实际 {r.amount:.2f}")
    if "total" in e and to_decimal(e["total"]) != ev.total:
        problems.append(f"total 应为 {to_decimal(e['total']):.2f}，实际 {ev.total:.2f}")
    if "layer" in e and str(e["layer"]) != r.layer_code:
        problems.append(f"layer 应为 {e['layer']}，实际 {r.layer_code}")
    if "gaps" in e:
        actual = {g.field: g.amount for g in r.gaps}
        wanted = {k: to_decimal(v) for k, v in e["gaps"].items()}
        if actual != wanted:
            problems.append(f"gaps 应为 {wanted}，实际 {actual}")
    return problems


def run_tests(library: Library, *, coverage: bool = True) -> list[CaseOutcome]:
    """Every policy's YAML cases against the whole library, plus the rule that each date on which a
    policy changes is tested on the day before and on the day itself."""
    outcomes: list[CaseOutcome] = []
    for policy in library.policies:
        for case in policy.tests:
            ev = evaluate(library, case.facts, case.on)
            problems = _compare_expect(case, ev, ev.result(policy.id))
            outcomes.append(CaseOutcome(policy.id, case.name, case.on, not problems, tuple(problems)))
        if coverage:
            tested = {c.on for c in policy.tests}
            for day in policy.boundaries():
                for needed in (day - timedelta(days=1), day):
                    if needed not in tested:
                        outcomes.append(
                            CaseOutcome(
                                policy.id,
                                f"生效日期 {day} 的边界测试",
                                needed,
                                False,
                                (f"缺少日期为 {needed} 的测试用例（{day} 有变化，须测前一日与当日）",),
                            )
                        )
    return outcomes
