from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xiangcun.core import regioncodes
from xiangcun.core.inputs import parse, submit
from xiangcun.regions import selectors, services
from xiangcun.regions.forms import VillageProfileForm
from xiangcun.regions.models import Level
from xiangcun.regions.schemas import VillageProfileIn
from xiangcun.regions.sections import REGION_PAGE, VILLAGE_PAGE


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get_for(request.user, code)
    context: dict[str, Any] = {
        "region": region,
        "ancestors": selectors.region_ancestors(code)[:-1],
        "figures": selectors.area_figures(region),
        "children": selectors.child_figures(region),
    }
    if region.level == Level.CITY:
        context["boundaries"] = selectors.county_boundaries(region)
    if region.level in (Level.COUNTY, Level.TOWN):
        county = region if region.level == Level.COUNTY else region.parent
        context["boundaries"] = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": county.boundary,
                    "properties": {"code": county.code, "name": county.name},
                }
            ]
            if county and county.boundary
            else [],
        }
        context["points"] = [
            {"code": v.code, "name": v.name, "lat": v.lat, "lng": v.lng}
            for v in selectors.village_list(within=code).only("code", "name", "lat", "lng", "town", "county")
        ]
    if region.level == Level.TOWN:
        context["villages"] = selectors.village_list(within=code)
    # What the apps above this one show about the region (its notices…): see regions/sections.py.
    context["sections"] = REGION_PAGE.for_page(request, region)
    return render(request, "regions/region_detail.html", context)


def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = selectors.village_get_for(request.user, code)
    profile = selectors.village_profile(village, request.user, purpose=selectors.PURPOSE_VILLAGE)
    return render(
        request,
        "regions/village_detail.html",
        {
            "village": village,
            "profile": profile,
            "ancestors": selectors.region_ancestors(code),
            # The village's notices, resources and agreements, from the apps above this one.
            "sections": VILLAGE_PAGE.for_page(request, village),
        },
    )


def village_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:40]
    county = request.GET.get("county", "")
    within = county if regioncodes.is_valid_code(county) and len(county) == 6 else None
    villages = selectors.village_list(within=within, q=q or None)[:50] if (q or within) else []
    template = (
        "regions/_village_results.html"
        if request.headers.get("HX-Request")
        else "regions/village_search.html"
    )
    counties = selectors.counties_of(settings.XIANGCUN_CITY_CODE)
    return render(request, template, {"q": q, "county": county, "villages": villages, "counties": counties})


@login_required
def village_edit(request: HttpRequest, code: str) -> HttpResponse:
    village = selectors.village_get_for(request.user, code, write=True)
    profile = selectors.village_profile(village, request.user, purpose=selectors.PURPOSE_VILLAGE_EDIT)
    years = services.income_years()
    incomes = {i.year: i.amount for i in profile.incomes}
    form = VillageProfileForm(request.POST or None, instance=village, years=years, incomes=incomes)
    if request.method == "POST":
        saved = submit(
            form,
            lambda _: services.village_profile_save(
                user=request.user, village=village, profile_in=parse(VillageProfileIn, form.profile_input())
            ),
        )
        if saved is not None:
            messages.success(request, "村庄档案已保存。")
            return redirect("regions:village", code=code)
    return render(
        request,
        "regions/village_edit.html",
        {"village": village, "form": form},
        status=400 if request.method == "POST" else 200,
    )
