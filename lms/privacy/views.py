"""The privacy notice, and a person's own privacy page: consents, their data, erasure."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from lms.accounts.exposure import own_data, public_data
from lms.accounts.services import CONSENT_FIELDS, consent_withdraw, consents_active
from lms.privacy import selectors, services
from lms.privacy.export import person_data_zip
from lms.privacy.models import ErasureRequest


@public_data
@require_GET
def privacy_notice(request):
    return render(request, "privacy/notice.html", {"notice": selectors.privacy_notice_for()})


@own_data
@login_required
@require_GET
def my_privacy(request):
    user = request.user
    return render(
        request,
        "privacy/mine.html",
        {
            "consents": consents_active(user=user),
            "erasure": selectors.erasure_open_for(user),
        },
    )


@own_data
@login_required
@require_POST
def consent_withdraw_view(request):
    field = request.POST.get("field", "")
    if field not in CONSENT_FIELDS:
        return HttpResponseBadRequest(_("Unknown field."))
    consent_withdraw(user=request.user, field=field)
    messages.success(request, _("Your consent is withdrawn and your answer deleted."))
    return redirect("privacy:mine")


@own_data
@login_required
@require_POST
def data_download(request):
    """The person's data as a ZIP, built while they wait (one person's rows are few);
    limited per person, as every table is read."""
    if is_ratelimited(
        request,
        group="privacy.download",
        key="user",
        rate=settings.LMS_DATA_DOWNLOAD_RATE,
        increment=True,
    ):
        messages.error(
            request, _("You downloaded your data several times already. Try again later.")
        )
        return redirect("privacy:mine")
    stamp = timezone.localtime().strftime("%Y%m%d")
    return FileResponse(
        person_data_zip(request.user),
        as_attachment=True,
        filename=f"my-data-{stamp}.zip",
        content_type="application/zip",
    )


@own_data
@login_required
@require_POST
def erasure_request(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want your account erased."))
        return redirect("privacy:mine")
    services.erasure_request_create(person=request.user)
    messages.success(
        request,
        _(
            "Your request is sent. Programme staff review it; you will not be able to sign "
            "in once your account is erased."
        ),
    )
    return redirect("privacy:mine")


@own_data
@login_required
@require_POST
def erasure_cancel(request):
    erasure = selectors.erasure_open_for(request.user)
    if erasure is not None and erasure.status == ErasureRequest.Status.REQUESTED:
        services.erasure_request_cancel(person=request.user, erasure=erasure)
        messages.success(request, _("Your request to erase your account is cancelled."))
    return redirect("privacy:mine")
