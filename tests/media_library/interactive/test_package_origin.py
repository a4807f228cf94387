"""Package files and players are served sandboxed and without cookies; a separate package
origin serves nothing else; pages embed players in sandboxed frames with a title."""

import re

import pytest
from django.test import override_settings

from media_library.interactive.middleware import PackageOriginMiddleware
from tests.accounts.factories import UserFactory
from tests.media_library.interactive.factories import h5p_content, interactive_page, scorm_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    return h5p_content()


def test_package_files_are_served_with_a_sandbox_policy_and_no_cookies(client, content):
    client.force_login(UserFactory())
    response = client.get(f"/interactive/files/h5p/content/{content.uuid}/content/content.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "frame-ancestors" in response["Content-Security-Policy"]
    assert "Set-Cookie" not in response
    assert "X-Frame-Options" not in response


def test_the_player_document_is_sandboxed_without_same_origin(client, content):
    response = client.get(f"/interactive/player/h5p/{content.uuid}/?lang=vi")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "sandbox allow-scripts" in policy
    assert "allow-same-origin" not in policy
    html = response.content.decode()
    assert '<html lang="vi" dir="ltr">' in html
    assert "h5p-standalone/main.bundle.js" in html


def test_the_player_speaks_right_to_left_for_arabic(client, content):
    html = client.get(f"/interactive/player/h5p/{content.uuid}/?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_only_package_paths_are_served(client):
    assert client.get("/interactive/files/../../settings.py").status_code in (400, 404, 302)
    assert client.get("/interactive/files/uploads/2026/01/secret.h5p").status_code in (404, 302)


def test_a_scorm_launch_document_gets_the_runtime_bridge(client):
    package = scorm_package()
    sco = package.scos.first()
    response = client.get(f"/interactive/files/scorm/{package.uuid}/{sco.launch}")
    html = response.content.decode()
    head = html.index("<head>")
    assert html.index("cross-frame-api.min.js") > head
    assert html.index("scorm-frame.js") < html.index("<title>")
    manifest = client.get(f"/interactive/files/scorm/{package.uuid}/imsmanifest.xml")
    assert b"cross-frame-api" not in manifest.getvalue()


@override_settings(
    INTERACTIVE_PACKAGE_ORIGIN="http://packages.testserver",
    ALLOWED_HOSTS=["testserver", "packages.testserver"],
)
def test_the_separate_package_origin_serves_only_packages_and_drops_cookies(rf, content):
    seen = {}

    def view(request):
        seen["cookies"] = dict(request.COOKIES)
        from django.http import HttpResponse

        response = HttpResponse("ok")
        response.set_cookie("sessionid", "leak")
        return response

    middleware = PackageOriginMiddleware(view)
    site_page = rf.get("/en/", HTTP_HOST="packages.testserver")
    assert middleware(site_page).status_code == 404
    package_request = rf.get(
        f"/interactive/files/h5p/content/{content.uuid}/h5p.json",
        HTTP_HOST="packages.testserver",
        HTTP_COOKIE="sessionid=abc; csrftoken=def",
    )
    response = middleware(package_request)
    assert seen["cookies"] == {}
    assert "sessionid" not in response.cookies


def test_a_lesson_embeds_each_player_in_a_titled_sandboxed_frame(client, home_page, content):
    page = interactive_page(parent=home_page, h5p=[content])
    html = client.get(page.url).content.decode()
    match = re.search(r'data-interactive-player="h5p"[^>]*', html, re.S)
    assert match
    attributes = match.group(0)
    assert 'data-sandbox="allow-scripts allow-forms allow-popups allow-downloads"' in attributes
    assert 'data-origin="null"' in attributes
    assert f'data-title="{content.title}"'.replace("'", "&#x27;") in attributes
    assert "data-statements-url" not in attributes  # an anonymous visitor records nothing
    assert "Sign in to keep your answers" in html


@override_settings(INTERACTIVE_PACKAGE_ORIGIN="http://localhost:8106")
def test_with_a_separate_origin_the_frame_comes_from_it(client, home_page, content):
    page = interactive_page(parent=home_page, h5p=[content])
    html = client.get(page.url).content.decode()
    assert (
        f'data-src="http://localhost:8106/interactive/player/h5p/{content.uuid}/?lang=en"' in html
    )
    assert 'data-origin="http://localhost:8106"' in html
    assert "allow-same-origin" in html


def test_a_page_in_vietnamese_plays_the_vietnamese_version(client, home_page, content):
    from wagtail.models import Locale

    vietnamese = h5p_content(title="Câu đố", language="vi")
    vietnamese.variant_of = content
    vietnamese.save()
    page = interactive_page(parent=home_page, h5p=[content])
    Locale.objects.get_or_create(language_code="vi")
    translation = page.copy_for_translation(
        Locale.objects.get(language_code="vi"), copy_parents=True
    )
    translation.save_revision().publish()
    html = client.get(translation.url).content.decode()
    assert f"/interactive/player/h5p/{vietnamese.uuid}/?lang=vi" in html


def test_a_learners_lesson_page_takes_as_few_queries_with_one_exercise_as_with_three(
    client, home_page, enrolments, django_assert_max_num_queries
):
    """A repeat request, rendered afresh (sites, locales and routes are kept by the
    process): the saved H5P states of every exercise are read in one query (18 + one per
    exercise before, issue 14)."""
    learner = UserFactory()
    client.force_login(learner)
    counts = []
    for exercises in (1, 3):
        contents = [h5p_content(title=f"Quiz {n}") for n in range(exercises)]
        page = interactive_page(
            parent=home_page,
            h5p=contents,
            scorm=[scorm_package()],
            title=f"Quizzes {exercises}",
        )
        enrolments.add(learner, page)
        client.get(page.url)
        with django_assert_max_num_queries(10) as captured:
            response = client.get(page.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('data-interactive-player="h5p"') == exercises
        assert html.count("data-statements-url=") == exercises  # the learner records
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_unpacked_packages_are_not_under_the_media_root(settings, content):
    from pathlib import Path

    from media_library.interactive.package_files import storage

    location = Path(storage().path(f"{content.storage_prefix}/h5p.json"))
    assert location.exists()
    assert Path(settings.MEDIA_ROOT) not in location.parents
