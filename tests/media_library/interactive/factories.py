"""Packages made by the project's own builders, uploaded through the real services, and pages
that embed them."""

from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils.text import slugify
from wagtail.models import Page

from media_library.interactive import package_builders
from media_library.interactive.models import H5PContent, InteractivePage, ScormPackage
from media_library.interactive.services import package_upload


def upload(**kwargs):
    """Upload through the service; the processing task runs when the transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        package = package_upload(**kwargs)
    package.refresh_from_db()
    return package


def h5p_content(*, title="Workers' rights quiz", language="en", **builder) -> H5PContent:
    return upload(
        model=H5PContent,
        title=title,
        language=language,
        file=ContentFile(
            package_builders.h5p_bytes(title=title, language=language, **builder), name="quiz.h5p"
        ),
    )


def scorm_package(*, title="Working time", version="2004", **builder) -> ScormPackage:
    return upload(
        model=ScormPackage,
        title=title,
        file=ContentFile(
            package_builders.scorm_bytes(title=title, version=version, **builder), name="scorm.zip"
        ),
    )


def interactive_page(
    *, parent: Page, h5p=(), scorm=(), title="Quick quizzes", slug=None
) -> InteractivePage:
    body = [{"type": "h5p", "value": {"content": c.pk, "title": ""}} for c in h5p]
    body += [{"type": "scorm", "value": {"package": p.pk, "title": ""}} for p in scorm]
    page = InteractivePage(title=title, slug=slug or slugify(title), body=body)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def upload_file(model, path, *, title="", language="en", **fields):
    """Upload a real package file (e.g. from ../shared/fixtures/packages/) through the service."""
    from pathlib import Path

    path = Path(path)
    return upload(
        model=model,
        title=title or path.stem,
        language=language,
        file=ContentFile(path.read_bytes(), name=path.name),
        **fields,
    )
