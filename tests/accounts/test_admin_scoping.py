"""Issue 12 hole 6 and issue 21.2: every country-scoped admin section lists, offers, accepts
and shows (edit, inspect, history, usage) only the viewer's country, with two countries;
taxonomy terms are offered once each, in the editor's language."""

import datetime as dt

import pytest
from django.utils import translation
from wagtail.admin.viewsets import viewsets as admin_viewsets

from community.models import Membership, ModerationAction
from lms.accounts.wagtail_hooks import CountryScopedViewSet
from lms.reports.models import CountryEconomicFigure
from lms.taxonomy.models import Country
from tests.accounts.factories import OrganisationFactory, UserFactory, country_staff
from tests.community.factories import CommunityFactory
from tests.courses import factories as course_factories
from tests.media_library.factories import VideoFactory
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def denied(response) -> bool:
    return response.status_code in (403, 404) or (
        response.status_code == 302
        and (response["Location"] == "/admin/" or "/accounts/login/" in response["Location"])
    )


def scoped_viewsets():
    from django.urls import reverse

    reverse("wagtailadmin_home")  # loads the admin's URLs, which registers the viewsets
    return {
        viewset.name: viewset
        for viewset in admin_viewsets.viewsets
        if isinstance(viewset, CountryScopedViewSet)
    }


@pytest.fixture
def vn_staff(totp_for):
    return totp_for(country_staff("vn", display_name="Minh"))


@pytest.fixture
def two_countries(home_page):
    """One row of every country-scoped section in Vietnam and one in Jordan."""
    rows = {}
    for code in ("vn", "jo"):
        label = f"Zeta {code.upper()}"
        organisation = OrganisationFactory(country=country(code), name=f"{label} organisation")
        person = UserFactory(country=country(code), display_name=f"{label} person")
        community = CommunityFactory(country=country(code), name=f"{label} community")
        membership = Membership.objects.create(community=community, user=person)
        moderation = ModerationAction.objects.create(
            community=community, moderator=person, action="warn", reason=f"{label} reason"
        )
        video = VideoFactory(country=country(code), title=f"{label} video")
        figure = CountryEconomicFigure.objects.create(
            country=country(code),
            year=2024,
            kind="exports",
            value=1000,
            unit="USD million",
            source=f"{label} statistics office yearbook",
        )
        rows[code] = {
            "organisations": (organisation, f"{label} organisation"),
            "people": (person, f"{label} person"),
            "communities": (community, f"{label} community"),
            "community_memberships": (membership, f"{label} person"),
            "community_moderation_log": (moderation, f"{label} reason"),
            "media_videos": (video, f"{label} video"),
            "economic_figures": (figure, f"{label} statistics office yearbook"),
        }
    course = course_factories.seminar(course_factories.section(home_page))
    for code in ("vn", "jo"):
        label = f"Zeta {code.upper()}"
        cohort = course_factories.cohort(
            course, trainers=[rows[code]["people"][0]], code=code, start_date=dt.date(2026, 1, 5)
        )
        cohort.name = f"{label} cohort"
        cohort.save()
        rows[code]["cohorts"] = (cohort, f"{label} cohort")
    return rows


SECTIONS = [
    "organisations",
    "people",
    "communities",
    "community_memberships",
    "community_moderation_log",
    "media_videos",
    "cohorts",
    "economic_figures",
]


def test_every_country_scoped_section_is_covered():
    assert set(SECTIONS) <= set(scoped_viewsets())


@pytest.mark.parametrize("section", SECTIONS)
def test_a_section_shows_only_the_viewers_country(client, vn_staff, two_countries, section):
    viewset = scoped_viewsets()[section]
    client.force_login(vn_staff)
    index = client.get(f"/admin/{viewset.url_prefix}/")
    assert index.status_code == 200
    page = index.content.decode()
    assert two_countries["vn"][section][1] in page
    assert "Zeta JO" not in page
    assert "Jordan" not in page  # neither in rows nor in the filters' choices
    jordan_row = two_countries["jo"][section][0]
    vietnam_row = two_countries["vn"][section][0]
    for view in ("edit", "inspect", "history", "usage", "delete"):
        url = f"/admin/{viewset.url_prefix}/{view}/{jordan_row.pk}/"
        response = client.get(url, follow=True)
        assert response.status_code in (403, 404) or response.request["PATH_INFO"] in (
            "/admin/",
            "/en/admin/",
        ), (view, response.status_code)
        assert "Zeta JO" not in response.content.decode()
    for view in ("history", "usage"):
        response = client.get(f"/admin/{viewset.url_prefix}/{view}/{vietnam_row.pk}/")
        assert response.status_code in (200, 302, 404), (view, response.status_code)
        assert "Zeta JO" not in response.content.decode()


