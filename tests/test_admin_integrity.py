"""The Django admin cannot move a record through its workflow, delete its history or a user, and
whatever it does change is in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from xiangcun.core.admin import AuditedAdmin, workflow_fields
from xiangcun.core.models import AuditEntry
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.tests.factories import notice_draft

WORKFLOW_MODELS = ["recruitment.notice", "partners.partner", "matching.pairing", "resources.importjob"]


@pytest.mark.django_db
def test_every_registered_admin_is_audited_and_keeps_states_read_only(
    rf: RequestFactory, users: dict[str, Any]
) -> None:
    request = rf.get("/admin/")
    request.user = users["admin"]
    for model, model_admin in admin.site._registry.items():
        read_only_admin = not (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
        if read_only_admin:  # the audit log itself, the task queue's results
            continue
        assert isinstance(model_admin, AuditedAdmin), f"{model._meta.label} admin does not audit"
        read_only = model_admin.get_readonly_fields(request, None)
        for name in workflow_fields(model):
            assert name in read_only, f"{model._meta.label}.{name} is editable in the admin"
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert set(WORKFLOW_MODELS) <= registered


@pytest.fixture
def operator_client(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


@pytest.mark.django_db
def test_the_admin_cannot_change_a_notice_status(users: dict[str, Any], operator_client: Client) -> None:
    notice = notice_draft(users)
    page = operator_client.get(f"/admin/recruitment/notice/{notice.pk}/change/")
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert f"/admin/recruitment/notice/{notice.pk}/delete/" not in page.content.decode()
    assert operator_client.get(f"/admin/recruitment/notice/{notice.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_users_are_deactivated_not_deleted(users: dict[str, Any], operator_client: Client) -> None:
    public = users["public"]
    assert operator_client.get(f"/admin/accounts/user/{public.pk}/delete/").status_code == 403
    response = operator_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [public.pk]}
    )
    assert response.status_code == 302
    public.refresh_from_db()
    assert public.is_active is False
    entry = AuditEntry.objects.filter(action="user.deactivate", object_id=str(public.pk)).get()
    assert entry.actor_label == "admin"


@pytest.mark.django_db
def test_an_admin_change_is_an_audit_entry(users: dict[str, Any], operator_client: Client) -> None:
    notice = notice_draft(users)
    page = operator_client.get(f"/admin/recruitment/notice/{notice.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["title"] = "运维更正后的标题"
    for prefix in ("resources", "transitions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = operator_client.post(f"/admin/recruitment/notice/{notice.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Notice.objects.get(pk=notice.pk).title == "运维更正后的标题"
    entry = AuditEntry.objects.filter(action="admin.change", object_id=str(notice.pk)).get()
    assert entry.data["fields"]["title"] == "运维更正后的标题"
    assert entry.actor_label == "admin"


@pytest.mark.django_db
def test_the_audit_log_is_shown_read_only(users: dict[str, Any], operator_client: Client) -> None:
    notice_draft(users)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    assert operator_client.get("/admin/core/auditentry/").status_code == 200
    assert operator_client.get("/admin/core/auditentry/add/").status_code == 403
    page = operator_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert (
        page.status_code == 200
        and "<form" in page.content.decode()
        and 'name="action"' not in page.content.decode()
    )
    assert (
        operator_client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
