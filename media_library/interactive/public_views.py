"""Language-prefixed pages: a staff preview of an H5P exercise (nothing is recorded), and
the launch of a cmi5 assignable unit."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from lms.accounts.exposure import own_data, public_data
from media_library.interactive import package_files, players
from media_library.interactive.cmi5_models import Cmi5Au, LaunchMode
from media_library.interactive.cmi5_services import cmi5_launch as cmi5_launch_service
from media_library.interactive.models import H5PContent, PackageStatus
from media_library.interactive.services import PackageRefused


# A package's content as learners see it (no one's results): the view itself lets only
# people who use the admin in.
@public_data
@login_required
def h5p_preview(request, uuid):
    if not (request.user.is_superuser or request.user.has_perm("wagtailadmin.access_admin")):
        raise PermissionDenied
    content = get_object_or_404(H5PContent, uuid=uuid)
    player = players.h5p_player(content=content, page=None, request=request)
    return render(request, "interactive/h5p_preview.html", {"content": content, "player": player})


@own_data
@login_required
@require_POST
def cmi5_launch(request, au_id):
    """``POST /<lang>/watch/interactive/cmi5/<au>/launch/?page=<id>``: launch one assignable
    unit of a cmi5 course embedded in a page, in a sandboxed frame; ``mode`` in the form
    picks Browse or Review instead of Normal where the unit allows it."""
    au = get_object_or_404(
        Cmi5Au.objects.select_related("package"), pk=au_id, package__status=PackageStatus.READY
    )
    try:
        page = Page.objects.get(pk=int(request.GET.get("page", "")))
    except (ValueError, Page.DoesNotExist):
        return HttpResponseBadRequest(_("Say on which page the course is played."))
    mode = request.POST.get("mode") or LaunchMode.NORMAL
    if mode not in LaunchMode.values:
        return HttpResponseBadRequest(_("This unit cannot be opened that way."))
    return_url = page.specific.url or "/"
    try:
        launch = cmi5_launch_service(
            learner=request.user,
            au=au,
            page=page,
            endpoint=request.build_absolute_uri("/xapi/"),
            fetch_url_for=lambda key: request.build_absolute_uri(
                reverse("records:xapi_launch_fetch", kwargs={"key": key})
            ),
            return_url=request.build_absolute_uri(return_url),
            launch_mode=mode,
        )
    except PackageRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    return render(
        request,
        "interactive/cmi5_launch.html",
        {
            "au": au,
            "launch": launch,
            "sandbox": package_files.sandbox_tokens(),
            "return_url": return_url,
        },
    )
