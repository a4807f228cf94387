"""Language-prefixed pages: a staff preview of an H5P exercise (nothing is recorded)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from lms.accounts.exposure import public_data
from media_library.interactive import players
from media_library.interactive.models import H5PContent


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
