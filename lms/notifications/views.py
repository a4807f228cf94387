"""A person's notices and their choice of channels per kind: their own data only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.accounts.exposure import own_data
from lms.notifications import selectors, services
from lms.notifications.models import Notification


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def notices(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All notices are marked as read."))
        return redirect("notifications:list")
    page = Paginator(selectors.notices_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@own_data
@login_required
@require_POST
def notice_open(request, pk):
    """Mark one notice read and go where it points (a path on this site only)."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user, on_site=True)
    services.notifications_mark_read(user=request.user, ids=[notice.pk])
    if notice.link and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.link)
    return redirect("notifications:list")


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        services.preferences_save(
            user=request.user,
            enabled={value for value in request.POST.getlist("on") if len(value) <= 80},
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": selectors.preference_table(user=request.user),
            "has_email": bool(request.user.email),
            "has_phone": bool(getattr(request.user, "phone", "")),
        },
    )
