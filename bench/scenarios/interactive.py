"""Interactive content under load: a lesson page with three H5P activities (as a signed-in
learner, and its weight), the H5P player document, and posting a completion statement
through the bridge endpoint, each request with a fresh statement id.

prepare() uploads three H5P quizzes made with the project's own library (processed by the
Celery task, eager without a broker), one interactive page embedding them, and a learner.
With no enrolment check registered (courses registers one at merge) only staff may record,
so the bench learner is staff; once courses' check is in, enrol it instead. Idempotent.
"""

import json
import uuid

from bench.harness import PASSWORD, HttpScenario

LEARNER = "bench.interactive"
PAGE_SLUG = "bench-interactive-lesson"
TITLES = ["Bench quiz: rights", "Bench quiz: working time", "Bench quiz: harassment"]

# Filled in by scenarios() from the database prepare() built.
_state: dict = {}


def prepare() -> None:
    from django.core.files.base import ContentFile

    from lms.accounts.models import User
    from lms.portal.models import HomePage
    from media_library.interactive import package_builders
    from media_library.interactive.models import H5PContent, InteractivePage
    from media_library.interactive.services import package_upload

    contents = []
    for title in TITLES:
        content = H5PContent.objects.filter(title=title).first() or package_upload(
            model=H5PContent,
            title=title,
            file=ContentFile(package_builders.h5p_bytes(title=title), name="bench.h5p"),
        )
        contents.append(content)
    home = HomePage.objects.get(locale__language_code="en")
    if not InteractivePage.objects.filter(slug=PAGE_SLUG).exists():
        page = InteractivePage(
            title="Bench interactive lesson",
            slug=PAGE_SLUG,
            body=[{"type": "h5p", "value": {"content": c.pk, "title": ""}} for c in contents],
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    learner = User.objects.filter(username=LEARNER).first()
    if learner is None:
        learner = User.objects.create_user(LEARNER, password=PASSWORD, is_staff=True)


def _lookup():
    if not _state:
        from media_library.interactive.models import H5PContent, InteractivePage

        page = InteractivePage.objects.get(slug=PAGE_SLUG)
        content = H5PContent.objects.get(title=TITLES[0])
        _state.update(page=page, content=content)
    return _state


def _completion(request_number: int) -> tuple[bytes, str]:
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "http://localhost/h5p"},
        "result": {
            "score": {
                "min": 0,
                "max": 2,
                "raw": request_number % 3,
                "scaled": (request_number % 3) / 2,
            },
            "success": request_number % 3 >= 1,
            "completion": True,
        },
    }
    return json.dumps([statement]).encode(), "application/json"


def scenarios() -> list[HttpScenario]:
    state = _lookup()
    page, content = state["page"], state["content"]
    return [
        HttpScenario(
            "interactive.lesson_with_3_h5p",
            page.url,
            login=LEARNER,
            measure_weight=True,
            requests=200,
        ),
        HttpScenario(
            "interactive.h5p_player_document",
            f"/interactive/player/h5p/{content.uuid}/?lang=en",
            requests=200,
        ),
        HttpScenario(
            "interactive.h5p_completion_statement",
            f"/api/interactive/h5p/{content.uuid}/statements?page={page.pk}",
            method="POST",
            login=LEARNER,
            body=_completion,
            requests=200,
        ),
    ]
