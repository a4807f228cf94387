"""Factories for programmes, requirements, candidacies and the pages standing in for
courses (the courses room has its own models; here any Wagtail page will do)."""

import itertools
from decimal import Decimal

import factory
from wagtail.models import Locale, Page

from certification.models import Candidacy, CPDActivity, Programme, Requirement
from tests.accounts.factories import UserFactory

_page_numbers = itertools.count(1)
RUBRIC = "Clear objectives\nParticipatory methods\nTime management"


def course_page(title="Supervisory Skills Training") -> Page:
    """A page under the root, standing in for a course page."""
    root = Page.get_first_root_node()
    page = Page(title=title, slug=f"course-{next(_page_numbers)}")
    root.add_child(instance=page)
    return page


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    locale = factory.LazyFunction(Locale.get_default)
    title = factory.Sequence(lambda n: f"Certified Better Work Trainer {n}")
    slug = factory.Sequence(lambda n: f"trainer-{n}")
    audience = Programme.Audience.TRAINER
    summary = "For trainers who deliver Better Work courses in factories."
    criteria = "Delivered observed sessions and completed the trainer course."
    serial_prefix = "BWT"
    validity_months = 24
    renewal_cpd_hours = Decimal("20")

    @factory.post_generation
    def assessors(self, create, extracted, **kwargs):
        if create and extracted:
            self.assessors.set(extracted)


def requirement(programme, kind, **fields) -> Requirement:
    defaults = {"title": f"{kind} requirement"}
    if kind == Requirement.Kind.COURSE and "course" not in fields:
        fields["course"] = course_page()
    if kind == Requirement.Kind.ASSESSMENT:
        defaults["minimum_score"] = 70
    if kind == Requirement.Kind.OBSERVED_PRACTICE:
        defaults |= {"rubric": RUBRIC, "required_count": 2}
    if kind == Requirement.Kind.CPD_HOURS:
        defaults["hours"] = Decimal("10")
    item = Requirement(programme=programme, kind=kind, locale=programme.locale, **defaults | fields)
    item.full_clean(exclude=["programme"])
    item.save()
    return item


def trainer(**kwargs):
    return UserFactory(roles=["trainer"], **kwargs)


def assessor(programme, **kwargs):
    person = UserFactory(roles=["assessor"], **kwargs)
    programme.assessors.add(person)
    return person


class CandidacyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidacy

    candidate = factory.LazyFunction(trainer)
    programme = factory.SubFactory(ProgrammeFactory)


class CPDActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CPDActivity

    person = factory.LazyFunction(trainer)
    kind = CPDActivity.Kind.COURSE_ATTENDED
    title = "Workshop on social dialogue"
    date = factory.Faker("date_between", start_date="-300d", end_date="today")
    hours = Decimal("6")
