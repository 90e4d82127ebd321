"""Writes: publish a new version of the policy library (only if it loads and its tests pass), save a
calculator result with the ruleset hash and date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from xiangcun.accounts.permissions import Capability, require
from xiangcun.core.audit import audit
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.validation import full_clean
from xiangcun.policies import engine, selectors
from xiangcun.policies.models import PolicyVersion, SavedEvaluation
from xiangcun.policies.schemas import PublishIn

MAX_FILES = 50
MAX_FILE_CHARS = 200_000


@dataclass
class CheckReport:
    """The result of validating a set of policy files and running their test cases."""

    library: engine.Library | None
    error: engine.PolicyError | ApplicationError | None = None
    outcomes: list[engine.CaseOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[engine.CaseOutcome]:
        return [o for o in self.outcomes if not o.passed]

    @property
    def ok(self) -> bool:
        return self.library is not None and self.error is None and not self.failures


def _clean_files(files: Mapping[str, str]) -> dict[str, str]:
    if not files:
        raise ApplicationError("政策库不能为空", field="files")
    if len(files) > MAX_FILES:
        raise ApplicationError("政策文件过多", field="files")
    cleaned: dict[str, str] = {}
    for name, text in files.items():
        name = name.strip()
        if not name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name or name.startswith("."):
            raise ApplicationError(Msg("文件名须以 .yaml 结尾且不含路径：{name}", name=name), field="files")
        if len(text) > MAX_FILE_CHARS:
            raise ApplicationError(Msg("文件过大：{name}", name=name), field="files")
        cleaned[name] = text.replace("\r\n", "\n")
    return cleaned


def policy_files_check(*, files: Mapping[str, str]) -> CheckReport:
    """Load strictly and run every test case; never raises for a bad file, reports it instead."""
    try:
        library = engine.load_texts(_clean_files(files), selectors.official_counties())
    except ApplicationError as exc:
        return CheckReport(None, exc)
    return CheckReport(library, None, engine.run_tests(library))


@transaction.atomic
def policy_version_publish(*, user: Any, publish: PublishIn) -> PolicyVersion:
    """Publish the library as a new version: city office only, must load and pass all its tests."""
    require(user, Capability.POLICY_EDIT, message="只有市级管理员可以发布政策")
    note = publish.note
    cleaned = _clean_files(publish.files)
    report = policy_files_check(files=cleaned)
    if report.error is not None:
        raise ApplicationError(report.error.msg, field="files")
    if report.failures:
        first = report.failures[0]
        raise ApplicationError(
            Msg(
                "有 {failures_n} 个测试用例未通过，不能发布（如 {policy}：{case}：{v}）",
                failures_n=len(report.failures),
                policy=first.policy,
                case=first.case,
                v=first.problems[0],
            ),
            field="files",
        )
    assert report.library is not None
    previous = PolicyVersion.objects.select_for_update().order_by("-number").first()
    before = dict(previous.files) if previous else engine.read_directory(engine.LIBRARY_DIR)
    before_hash = previous.ruleset_hash if previous else engine.shipped_library().hash
    if report.library.hash == before_hash and previous is not None:
        raise ApplicationError("政策内容没有变化", field="files")
    changed = sorted(name for name in set(before) | set(cleaned) if before.get(name) != cleaned.get(name))
    version = PolicyVersion(
        number=(previous.number + 1) if previous else 1,
        files=cleaned,
        ruleset_hash=report.library.hash,
        note=note,
        changed_files=changed,
        tests_passed=len(report.outcomes),
        published_by=user if getattr(user, "is_authenticated", False) else None,
    )
    full_clean(version)
    version.save()
    audit(
        actor=user,
        action="policy.publish",
        target=version,
        data={"number": version.number, "ruleset_hash": version.ruleset_hash, "changed_files": changed},
    )
    return version


@transaction.atomic
def evaluation_save(*, user: Any, facts: Mapping[str, object], on: date) -> SavedEvaluation:
    """Evaluate and keep the result with the ruleset hash and the date it was computed for.

    ``facts`` are the values as given (API JSON or the calculator form); the selector parses them
    with the engine's facts parser, and they are kept as given (as text)."""
    evaluation = selectors.policy_evaluate(facts, on)
    saved = SavedEvaluation(
        user=user if getattr(user, "is_authenticated", False) else None,
        on=on,
        ruleset_hash=evaluation.ruleset,
        facts={k: (str(v) if v is not None else None) for k, v in facts.items()},
        total=evaluation.total,
        result=engine.evaluation_json(evaluation),
    )
    full_clean(saved)
    saved.save()
    audit(
        actor=user,
        action="policy.evaluation_save",
        target=saved,
        data={"on": on, "ruleset_hash": saved.ruleset_hash, "total": saved.total},
    )
    return saved
