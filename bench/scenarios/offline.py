"""Weights of learning offline (issue 23): the bytes a phone stores to keep one module of
the 12-month programme (its lessons and checks, no video) and the page shell of a kept
lesson, both compressed as the server sends them. Budgets: 500 KB and 60 KB."""

import gzip

from bench.harness import TaskScenario

KEPT_MODULE_BUDGET = 500 * 1024
PAGE_SHELL_BUDGET = 60 * 1024


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _static_bytes(url: str) -> bytes:
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    relative = url.removeprefix(settings.STATIC_URL).split("?", 1)[0]
    try:
        with staticfiles_storage.open(relative) as file:
            return file.read()
    except (FileNotFoundError, OSError, ValueError):
        with open(finders.find(relative), "rb") as file:
            return file.read()


def kept_weight(client, manifest: dict) -> dict:
    """Fetch every address of a kept part as the phone does; sum compressed bytes. The page
    shell is the first lesson's HTML with the stylesheets and scripts the manifest keeps for
    the pages (kind "static"; the H5P player's own files, loaded only in its frame, count in
    the kept bytes, not in the shell)."""
    from django.conf import settings

    total, shell, lesson_seen = 0, 0, False
    for item in manifest["items"]:
        url = item["url"]
        if url.startswith(settings.STATIC_URL):
            size = compressed(_static_bytes(url))
            if item["kind"] == "static" and url.split("?", 1)[0].endswith((".css", ".js")):
                shell += size
        else:
            response = client.get(url)
            if response.status_code != 200:
                raise AssertionError(f"{url} answered {response.status_code}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            size = compressed(body)
            if item["kind"] == "lesson" and not lesson_seen:
                shell += size
                lesson_seen = True
        total += size
    return {"kept_bytes": total, "shell_bytes": shell, "items": len(manifest["items"])}


def prepare() -> None:
    from bench.scenarios import courses

    courses.prepare()
    _h5p_in_first_lesson(courses._programme())


def _h5p_in_first_lesson(programme) -> None:
    """The kept module has an H5P activity (issue 23 keeps H5P offline): the project's own
    quiz in the first lesson, with its library."""
    from django.core.files.base import ContentFile

    from courses.models import LessonPage
    from media_library.interactive import package_builders
    from media_library.interactive.models import H5PContent
    from media_library.interactive.services import package_upload

    lesson = LessonPage.objects.descendant_of(programme).order_by("path").first()
    if any(block.block_type == "h5p" for block in lesson.body):
        return
    content = package_upload(
        model=H5PContent,
        title="Bench quiz",
        language="en",
        file=ContentFile(package_builders.h5p_bytes(title="Bench quiz"), name="quiz.h5p"),
    )
    lesson.body = [
        *[{"type": b.block_type, "value": b.block.get_prep_value(b.value)} for b in lesson.body],
        {"type": "h5p", "value": {"content": content.pk, "title": ""}},
    ]
    lesson.save()


def _measure() -> dict:
    from django.test import Client

    from bench.scenarios.courses import _programme
    from courses.models import ModulePage
    from lms.accounts.models import User

    programme = _programme()
    module = ModulePage.objects.child_of(programme).order_by("path").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench.learner001"))
    manifest = client.get(f"/api/learn/offline/{module.pk}/manifest").json()
    weight = kept_weight(client, manifest)
    weight.update(
        kept_module_kb=round(weight["kept_bytes"] / 1024, 1),
        page_shell_kb=round(weight["shell_bytes"] / 1024, 1),
        kept_module_budget_kb=KEPT_MODULE_BUDGET // 1024,
        page_shell_budget_kb=PAGE_SHELL_BUDGET // 1024,
        within_budgets=weight["kept_bytes"] <= KEPT_MODULE_BUDGET
        and weight["shell_bytes"] <= PAGE_SHELL_BUDGET,
    )
    return weight


def scenarios():
    return []


def tasks() -> list[TaskScenario]:
    return [
        TaskScenario(name="offline: bytes of a kept module and of the page shell", run=_measure)
    ]