@pytest.mark.parametrize("section", SECTIONS)
def test_a_sections_form_offers_and_accepts_only_the_viewers_country(
    vn_staff, two_countries, section
):
    viewset = scoped_viewsets()[section]
    form_class = viewset.get_form_class()
    form = form_class(for_user=vn_staff)
    jordan_ids = {
        "country": {country("jo").pk},
        "organisation": {two_countries["jo"]["organisations"][0].pk},
        "community": {two_countries["jo"]["communities"][0].pk},
        "user": {two_countries["jo"]["people"][0].pk},
        "trainers": {two_countries["jo"]["people"][0].pk},
        "moderator": {two_countries["jo"]["people"][0].pk},
        "target_user": {two_countries["jo"]["people"][0].pk},
    }
    checked = 0
    for name, field in form.fields.items():
        if name in jordan_ids and hasattr(field, "queryset"):
            offered = set(field.queryset.values_list("pk", flat=True))
            assert not offered & jordan_ids[name], name
            assert not field.valid_value(next(iter(jordan_ids[name]))), name
            checked += 1
    if section != "community_moderation_log":  # read-only: its form holds the reason only
        assert checked, f"{section}'s form has no field that places a row in a country"


def test_vietnam_staff_cannot_create_a_jordan_organisation_or_move_theirs(client, vn_staff):
    own = OrganisationFactory(country=country("vn"), name="Own factory")
    client.force_login(vn_staff)
    fields = {"kind": "factory", "training_days_allocation": "0", "country": country("jo").pk}
    client.post("/admin/organisations/new/", {**fields, "name": "Jordan plant"})
    client.post(f"/admin/organisations/edit/{own.pk}/", {**fields, "name": "Own factory"})
    own.refresh_from_db()
    assert own.country == country("vn")
    assert not country("jo").organisations.filter(name="Jordan plant").exists()


def test_vietnam_staff_cannot_make_themselves_moderator_of_a_jordan_community(
    client, vn_staff, two_countries
):
    jordan = two_countries["jo"]["communities"][0]
    client.force_login(vn_staff)
    client.post(
        "/admin/community_memberships/new/",
        {"community": jordan.pk, "user": vn_staff.pk, "role": "moderator", "status": "active"},
    )
    assert not Membership.objects.filter(community=jordan, user=vn_staff).exists()


def test_terms_are_offered_once_each_in_the_editors_language(vn_staff, totp_for):
    from tests.accounts.factories import global_admin

    viewset = scoped_viewsets()["organisations"]
    form = viewset.get_form_class()(for_user=totp_for(global_admin()))
    egypt = country("eg")
    rows_of_egypt = Country.objects.filter(translation_key=egypt.translation_key).count()
    assert rows_of_egypt > 1  # the taxonomy is loaded in several languages
    with translation.override("vi"):
        labels = [label for _value, label in form.fields["country"].choices]
    assert labels.count("Ai Cập") == 1
    assert "Egypt" not in labels
    assert "مصر" not in labels
    values = [str(value) for value, _label in form.fields["country"].choices if value]
    assert str(egypt.pk) in values
    translated = Country.objects.exclude(pk=egypt.pk).filter(translation_key=egypt.translation_key)
    assert not set(values) & {str(pk) for pk in translated.values_list("pk", flat=True)}


def test_the_people_filters_list_each_term_once_in_the_editors_language(client, totp_for):
    from tests.accounts.factories import global_admin

    admin = totp_for(global_admin(preferred_language="vi"))
    client.force_login(admin)
    page = client.get("/admin/people/").content.decode()
    assert page.count("Ai Cập") == 1
    assert "مصر" not in page


def test_vietnam_staff_cannot_translate_jordans_country_page(client, vn_staff, home_page):
    from wagtail.models import Locale

    from lms.portal.models import CountryPage
    from lms.portal.services import country_page_create

    pages = {
        code: country_page_create(parent=home_page, country=country(code), title=f"Page {code}")
        for code in ("vn", "jo")
    }
    vietnamese = Locale.objects.get(language_code="vi")
    client.force_login(vn_staff)
    url = f"/admin/localize/submit/page/{pages['jo'].pk}/"
    assert denied(client.get(url))
    assert denied(client.post(url, {"locales": [vietnamese.pk]}))
    assert not CountryPage.objects.filter(
        translation_key=pages["jo"].translation_key, locale=vietnamese
    ).exists()
    assert client.get(f"/admin/localize/submit/page/{pages['vn'].pk}/").status_code == 200
