from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiangcun.inbox import selectors, services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The signed-in user's notifications, newest first (``?unread=1``: only the unread)."""
    unread = request.GET.get("unread") == "1"
    page = Paginator(selectors.notification_list_for(request.user, unread=unread), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inbox/list.html",
        {
            "page": page,
            "unread": unread,
            "query": "unread=1" if unread else "",
            "unread_total": selectors.unread_count_for(request.user),
        },
    )


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open``, then go to its page (its own stored link, never a
    URL from the request)."""
    notification = selectors.notification_get_for(request.user, pk, write=True)
    notification = services.notification_mark_read(user=request.user, notification=notification)
    link = notification.link
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(link, {request.get_host()}):
        return redirect(link)
    return redirect("inbox:list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("inbox:list")
