"""The certificate's PDF is a worker's job: issuing records the certificate and queues the
rendering; the certificate page says "being prepared" until the file exists; the render
task can run again (a retry, a duplicate delivery) and still leave one PDF."""

from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from certification import documents, services
from certification.models import Certificate
from certification.tasks import certificate_pdf_task

pytestmark = pytest.mark.django_db


def _pdf_files(settings) -> list[Path]:
    return sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))


def test_issuing_queues_the_pdf_and_does_not_render_it(
    client, candidacy, django_capture_on_commit_callbacks, settings
):
    with (
        mock.patch.object(documents, "certificate_pdf", wraps=documents.certificate_pdf) as spy,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        certificate = services.certificate_issue(candidacy=candidacy, approved=True)
    assert spy.call_count == 0
    certificate.refresh_from_db()
    assert not certificate.pdf
    assert _pdf_files(settings) == []

    # Until the worker has run, the holder's page says so and the PDF address sends back.
    client.force_login(candidacy.candidate)
    page = reverse("certification:certificate", args=[certificate.code])
    pdf_url = reverse("certification:certificate_pdf", args=[certificate.code])
    body = client.get(page).content.decode()
    assert 'class="cert-preparing"' in body
    assert pdf_url not in body
    with mock.patch.object(certificate_pdf_task, "delay") as queued:
        response = client.get(pdf_url)
        client.get(pdf_url)  # asked twice within a minute: queued again once
    assert response.status_code == 302
    assert response["Location"] == page
    queued.assert_called_once_with(certificate.pk)
    assert spy.call_count == 0

    # The worker runs the queued tasks (PDF, then the notice).
    with mock.patch.object(documents, "certificate_pdf", wraps=documents.certificate_pdf) as spy:
        for callback in callbacks:
            callback()
    assert spy.call_count == 1
    certificate.refresh_from_db()
    assert certificate.pdf
    body = client.get(page).content.decode()
    assert "cert-preparing" not in body
    assert pdf_url in body
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_retried_render_task_leaves_one_pdf(
    candidacy, issue, settings, django_capture_on_commit_callbacks
):
    certificate = issue(candidacy)
    # The first attempt fails while storing (a full disk, a storage hiccup): nothing saved.
    storage = Certificate._meta.get_field("pdf").storage
    with (
        mock.patch.object(type(storage), "save", side_effect=OSError("disk full")),
        pytest.raises(OSError, match="disk full"),
    ):
        certificate_pdf_task.run(certificate.pk)
    certificate.refresh_from_db()
    assert not certificate.pdf
    assert _pdf_files(settings) == []

    # The retry, then a duplicate delivery of the same task (each commits, as in a worker).
    with django_capture_on_commit_callbacks(execute=True):
        first = certificate_pdf_task.apply(args=[certificate.pk]).get()
    with django_capture_on_commit_callbacks(execute=True):
        second = certificate_pdf_task.apply(args=[certificate.pk]).get()
    certificate.refresh_from_db()
    assert certificate.pdf.name == second
    files = _pdf_files(settings)
    assert [path.name for path in files] == [Path(second).name]
    assert first != second  # the first run's file was replaced, not left behind
    assert files[0].read_bytes().startswith(b"%PDF-")


def test_a_rendering_overtaken_by_a_renewal_keeps_nothing(
    candidacy, issue, settings, django_capture_on_commit_callbacks
):
    certificate = issue(candidacy)
    with django_capture_on_commit_callbacks(execute=True):
        current = services.certificate_pdf_store(certificate=certificate).pdf.name
    stale = Certificate.objects.get(pk=certificate.pk)
    # A renewal commits while the stale copy is being rendered.
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=certificate.expires_on.replace(year=certificate.expires_on.year + 3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_pdf_store(certificate=stale)
    certificate.refresh_from_db()
    assert certificate.pdf.name == current
    assert [path.name for path in _pdf_files(settings)] == [Path(current).name]


def test_fonts_style_sheet_and_template_are_made_once_per_worker_thread(candidacy, issue):
    from django.template import engines
    from django.template.loaders.filesystem import Loader
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    certificate = issue(candidacy)
    for name in ("font_config", "stylesheet"):
        documents._local.__dict__.pop(name, None)
    for loader in engines["django"].engine.template_loaders:
        loader.reset()  # the cached loader forgets what earlier tests compiled
    with (
        mock.patch("weasyprint.text.fonts.FontConfiguration", wraps=FontConfiguration) as fonts,
        mock.patch("weasyprint.CSS", wraps=CSS) as sheets,
        mock.patch.object(
            Loader, "get_contents", autospec=True, side_effect=Loader.get_contents
        ) as reads,
    ):
        for _ in range(3):
            assert documents.certificate_pdf(certificate=certificate).startswith(b"%PDF-")
    assert fonts.call_count == 1
    assert sheets.call_count == 1
    template_reads = [
        call
        for call in reads.call_args_list
        if call.args[1].template_name == "certification/certificate_pdf.html"
    ]
    assert len(template_reads) == 1
