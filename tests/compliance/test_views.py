"""The compliance pages and the answer API: who sees what (anonymous, wrong role, another
factory, another country), the form with and without JavaScript, the workflow buttons, the
report page and PDF, and queries that stay constant as data grows."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse

from compliance import services
from compliance.models import Assessment, CommitteeMember, Finding, FindingWrite
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.compliance.factories import (
    CommitteeMemberFactory,
    FactoryFactory,
    answer_all,
    assessment,
    factory_in,
    instrument_with_questions,
    published_assessment,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(totp_for):
    """A Vietnamese factory with its people, and people who must not see it."""
    factory = factory_in("vn")
    other_factory = factory_in("vn")
    advisor = totp_for(UserFactory(roles=["enterprise_advisor"]))
    factory.advisors.add(advisor)
    manager = UserFactory(roles=["manager"], organisation=factory.organisation)
    committee = UserFactory(roles=["worker"])
    CommitteeMemberFactory(factory=factory, user=committee, name="Committee worker")
    return {
        "factory": factory,
        "other_factory": other_factory,
        "advisor": advisor,
        "manager": manager,
        "committee": committee,
        "vn_staff": totp_for(UserFactory(roles=["country_staff"], country=country("vn"))),
        "jo_staff": totp_for(UserFactory(roles=["country_staff"], country=country("jo"))),
        "global": totp_for(UserFactory(roles=["global_admin"])),
        "other_advisor": totp_for(UserFactory(roles=["enterprise_advisor"])),
        "other_manager": UserFactory(roles=["manager"], organisation=other_factory.organisation),
        "trainer": UserFactory(roles=["trainer"]),
    }


def _status(client, user, url, method="get", **kwargs):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, **kwargs).status_code


# --- who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 302),
        ("trainer", 403),
        ("other_manager", 403),
        ("other_advisor", 403),
        ("jo_staff", 403),
        ("manager", 200),
        ("committee", 200),
        ("advisor", 200),
        ("vn_staff", 200),
        ("global", 200),
    ],
)
def test_the_factory_page_is_seen_by_its_people_only(client, people, who, expected):
    url = reverse("compliance:factory", args=[people["factory"].pk])
    assert _status(client, people.get(who), url) == expected


def test_staff_without_a_second_factor_are_sent_to_set_it_up(client, people):
    staff = UserFactory(roles=["country_staff"], country=country("vn"))
    client.force_login(staff)
    response = client.get(reverse("compliance:factory", args=[people["factory"].pk]))
    assert response.status_code == 302
    assert "totp" in response.url


def test_the_factory_list_shows_each_person_what_they_may_see(client, people):
    jordan = factory_in("jo")
    client.force_login(people["vn_staff"])
    page = client.get(reverse("compliance:factories")).content.decode()
    assert str(people["factory"]) in page
    assert str(people["other_factory"]) in page
    assert str(jordan) not in page

    client.force_login(people["advisor"])
    page = client.get(reverse("compliance:factories")).content.decode()
    assert str(people["factory"]) in page
    assert str(people["other_factory"]) not in page

    client.force_login(people["manager"])
    response = client.get(reverse("compliance:factories"))
    assert response.url == reverse("compliance:factory", args=[people["factory"].pk])

    assert _status(client, people["trainer"], reverse("compliance:factories")) == 403


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 302), ("advisor", 403), ("manager", 403), ("jo_staff", 403), ("vn_staff", 200)],
)
def test_the_country_overview_is_for_that_countrys_staff(client, people, who, expected):
    url = reverse("compliance:country", args=["vn"])
    assert _status(client, people.get(who), url) == expected
    assert _status(client, people["global"], url) == 200


def test_a_draft_is_hidden_from_the_factory_until_published(client, people):
    draft = assessment(people["factory"], assessors=[people["advisor"]])
    url = reverse("compliance:assessment", args=[draft.pk])
    for who in ("manager", "committee", "other_advisor", "jo_staff", "trainer"):
        assert _status(client, people[who], url) == 403, who
    for who in ("advisor", "vn_staff", "global"):
        assert _status(client, people[who], url) == 200, who
    report = reverse("compliance:report", args=[draft.pk])
    assert _status(client, people["manager"], report) == 403

    published = published_assessment(people["factory"], non_compliant_codes={"Q.1"})
    for who in ("manager", "committee"):
        assert (
            _status(client, people[who], reverse("compliance:report", args=[published.pk])) == 200
        )
    assert (
        _status(client, people["other_manager"], reverse("compliance:report", args=[published.pk]))
        == 403
    )


# --- the answer API ----------------------------------------------------------------------------


def _post_answer(client, item, question, answer="no", *, base=0, client_id=None, **extra):
    body = {
        "question": question.pk,
        "answer": answer,
        "notes": extra.pop("notes", ""),
        "client_id": str(client_id or uuid.uuid4()),
        "base_version": base,
        **extra,
    }
    return client.post(
        reverse("compliance:answer_api", args=[item.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )


def test_the_api_stores_an_answer_and_a_retry_once(client, people):
    item = assessment(people["factory"], assessors=[people["advisor"]])
    question = item.instrument.questions.first()
    client.force_login(people["advisor"])
    write = uuid.uuid4()
    first = _post_answer(client, item, question, "no", client_id=write, notes="Fire exit locked.")
    assert first.status_code == 201
    assert first.json()["version"] == 1
    assert first.json()["non_compliant"] is True
    again = _post_answer(client, item, question, "no", client_id=write, notes="Fire exit locked.")
    assert again.status_code == 200
    assert again.json()["replayed"] is True
    assert Finding.objects.filter(assessment=item).count() == 1
    assert FindingWrite.objects.count() == 1


def test_the_api_refuses_a_stale_write_and_returns_the_other_answer(client, people):
    second = UserFactory(roles=["enterprise_advisor"])
    item = assessment(people["factory"], assessors=[people["advisor"], second])
    question = item.instrument.questions.first()
    client.force_login(people["advisor"])
    assert _post_answer(client, item, question, "no", notes="Seen locked").status_code == 201
    client.force_login(second)
    response = _post_answer(client, item, question, "yes", base=0)
    assert response.status_code == 409
    assert response.json()["finding"]["answer"] == "no"
    assert response.json()["finding"]["notes"] == "Seen locked"
    assert Finding.objects.get(assessment=item, question=question).answer == "no"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not valid JSON"),
        ('{"question": 1}', "not valid"),
        ('["a list"]', "not valid JSON"),
        ('{"question": NaN}', "not valid JSON"),
        ("[" * 5000 + "]" * 5000, "not valid JSON"),
        ('{"a":' * 70 + "1" + "}" * 70, "not valid JSON"),
    ],
)
def test_the_api_answers_400_with_a_reason_for_bad_input(client, people, body, reason):
    item = assessment(people["factory"], assessors=[people["advisor"]])
    client.force_login(people["advisor"])
    response = client.post(
        reverse("compliance:answer_api", args=[item.pk]), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert reason in response.json()["error"]


def test_the_api_refuses_a_question_of_another_version_and_an_unknown_answer(client, people):
    item = assessment(people["factory"], assessors=[people["advisor"]])
    client.force_login(people["advisor"])
    foreign = instrument_with_questions(1).questions.first()
    assert _post_answer(client, item, foreign).status_code == 400
    response = _post_answer(client, item, item.instrument.questions.first(), "maybe")
    assert response.status_code == 400


@pytest.mark.parametrize("who", [None, "manager", "vn_staff", "other_advisor", "jo_staff"])
def test_only_the_assessors_may_answer(client, people, who):
    item = assessment(people["factory"], assessors=[people["advisor"]])
    client.logout()
    if who:
        client.force_login(people[who])
    response = _post_answer(client, item, item.instrument.questions.first())
    assert response.status_code in {401, 403}
    assert not Finding.objects.exists()


def test_the_api_is_protected_by_csrf(people):
    from django.test import Client

    item = assessment(people["factory"], assessors=[people["advisor"]])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["advisor"])
    assert _post_answer(strict, item, item.instrument.questions.first()).status_code == 403


def test_after_submission_answers_are_refused(client, people):
    item = assessment(people["factory"], assessors=[people["advisor"]])
    answer_all(item)
    services.assessment_submit(assessment=item, user=people["advisor"])
    client.force_login(people["advisor"])
    finding = Finding.objects.filter(assessment=item).first()
    response = _post_answer(client, item, finding.question, "no", base=finding.version)
    assert response.status_code == 409
    assert "no longer a draft" in response.json()["error"]


# --- the form without JavaScript --------------------------------------------------------------


def test_the_form_without_javascript_saves_every_answer_and_redisplays_a_conflict(client, people):
    second = UserFactory(roles=["enterprise_advisor"])
    item = assessment(people["factory"], assessors=[people["advisor"], second])
    q1, q2 = item.instrument.questions.order_by("sort_order", "id")[:2]
    url = reverse("compliance:assessment", args=[item.pk])
    client.force_login(people["advisor"])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="answer-{q1.pk}"' in page.content.decode()

    # Meanwhile the other assessor answers q2 on their phone.
    services.finding_answer(
        assessment=item,
        question=q2,
        answer="no",
        client_id=uuid.uuid4(),
        base_version=0,
        user=second,
    )
    response = client.post(
        url,
        {
            f"answer-{q1.pk}": "yes",
            f"notes-{q1.pk}": "Checked ID copies.",
            f"version-{q1.pk}": "0",
            f"client-{q1.pk}": str(uuid.uuid4()),
            f"answer-{q2.pk}": "yes",
            f"notes-{q2.pk}": "My note on q2",
            f"version-{q2.pk}": "0",
            f"client-{q2.pk}": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else answered this question meanwhile" in page
    assert "My note on q2" in page  # what was typed is not lost
    stored = dict(Finding.objects.filter(assessment=item).values_list("question_id", "answer"))
    assert stored == {q1.pk: "yes", q2.pk: "no"}


def test_the_workflow_buttons_take_an_assessment_to_published(client, people):
    item = assessment(people["factory"], assessors=[people["advisor"]])
    answer_all(item, non_compliant_codes={"Q.1"})
    client.force_login(people["manager"])
    step = lambda name: reverse("compliance:assessment_step", args=[item.pk, name])  # noqa: E731
    assert client.post(step("submit")).status_code == 403
    client.force_login(people["advisor"])
    client.post(step("submit"))
    assert _status(client, people["jo_staff"], step("review"), "post") == 403
    assert _status(client, people["advisor"], step("publish"), "post") == 403
    client.force_login(people["vn_staff"])
    client.post(step("review"))
    client.post(step("publish"))
    item.refresh_from_db()
    assert item.state == Assessment.State.PUBLISHED


# --- the report ---------------------------------------------------------------------------------


def test_the_report_compares_with_the_previous_cycle(client, people):
    instrument = instrument_with_questions(6)
    published_assessment(
        people["factory"],
        instrument=instrument,
        non_compliant_codes={"Q.1", "Q.2"},
        starts_on=datetime.date(2025, 3, 1),
    )
    latest = published_assessment(
        people["factory"],
        instrument=instrument,
        non_compliant_codes={"Q.2", "Q.3"},
        starts_on=datetime.date(2026, 3, 1),
    )
    client.force_login(people["manager"])
    page = client.get(reverse("compliance:report", args=[latest.pk])).content.decode()
    assert "Non-compliance found on 2 of 3 compliance points assessed." in page
    assert "Resolved" in page  # child-labourers (Q.1) fixed
    assert "Still non-compliant" in page  # coercion (Q.2)
    assert "New non-compliance" in page  # regular-hours (Q.3)


@pytest.mark.parametrize("language", ["en", "ar", "vi"])
def test_the_report_pdf_is_made_in_the_factorys_language_or_the_one_asked(client, people, language):
    item = published_assessment(people["factory"], non_compliant_codes={"Q.1"})
    client.force_login(people["manager"])
    response = client.get(reverse("compliance:report_pdf", args=[item.pk]), {"language": language})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"-{language}.pdf" in response["Content-Disposition"]


def test_the_report_pdf_defaults_to_the_factorys_language(client, people):
    jordan = factory_in("jo")
    manager = UserFactory(roles=["manager"], organisation=jordan.organisation)
    instrument = instrument_with_questions(3, country=country("jo"))
    item = published_assessment(jordan, instrument=instrument)
    client.force_login(manager)
    response = client.get(reverse("compliance:report_pdf", args=[item.pk]))
    assert "-ar.pdf" in response["Content-Disposition"]


# --- queries constant as data grows -------------------------------------------------------------


# Issue 14: every page at most ten queries, the same at two data sizes. The reports room's
# comparison panel reads its country's figures once per data generation (decision 0604):
# the first page read after a change costs three more.
FACTORY_PAGE_QUERIES = 10


def test_the_assessment_form_queries_do_not_grow_with_questions(
    client, people, django_assert_max_num_queries
):
    points = ("child-labourers", "coercion", "regular-hours", "minimum-wages", "chemicals")
    client.force_login(people["advisor"])
    counts = []
    for questions in (25, 250):
        instrument = instrument_with_questions(questions, points=points)
        item = assessment(people["factory"], instrument=instrument, assessors=[people["advisor"]])
        for question in instrument.questions.all()[: questions // 2]:
            services.finding_answer(
                assessment=item,
                question=question,
                answer="no",
                client_id=uuid.uuid4(),
                base_version=0,
                user=people["advisor"],
            )
        url = reverse("compliance:assessment", args=[item.pk])
        client.get(url, HTTP_ACCEPT_LANGUAGE="vi")  # warm what each process keeps
        with django_assert_max_num_queries(10) as captured:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200
        assert response.content.decode().count('class="cmp-question') == questions
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_factory_page_queries_do_not_grow_with_cycles(
    client, people, django_assert_max_num_queries
):
    instrument = instrument_with_questions(6)
    client.force_login(people["vn_staff"])
    url = reverse("compliance:factory", args=[people["factory"].pk])
    client.get(url)  # warm what each process keeps
    counts = []
    for first_year, cycles in ((2020, 1), (2021, 4)):
        for year in range(first_year, first_year + cycles):
            published_assessment(
                people["factory"], instrument=instrument, starts_on=datetime.date(year, 3, 1)
            )
        CommitteeMemberFactory.create_batch(
            cycles, factory=people["factory"], side=CommitteeMember.Side.MANAGEMENT
        )
        with django_assert_max_num_queries(FACTORY_PAGE_QUERIES + 3):
            client.get(url)  # the first read after the change computes the country's figures
        with django_assert_max_num_queries(FACTORY_PAGE_QUERIES) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_country_overview_and_list_queries_do_not_grow_with_factories(
    client, people, django_assert_max_num_queries
):
    instrument = instrument_with_questions(6)
    client.force_login(people["vn_staff"])
    urls = (reverse("compliance:country", args=["vn"]), reverse("compliance:factories"))
    for url in urls:  # warm what each process keeps
        client.get(url)
    counts = {url: [] for url in urls}
    for factories in (2, 10):
        for n in range(factories):
            published_assessment(
                FactoryFactory(organisation=OrganisationFactory(country=country("vn"))),
                instrument=instrument,
                non_compliant_codes={"Q.1"} if n % 2 else set(),
            )
        for url in urls:
            with django_assert_max_num_queries(10) as captured:
                assert client.get(url).status_code == 200
            counts[url].append(len(captured))
    assert all(small == large for small, large in counts.values()), counts


def test_the_country_overview_gives_the_share_of_factories_non_compliant(client, people):
    instrument = instrument_with_questions(6)
    for n in range(4):
        published_assessment(
            factory_in("vn"), instrument=instrument, non_compliant_codes={"Q.1"} if n < 1 else set()
        )
    client.force_login(people["vn_staff"])
    page = client.get(reverse("compliance:country", args=["vn"])).content.decode()
    assert "25% (1)" in page


def test_the_country_overview_counts_each_factorys_non_compliant_points_in_its_latest_cycle():
    from compliance import selectors

    instrument = instrument_with_questions(6)
    improving, compliant, unassessed = factory_in("vn"), factory_in("vn"), factory_in("vn")
    published_assessment(
        improving,
        instrument=instrument,
        non_compliant_codes={"Q.1", "Q.2"},
        starts_on=datetime.date(2024, 3, 1),
    )
    published_assessment(
        improving,
        instrument=instrument,
        non_compliant_codes={"Q.1"},
        starts_on=datetime.date(2025, 3, 1),
    )
    published_assessment(compliant, instrument=instrument, starts_on=datetime.date(2025, 3, 1))
    shown = {
        factory.pk: factory.non_compliant_points
        for factory in selectors.country_overview(country=country("vn"))["factories"]
    }
    assert shown[improving.pk] == 1  # the latest cycle only, not the earlier two
    assert shown[compliant.pk] == 0
    assert shown[unassessed.pk] == 0


def test_the_factory_page_shows_its_profile_buyers_and_programme(client, people):
    import datetime as dt

    from compliance.models import BuyerLink, ProgrammeEnrolment

    factory = people["factory"]
    BuyerLink.objects.create(factory=factory, buyer_name="Demo Sports Brand")
    ProgrammeEnrolment.objects.create(
        factory=factory, cycle=2, starts_on=dt.date(2026, 1, 1), services=["assessment", "advisory"]
    )
    client.force_login(people["manager"])
    page = client.get(reverse("compliance:factory", args=[factory.pk])).content.decode()
    assert "Demo Sports Brand" in page
    assert "Cycle 2" in page
    assert "Advisory services" in page
    assert "Committee worker" in page


def test_evidence_is_private_and_handed_only_to_those_allowed(client, people, settings):
    """Evidence sits in private storage under an unguessable name (never under public media)
    and its view checks permission and, for outsiders, the second factor."""
    import io
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from tests.compliance.factories import assessment as make_assessment

    item = make_assessment(people["factory"], assessors=[people["advisor"]])
    question = item.instrument.questions.order_by("sort_order", "id").first()
    finding = services.finding_answer(
        assessment=item,
        question=question,
        answer="no",
        client_id=uuid.uuid4(),
        base_version=0,
        user=people["advisor"],
    ).finding
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    upload = SimpleUploadedFile("exit.png", buffer.getvalue(), content_type="image/png")
    evidence = services.evidence_add(file=upload, finding=finding, user=people["advisor"])
    assert not (Path(settings.MEDIA_ROOT) / evidence.file.name).exists()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / evidence.file.name).exists()
    assert "exit.png" in evidence.file.name
    assert evidence.file.name != "compliance/evidence/exit.png"

    url = reverse("compliance:evidence", args=[evidence.pk])
    assert _status(client, None, url) == 302  # to sign in
    assert _status(client, people["other_manager"], url) == 403
    assert _status(client, people["jo_staff"], url) == 403
    assert _status(client, people["advisor"], url) == 200
    assert _status(client, people["manager"], url) == 403  # a draft is not published to them
    # An advisor whose session has no second factor is sent to confirm it first.
    client.logout()
    second = UserFactory(roles=["enterprise_advisor"])
    people["factory"].advisors.add(second)
    client.force_login(second)  # no authenticator: no second factor in this session
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]
