"""Pages: the public calculator (shareable by its query string, printable), the policy library, and
for the city office the editor (validate, run the tests, publish) and the version history."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiangcun.accounts.permissions import Capability, can
from xiangcun.core.errors import AccessDenied, Msg
from xiangcun.core.inputs import parse, submit
from xiangcun.policies import engine, selectors, services
from xiangcun.policies.forms import CalculatorForm, PublishForm, query_of
from xiangcun.policies.schemas import PublishIn


def _errors(form: forms.Form) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


def _results_view(ev: engine.Evaluation) -> dict[str, Any]:
    data = engine.evaluation_json(ev)
    order = {
        "applies": 0,
        "excluded": 1,
        "not_eligible": 2,
        "missing": 3,
        "out_of_scope": 4,
        "not_in_force": 5,
    }
    data["results"].sort(key=lambda r: (order[r["status"]], r["kind"] == "privilege", r["id"]))
    data["applying"] = [r for r in data["results"] if r["applies"]]
    data["others"] = [r for r in data["results"] if not r["applies"]]
    return data


def calculator(request: HttpRequest) -> HttpResponse:
    counties = selectors.official_counties()
    data: QueryDict | dict[str, str] = request.GET
    prefilled = False
    if request.user.is_authenticated and not any(k in request.GET for k in ("county", "investment")):
        pairing = request.GET.get("pairing")
        facts = selectors.facts_prefill(request.user, int(pairing) if pairing and pairing.isdigit() else None)
        if facts:
            data = query_of(facts)
            prefilled = True
    form = CalculatorForm(data or None, counties=counties)
    context: dict[str, Any] = {"form": form, "prefilled": prefilled, "evaluation": None}
    if form.is_bound and form.has_facts() and form.is_valid():
        on = form.cleaned_data.get("date") or timezone.localdate()
        ev = submit(form, lambda data: selectors.policy_evaluate(form.facts(), on))
        if ev is not None:
            context["evaluation"] = _results_view(ev)
            context["on"] = on
            context["share_query"] = (
                form.data.urlencode() if isinstance(form.data, QueryDict) else urlencode(form.data)
            )
    context["library"] = selectors.library_active()
    version = selectors.version_active()
    # The library the result was computed with, named by its version (the shipped one has none).
    if (
        version is not None
        and context["evaluation"]
        and version.ruleset_hash == context["evaluation"]["ruleset"]
    ):
        context["version"] = version
    context["can_edit"] = can(request.user, Capability.POLICY_EDIT)
    return render(request, "policies/calculator.html", context)


@require_POST
def evaluation_save(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next=/policies/?{request.POST.get('query', '')}")
    query = QueryDict(request.POST.get("query", ""))
    form = CalculatorForm(query, counties=selectors.official_counties())
    if not form.is_valid():
        messages.error(request, "信息有误，未保存")
        return redirect(f"/policies/?{query.urlencode()}")
    on: date = form.cleaned_data.get("date") or timezone.localdate()
    saved = submit(form, lambda data: services.evaluation_save(user=request.user, facts=form.facts(), on=on))
    if saved is None:
        for error in _errors(form):
            messages.error(request, error)
    else:
        messages.success(request, str(Msg("测算结果已保存（测算日期 {on}）", on=saved.on.isoformat())))
    return redirect(f"/policies/?{query.urlencode()}")


def library(request: HttpRequest) -> HttpResponse:
    lib = selectors.library_active()
    return render(
        request,
        "policies/library.html",
        {
            "library": lib,
            "policies": lib.policies,
            "kinds": engine.KINDS,
            "version": selectors.version_active(),
        },
    )


def manage(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.POLICY_EDIT):
        raise AccessDenied("只有市级管理员可以修改政策。")
    files = selectors.library_files_active()
    report = None
    note = ""
    if request.method == "POST":
        files = {
            name: request.POST.get(f"file:{name}", "")
            for name in request.POST.getlist("names")
            if request.POST.get(f"file:{name}", "").strip()
        }
        new_name = request.POST.get("new_name", "").strip()
        if new_name and request.POST.get("new_text", "").strip():
            files[new_name] = request.POST["new_text"]
        note = request.POST.get("note", "")
        if request.POST.get("action") == "publish":
            form = PublishForm(request.POST)
            version = submit(
                form,
                lambda data: services.policy_version_publish(
                    user=request.user, publish=parse(PublishIn, {"files": files, "note": data["note"]})
                ),
            )
            if version is not None:
                messages.success(request, str(Msg("已发布政策库第 {n} 版", n=version.number)))
                return redirect("policies:versions")
            for error in _errors(form):
                messages.error(request, error)
        report = services.policy_files_check(files=files)
    return render(
        request,
        "policies/manage.html",
        {
            "files": sorted(files.items()),
            "report": report,
            "note": note,
            "version": selectors.version_active(),
            "library": selectors.library_active(),
        },
    )


def version_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "policies/versions.html",
        {"versions": selectors.version_list()[:200], "shipped": engine.shipped_library()},
    )


def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = selectors.version_get_for(request.user, number)
    return render(
        request, "policies/version_detail.html", {"v": version, "files": sorted(version.files.items())}
    )
