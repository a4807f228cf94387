"""What a page needs to show a cmi5 course: its AUs in order, each with the learner's
progress and the address that launches it (a form POST: launching writes records)."""

from django.urls import reverse
from django.utils.http import urlencode

from media_library.interactive.cmi5_models import Cmi5AuProgress, Cmi5Package, LaunchMode
from media_library.interactive.cmi5_services import launch_modes_for


def cmi5_player(*, package: Cmi5Package, page, request, title: str = "") -> dict | None:
    if package is None:
        return None
    if not package.is_ready:
        return {"unavailable": True, "title": title or package.title}
    user = getattr(request, "user", None)
    recording = bool(page is not None and user is not None and user.is_authenticated)
    progress = {}
    if recording:
        progress = {
            row.au_id: row
            for row in Cmi5AuProgress.objects.filter(
                registration__learner=user, registration__package=package, registration__page=page
            )
        }
    units = []
    for au in package.aus.all():
        row = progress.get(au.pk)
        units.append(
            {
                "au": au,
                "satisfied": bool(row and row.satisfied),
                "completed": bool(row and row.completed),
                "passed": bool(row and row.passed),
                # The other mode offered besides Normal: Browse before, Review after.
                "review": LaunchMode.REVIEW in launch_modes_for(row),
                "launch_url": reverse(
                    "media_library:interactive:cmi5_launch", kwargs={"au_id": au.pk}
                )
                + "?"
                + urlencode({"page": page.pk})
                if recording
                else "",
            }
        )
    return {
        "kind": "cmi5",
        "package": package,
        "title": title or package.title,
        "units": units,
        "recording": recording,
    }
