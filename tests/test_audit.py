"""The audit log is evidence: every service writes to it, nothing changes it, and ``audit verify``
names the first entry that was changed, removed or forged."""

from __future__ import annotations

import ast
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from xiangcun.core import audit
from xiangcun.core.models import AuditEntry
from xiangcun.recruitment import services as notices
from xiangcun.recruitment.tests.factories import notice_draft

SRC = Path(__file__).resolve().parents[1] / "src" / "xiangcun"


# --------------------------------------------------------------------------------------------------
# Every state change goes through a service that writes an audit entry
# --------------------------------------------------------------------------------------------------
def _service_modules() -> list[Path]:
    return sorted([*SRC.glob("*/services.py"), *SRC.glob("*/services/*.py")])


def _is_atomic(node: ast.FunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Attribute) and d.attr == "atomic")
        or (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "atomic")
        for d in node.decorator_list
    )


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def test_every_transactional_service_writes_an_audit_entry() -> None:
    """A function of a services module that opens a transaction must append to the audit log,
    directly or through a function that does (``record_event``, another service)."""
    functions: dict[str, tuple[str, ast.FunctionDef]] = {}
    for path in _service_modules():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                functions[f"{path.relative_to(SRC)}:{node.name}"] = (node.name, node)
    calls = {key: _called_names(node) for key, (_, node) in functions.items()}
    auditing = {"audit"}
    while True:
        grown = auditing | {name for key, (name, _) in functions.items() if calls[key] & auditing}
        if grown == auditing:
            break
        auditing = grown
    silent = [key for key, (name, node) in functions.items() if _is_atomic(node) and name not in auditing]
    assert not silent, f"services that change state without an audit entry: {silent}"
    assert len([1 for _, node in functions.values() if _is_atomic(node)]) >= 30


# --------------------------------------------------------------------------------------------------
# What an entry records
# --------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_workflow_step_is_recorded_with_actor_region_and_facts(users: dict[str, Any]) -> None:
    notice = notice_draft(users)
    notices.notice_transition(user=users["cadre"], notice=notice, action="submit")
    entry = AuditEntry.objects.filter(object_type="recruitment.notice", object_id=str(notice.pk)).first()
    assert entry is not None
    assert entry.action == "notice.submit"
    assert (entry.actor_id, entry.actor_label) == (users["cadre"].pk, "cadre")
    assert entry.region_code == users["cadre"].region_code
    assert entry.data["from"] == "draft" and entry.data["to"] == "submitted"
    assert audit.verify().ok


@pytest.mark.django_db
def test_a_refused_change_leaves_no_entry(users: dict[str, Any]) -> None:
    notice = notice_draft(users)
    before = AuditEntry.objects.count()
    with pytest.raises(Exception, match="不能"):
        notices.notice_transition(user=users["town"], notice=notice, action="approve")
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_entries_chain_one_to_the_next(users: dict[str, Any]) -> None:
    notice_draft(users)
    notice_draft(users)
    last, previous = AuditEntry.objects.order_by("-id")[:2]
    assert last.pk == previous.pk + 1
    assert last.prev_hash == previous.hash
    assert last.hash == audit.digest(last)


def test_an_entry_outside_a_transaction_is_refused(db: Any) -> None:
    # pytest-django runs every test inside a transaction: pretend to be outside it for one call.
    saved, connection.in_atomic_block = connection.in_atomic_block, False
    try:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            audit.audit(actor=None, action="x.y", target=("x", "1"))
    finally:
        connection.in_atomic_block = saved


# --------------------------------------------------------------------------------------------------
# Nothing changes an entry
# --------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_entries(users: dict[str, Any]) -> None:
    notice_draft(users)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    entry.action = "notice.forged"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="notice.forged")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_the_database_refuses_an_update_by_sql(users: dict[str, Any]) -> None:
    notice_draft(users)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditentry SET action = 'forged'")


@pytest.mark.django_db
def test_postgresql_refuses_a_delete_by_sql(users: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the DELETE trigger is PostgreSQL's (SQLite keeps DELETE for the test flush)")
    notice_draft(users)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditentry")


# --------------------------------------------------------------------------------------------------
# audit verify: passes on an honest log, names the first bad entry otherwise
# --------------------------------------------------------------------------------------------------
def _without_triggers(sql: str, params: list[Any]) -> None:
    """What a person with database access could do: switch the guard off and change a row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
        cursor.execute(sql, params)


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_verify_passes_on_the_demo_and_names_a_changed_entry(users: dict[str, Any]) -> None:
    notice = notice_draft(users)
    notices.notice_transition(user=users["cadre"], notice=notice, action="submit")
    total = AuditEntry.objects.count()
    assert f"审计日志完整：{total} 条记录" in _verify()
    target = AuditEntry.objects.get(action="notice.create", object_id=str(notice.pk))
    _without_triggers(
        "UPDATE core_auditentry SET data = %s WHERE id = %s", [json.dumps({"title": "改过的标题"}), target.pk]
    )
    with pytest.raises(CommandError, match=f"第 {target.pk} 条记录.*notice.create.*已被改动"):
        _verify()


@pytest.mark.django_db
def test_verify_names_a_changed_actor_and_a_removed_entry(users: dict[str, Any]) -> None:
    notice_draft(users)
    notice_draft(users)
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None
    _without_triggers("UPDATE core_auditentry SET actor_label = 'town' WHERE id = %s", [last.pk])
    verdict = audit.verify()
    assert (verdict.ok, verdict.bad_id) == (False, last.pk)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [last.pk - 1])
    verdict = audit.verify()
    assert (verdict.ok, verdict.bad_id) == (False, last.pk - 1)
    assert "缺失" in str(verdict.problem)


@pytest.mark.django_db
def test_verify_reports_as_json_for_monitoring(users: dict[str, Any]) -> None:
    notice_draft(users)
    out = StringIO()
    call_command("audit", "verify", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] is True
    assert report["entries"] == AuditEntry.objects.count()
    assert report["head"] == AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
