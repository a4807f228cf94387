"""Exports with anonymised records are built once per view and snapshot by the worker
(lms/reports/export_requests.py, decision 0607): the request answers at once with the file
already built or a page saying it is being prepared; repeated and concurrent requests share
one build; a file a newer snapshot replaces is removed; the permissions are the export's."""

import os
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.test import Client, TestCase
from django.urls import reverse

from lms.reports import export_requests, tasks, training_prepared
from lms.reports.filters import ReportFilters
from lms.reports.models import ReportExport
from lms.reports.tasks import export_build
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.reports.test_dashboard import denied, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def ask(client, query="", **fields):
    """Post an export request, running its commit callbacks but not the builds it
    schedules; return the answer and the ids of the exports it asked to build."""
    scheduled = []
    with (
        mock.patch.object(tasks.export_build, "delay", scheduled.append),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = client.post(f"{reverse('reports_export')}?{query}", fields)
    return response, scheduled


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_request_answers_at_once_with_a_page_then_the_file(
    client, data, totp_for, storage, django_capture_on_commit_callbacks
):
    admin = sign_in(client, global_admin(), totp_for)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reports_export"), {"format": "csv"})
    export = ReportExport.objects.get(requested_by=admin)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports_export_status", args=[export.pk])
    assert len(callbacks) == 1  # one build scheduled, not run in the request

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "The export is being prepared" in text
    assert "http-equiv" not in text  # no timed reload (WCAG 2.2.1)
    assert f'href="{response["Location"]}"' in text  # a link checks again without script
    assert f'data-export-status="{response["Location"]}"' in text  # the script asks by itself
    assert "js/reports/export-status.js" in text
    poll = client.get(response["Location"], {"poll": "1"})
    assert poll.json() == {"ready": False, "finished": False}
    assert "no-store" in poll["Cache-Control"]

    export_build(export.pk)
    assert client.get(response["Location"], {"poll": "1"}).json() == {
        "ready": True,
        "finished": True,
    }
    ready = client.get(response["Location"])
    assert ready.status_code == 302
    assert ready["Location"] == reverse("reports_export_download", args=[export.pk])
    assert "Participants trained" in body(client.get(ready["Location"])).decode("utf-8-sig")


def test_requests_for_one_view_share_one_build(client, data, totp_for, storage):
    first = sign_in(client, global_admin(), totp_for)
    other_client = Client()
    second = sign_in(other_client, global_admin(), totp_for)
    mine, builds = ask(client, format="csv")
    again, repeated = ask(client, format="csv")  # the same person asks again: one row
    theirs, shared = ask(other_client, format="csv")  # someone else, at the same time
    assert len(builds) == 1
    assert not repeated
    assert not shared
    assert mine["Location"] == again["Location"]
    build = ReportExport.objects.get(requested_by=first)
    joined = ReportExport.objects.get(requested_by=second)
    assert joined.shares == build
    assert build.shares is None

    assert export_build(builds[0]) == ReportExport.Status.READY
    assert export_build(builds[0]) == "skipped"  # a retried task builds nothing
    follow = other_client.get(theirs["Location"])
    assert follow["Location"] == reverse("reports_export_download", args=[joined.pk])
    assert body(other_client.get(follow["Location"])) == body(
        client.get(reverse("reports_export_download", args=[build.pk]))
    )
    assert ReportExport.objects.filter(shares__isnull=True).count() == 1


def test_the_file_of_the_current_snapshot_is_given_without_a_build(
    client, data, totp_for, storage, monkeypatch
):
    sign_in(client, global_admin(), totp_for)
    _response, builds = ask(client, format="xlsx")
    export_build(builds[0])  # the worker computes the snapshot and builds the file
    later = Client()
    sign_in(later, global_admin(), totp_for)
    computed = []
    monkeypatch.setattr(training_prepared, "tables_prepare", lambda *a, **k: computed.append(a))
    response, more = ask(later, format="xlsx")
    status = later.get(response["Location"])
    assert status.status_code == 302
    assert later.get(status["Location"]).status_code == 200
    assert not more  # no build,
    assert not computed  # and no computation in the request


def test_a_new_snapshot_means_a_new_file_and_the_old_one_is_removed(
    client, data, totp_for, storage
):
    sign_in(client, global_admin(), totp_for)
    _response, builds = ask(client, format="csv")
    export_build(builds[0])
    old = ReportExport.objects.get(pk=builds[0])
    training_prepared.tables_prepare(ReportFilters(), "en")  # the beat task's refresh
    _response, rebuilt = ask(client, format="csv")
    assert rebuilt
    assert rebuilt[0] != old.pk
    export_build(rebuilt[0])
    path = old.file.path
    assert export_requests.stale_exports_remove() == 1
    old.refresh_from_db()
    assert old.status == ReportExport.Status.EXPIRED
    assert not old.file
    assert not os.path.exists(path)
    gone = client.get(reverse("reports_export_download", args=[old.pk]), follow=True)
    assert gone.status_code == 404
    newest = ReportExport.objects.get(pk=rebuilt[0])
    assert newest.status == ReportExport.Status.READY
    assert newest.file
    assert export_requests.stale_exports_remove() == 0


def test_a_failed_build_lets_the_next_request_start_again(client, data, totp_for, storage):
    sign_in(client, global_admin(), totp_for)
    _response, builds = ask(client, format="csv")
    ReportExport.objects.filter(pk=builds[0]).update(status=ReportExport.Status.FAILED)
    _response, again = ask(client, format="csv")
    assert again
    assert again[0] != builds[0]


def test_a_build_that_never_finished_is_given_up_and_the_view_built_again(
    client, data, totp_for, storage
):
    """A worker killed mid-build (or a task lost) must not leave the view unexportable."""
    import datetime as dt

    from django.utils import timezone

    sign_in(client, global_admin(), totp_for)
    _response, builds = ask(client, format="csv")
    _response, waiting = ask(client, format="csv")
    assert not waiting  # a young build is shared, not started again
    long_ago = timezone.now() - export_requests.BUILD_GIVEN_UP_AFTER - dt.timedelta(minutes=1)
    ReportExport.objects.filter(pk=builds[0]).update(
        status=ReportExport.Status.RUNNING, created_at=long_ago
    )
    response, again = ask(client, format="csv")
    assert again
    assert again[0] != builds[0]
    assert ReportExport.objects.get(pk=builds[0]).status == ReportExport.Status.FAILED
    assert export_build(builds[0]) == "skipped"  # the lost task, if it comes, does nothing
    page = client.get(response["Location"]).content.decode()
    assert "being prepared" in page


def test_two_builds_of_one_view_cannot_wait_at_once(data):
    admin = global_admin()
    fields = {"requested_by": admin, "format": "csv", "view_key": "k" * 64}
    ReportExport.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportExport.objects.create(**fields)
    ReportExport.objects.create(**fields, status=ReportExport.Status.READY)  # done ones may


def test_a_request_that_loses_the_race_shares_the_build(data, monkeypatch):
    admin = global_admin()
    filters = ReportFilters()
    key = export_requests.export_view_key(
        subject="training", format="csv", for_sharing=False, language="en", filters=filters
    )
    winner = ReportExport.objects.create(requested_by=admin, format="csv", view_key=key)
    real = export_requests._current_build
    calls = []

    def late(*args):  # the other build was not there yet when this request looked
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(export_requests, "_current_build", late)
    export, build = export_requests.export_request(
        requested_by=global_admin(),
        filters=filters,
        format="csv",
        subject="training",
        for_sharing=False,
    )
    assert not build
    assert export.shares == winner


def test_tables_only_exports_are_built_for_each_request(client, data, totp_for, storage):
    sign_in(client, global_admin(), totp_for)
    response, builds = ask(client, format="csv", for_sharing="on")
    _again, more = ask(client, format="csv", for_sharing="on")
    assert len(builds) == 1
    assert len(more) == 1
    assert response["Location"].startswith(reverse("reports_dashboard"))


def test_only_people_who_may_see_the_view_reach_its_file(client, data, totp_for, storage):
    staff = sign_in(client, country_staff("vn"), totp_for)
    _response, builds = ask(client, format="csv")
    export_build(builds[0])
    export = ReportExport.objects.get(requested_by=staff)
    status = reverse("reports_export_status", args=[export.pk])
    download = reverse("reports_export_download", args=[export.pk])

    anonymous = Client()
    for url in (status, download):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]

    worker = Client()
    worker.force_login(UserFactory(roles=["worker"]))
    assert denied(worker.get(status))
    assert denied(worker.get(download))

    other_country = Client()
    jordan = sign_in(other_country, country_staff("jo"), totp_for)
    assert other_country.get(status, follow=True).status_code == 404
    assert other_country.get(download, follow=True).status_code == 404
    # Asking for Viet Nam's view is refused; asking for their own builds Jordan's file apart.
    refused, none = ask(other_country, query="country=vn", format="csv")
    assert denied(refused)
    assert not none
    _response, theirs = ask(other_country, format="csv")
    assert theirs
    mine = ReportExport.objects.get(requested_by=jordan)
    assert mine.shares is None
    assert mine.filters == {"country": "jo"}


def test_a_file_stays_out_of_reach_once_its_requester_no_longer_sees_that_scope(
    client, data, totp_for, storage
):
    """Someone moved to another country, or no longer programme-wide, keeps no file of the
    scope they had."""
    from lms.accounts.services import user_roles_set
    from tests.courses.factories import country

    staff = sign_in(client, country_staff("vn"), totp_for)
    _response, builds = ask(client, format="csv")
    export_build(builds[0])
    mine = ReportExport.objects.get(requested_by=staff)
    download = reverse("reports_export_download", args=[mine.pk])
    assert client.get(download).status_code == 200
    staff.country = country("jo")
    staff.save()
    assert denied(client.get(download))
    assert denied(client.get(reverse("reports_export_status", args=[mine.pk])))

    other = Client()
    admin = sign_in(other, global_admin(), totp_for)
    _response, builds = ask(other, format="csv")
    export_build(builds[0])
    theirs = ReportExport.objects.get(requested_by=admin)
    download = reverse("reports_export_download", args=[theirs.pk])
    assert other.get(download).status_code == 200
    admin.country = country("vn")
    admin.is_superuser = False
    admin.save()
    user_roles_set(user=admin, roles=["country_staff"])
    assert denied(other.get(download))
