"""Pages for partners: registration, the public list and profile (identifiers masked), the city
office's verification queue, and the xlsx export."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiangcun.accounts.permissions import Capability, can
from xiangcun.accounts.privacy import PRIVACY_NOTICE_VERSION
from xiangcun.accounts.selectors import consents_of, reads_about
from xiangcun.core import vocab
from xiangcun.core.inputs import parse, perform, submit
from xiangcun.core.ratelimit import limited
from xiangcun.core.redirects import safe_next
from xiangcun.partners import selectors, services
from xiangcun.partners.exports import partners_xlsx
from xiangcun.partners.forms import PartnerProfileForm, PartnerRegisterForm
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.partners.schemas import PartnerEditIn, PartnerRegisterIn, PartnerVerifyIn
from xiangcun.regions.selectors import counties_of


def _counties() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in counties_of(settings.XIANGCUN_CITY_CODE)]


def _filters(request: HttpRequest) -> selectors.PartnerFilters:
    g = request.GET
    kind = g.get("kind") if g.get("kind") in vocab.codes(vocab.PARTNER_KINDS) else None
    category = g.get("category") if g.get("category") in vocab.codes(vocab.PROJECT_CATEGORIES) else None
    county = g.get("county", "")
    status = g.get("status") if g.get("status") in PartnerStatus.values else None
    return selectors.PartnerFilters(
        kind=kind,
        category=category,
        county=county if county.isdigit() and len(county) == 6 else None,
        status=status,
        q=(g.get("q") or "").strip()[:40] or None,
    )


def partner_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.partner_list(request.user, _filters(request))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/partner_list.html",
        {
            "page": page,
            "views": selectors.partner_views(
                page, request.user, purpose=selectors.PURPOSE_LIST, fields=("name", "phone")
            ),
            "query": query.urlencode(),
            "counties": counties_of(settings.XIANGCUN_CITY_CODE),
            "kinds": vocab.PARTNER_KINDS,
            "categories": vocab.PROJECT_CATEGORIES,
            "f": request.GET,
            "city_office": can(request.user, Capability.PARTNER_VERIFY),
            "mine": selectors.partner_of_user(request.user),
        },
    )


def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_for(request.user, pk)  # 404 / 403 via the error middleware
    view = selectors.partner_view(partner, request.user, purpose=selectors.PURPOSE_VERIFY)
    county_names = dict(_counties())
    own = selectors.is_own(request.user, partner)
    return render(
        request,
        "partners/partner_detail.html",
        {
            "v": view,
            "p": partner,
            "categories": [vocab.label("category", c) for c in partner.preferred_categories],
            "forms": [vocab.label("form", c) for c in partner.cooperation_forms],
            "resources": [vocab.label("resource", c) for c in partner.resources_wanted],
            "counties": [county_names.get(c, c) for c in partner.preferred_counties],
            "city_office": can(request.user, Capability.PARTNER_VERIFY),
            "actions": selectors.partner_actions_for(request.user, partner),
            "can_edit": partner.status != PartnerStatus.CLOSED
            and (own or can(request.user, Capability.PARTNER_VERIFY)),
            # One's own profile: the consent given, who read the data in full (PIPL art. 44), and the
            # download and erasure of it (the privacy pages).
            "own": own,
            "consent": consents_of(request.user).first() if own else None,
            "reads": list(reads_about(request.user)[:20]) if own else [],
        },
    )


# Self-registration says whether a user name is taken: limited, so that names cannot be harvested.
@limited("register", per_minute=10, anonymous_per_minute=5, concurrent=4, methods=("POST",))
def partner_register(request: HttpRequest) -> HttpResponse:
    form = PartnerRegisterForm(request.POST or None, counties=_counties())
    partner = None
    if request.method == "POST":
        partner = submit(
            form,
            lambda d: services.partner_register(data=parse(PartnerRegisterIn, d), source=request.path),
        )
        if partner is not None:
            assert partner.user is not None
            login(request, partner.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功。市合伙人办公室审核通过后，您的资料将公开并参与匹配。")
            # Back to the page that sent the visitor here (a notice's 我要合作), if it is one of ours.
            return redirect(safe_next(request) or reverse("partners:detail", args=[partner.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partners/register.html",
        {"form": form, "next": safe_next(request) or "", "notice_version": PRIVACY_NOTICE_VERSION},
        status=status,
    )


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner edits their own profile; the city office may correct any."""
    partner = selectors.partner_get_for(request.user, pk, write=True)
    own = selectors.is_own(request.user, partner)
    if request.method == "GET":  # the form shows the identifiers in full: the city office's view is logged
        selectors.partner_view(partner, request.user, purpose=selectors.PURPOSE_CORRECT)
    initial = {
        name: getattr(partner, name)
        for name in (
            "name",
            "is_organisation",
            "kind",
            "contact_name",
            "phone",
            "id_number",
            "title_level",
            "high_level_talent",
            "capital_min",
            "capital_max",
            "preferred_counties",
            "preferred_categories",
            "cooperation_forms",
            "resources_wanted",
            "profile",
            "track_record",
            "certifications",
        )
    }
    initial.update(
        home_county=partner.home_county_id or "",
        skills="、".join(partner.skills),
        tags="、".join(partner.tags),
    )
    form = PartnerProfileForm(request.POST or None, initial=initial, counties=_counties())
    if request.method == "POST":
        saved = submit(
            form,
            lambda d: services.partner_update(
                user=request.user, partner=partner, data=parse(PartnerEditIn, d)
            ),
        )
        if saved is not None:
            messages.success(request, "资料已保存。" + ("修改后需市合伙人办公室重新认证。" if own else ""))
            return redirect("partners:detail", pk=partner.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "partners/edit.html", {"form": form, "partner": partner}, status=status)


@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    pending = selectors.verification_queue_for(request.user)  # 403 unless the city office
    queue = list(pending[:200])
    views = selectors.partner_views(
        queue, request.user, purpose=selectors.PURPOSE_VERIFY, fields=("name", "phone", "id_number")
    )
    return render(
        request,
        "partners/queue.html",
        {
            "rows": [(v, selectors.partner_actions_for(request.user, v.partner)) for v in views],
            "total": pending.count(),
        },
    )


@login_required
@require_POST
def partner_verify(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_for(request.user, pk)

    def verify() -> Partner:
        data = parse(
            PartnerVerifyIn,
            {
                "verified": request.POST.get("decision") == "verify",
                "reason": request.POST.get("reason", ""),
                "expected_status": request.POST.get("expected_status") or None,
            },
        )
        return services.partner_verify(
            user=request.user,
            partner=partner,
            verified=data.verified,
            reason=data.reason,
            expected_status=data.expected_status or partner.status,
        )

    decided = perform(request, verify)
    if decided is not None:
        messages.success(request, str(selectors.partner_decision_done(decided)))
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        return redirect("partners:queue")
    return redirect(target)


# Heavy: a whole table as xlsx. Limited so that a burst of downloads cannot starve the site.
@limited("export", per_minute=20, anonymous_per_minute=6, concurrent=2)
def partner_export(request: HttpRequest) -> HttpResponse:
    qs = selectors.partner_list(request.user, _filters(request))
    response = HttpResponse(
        partners_xlsx(qs, request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="partners.xlsx"'
    return response
