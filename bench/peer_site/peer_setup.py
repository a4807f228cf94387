"""Builds (once) the peer project's pages and a signed-in learner, and prints what the
bench needs as JSON: run with the peer environment's Python after ``migrate``."""

import json
import os
import secrets
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.base import SessionBase  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from peer_pages.models import BarePage  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402
from wagtail_lms.models import (  # noqa: E402
    CourseEnrollment,
    CoursePage,
    H5PActivity,
    H5PLessonPage,
)

PARAGRAPH = (
    "<p>Fire exits must stay clear and unlocked while people are at work. Check them at the "
    "start of every shift, and report anything that blocks them to your supervisor.</p>"
)


def child(parent, model, slug, **fields):
    found = model.objects.child_of(parent).filter(slug=slug).first()
    if found is None:
        found = parent.add_child(instance=model(slug=slug, **fields))
    return found


def main():
    root = Page.get_first_root_node()
    home = child(root, BarePage, "bench-bare", title="A bare Wagtail page", body=PARAGRAPH * 3)
    site = Site.objects.filter(is_default_site=True).first() or Site(hostname="127.0.0.1")
    site.root_page, site.is_default_site, site.hostname, site.port = home, True, "127.0.0.1", 80
    site.save()
    course = child(home, CoursePage, "course", title="Fire safety", description=PARAGRAPH)
    lesson = child(
        course,
        H5PLessonPage,
        "lesson",
        title="Keep the exits clear",
        intro=PARAGRAPH,
        body=[("paragraph", PARAGRAPH * 3)],
    )
    user, _created = User.objects.get_or_create(username="peer.learner")
    CourseEnrollment.objects.get_or_create(user=user, course=course)
    activity = H5PActivity.objects.filter(title="bench activity").first()
    if activity is None:  # bulk_create: no package to unpack (save() extracts one)
        activity = H5PActivity.objects.bulk_create(
            [H5PActivity(title="bench activity", package_file="h5p/bench.h5p")]
        )[0]
        activity = H5PActivity.objects.get(title="bench activity")
    from django.conf import settings

    session: SessionBase = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    json.dump(
        {
            "bare_page": home.url_path.removeprefix(home.url_path) or "/",
            "course": "/course/",
            "lesson": "/course/lesson/",
            "lesson_id": lesson.pk,
            "xapi": f"/lms/h5p-xapi/{activity.pk}/",
            "cookies": {
                settings.SESSION_COOKIE_NAME: session.session_key,
                "csrftoken": secrets.token_hex(16),
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
