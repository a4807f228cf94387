"""Data for the survey and study tests: a survey with its Arabic translation, rounds,
factories in strata, and monthly figures with a planted effect."""

import datetime as dt
import random
import uuid
from decimal import Decimal

from wagtail.models import Locale

from compliance.models import MonthlyFigures
from lms.reports.studies import assignment
from lms.reports.studies.models import (
    RoundFactory,
    Study,
    StudyArm,
    Survey,
    SurveyQuestion,
    SurveyRound,
)
from lms.reports.studies.surveys import response_record
from tests.accounts.factories import OrganisationFactory
from tests.compliance.factories import FactoryFactory
from tests.taxonomy.factories import country

ARABIC_TEXTS = {
    "paid-on-time": ("هل تحصل على أجرك في موعده؟", "نعم\nلا\nلا أعرف"),
    "feel-safe": ("هل تشعر بالأمان في العمل؟", ""),
    "overtime-hours": ("كم ساعة عمل إضافي عملت الأسبوع الماضي؟", ""),
}


def survey_with_questions(*, arabic: bool = True, extra: int = 0) -> Survey:
    """Three questions (single choice, scale, number), ``extra`` more scales, and an Arabic
    translation of the survey."""
    survey = Survey(locale=Locale.get_default(), title="Working conditions survey")
    survey.questions.add(
        SurveyQuestion(
            code="paid-on-time",
            topic="pay",
            kind="choice",
            text="Are you paid on time?",
            options="Yes\nNo\nI do not know",
            sort_order=0,
        )
    )
    survey.questions.add(
        SurveyQuestion(
            code="feel-safe",
            topic="safety",
            kind="scale",
            text="Do you feel safe at work?",
            scale_min=1,
            scale_max=5,
            low_label="Never",
            high_label="Always",
            sort_order=1,
        )
    )
    survey.questions.add(
        SurveyQuestion(
            code="overtime-hours",
            topic="hours",
            kind="number",
            text="How many overtime hours did you work last week?",
            scale_min=0,
            scale_max=80,
            unit="hours",
            sort_order=2,
        )
    )
    for i in range(extra):
        survey.questions.add(
            SurveyQuestion(
                code=f"voice-{i}",
                topic="voice",
                kind="scale",
                text=f"Can you raise a problem with your supervisor ({i})?",
                sort_order=3 + i,
            )
        )
    survey.save()
    if arabic:
        translation = survey.copy_for_translation(Locale.objects.get(language_code="ar"))
        translation.title = "استبيان ظروف العمل"
        for question in translation.questions.all():
            text, options = ARABIC_TEXTS.get(question.code, (None, None))
            if text:
                question.text = text
                question.options = options or question.options
        translation.save()
    return survey


def factory_in(code="jo", *, city="", workers=1000, name=None):
    organisation = OrganisationFactory(country=country(code), city=city)
    kwargs = {"legal_name": name} if name else {}
    return FactoryFactory(organisation=organisation, workers_women=workers, workers_men=0, **kwargs)


def open_round(survey, factories, code="jo", **kwargs) -> SurveyRound:
    today = dt.date.today()
    survey_round = SurveyRound.objects.create(
        survey=survey,
        title=kwargs.pop("title", "Round 1"),
        country=country(code),
        opens_on=kwargs.pop("opens_on", today - dt.timedelta(days=7)),
        closes_on=kwargs.pop("closes_on", today + dt.timedelta(days=30)),
    )
    for item in factories:
        RoundFactory.objects.create(round=survey_round, factory=item)
    return survey_round


def answer(round_factory, *, paid=1, safe=4, overtime=10, language="en"):
    questions = {q.code: q.pk for q in round_factory.round.survey.questions.all()}
    values = {"paid-on-time": paid, "feel-safe": safe, "overtime-hours": overtime}
    return response_record(
        round_factory=round_factory,
        client_id=uuid.uuid4(),
        device_token=uuid.uuid4().hex,
        language=language,
        answers={questions[k]: v for k, v in values.items() if v is not None},
    )[0]


def study_with(factories, *, code="vn", strata=("province", "size"), outcomes=("efficiency",)):
    study = Study.objects.create(
        name="Services now or a year later",
        country=country(code) if code else None,
        strata=list(strata),
        size_bands=[500, 1500],
        outcomes=list(outcomes),
        first_year=2022,
        intervention_year=2024,
        last_year=2025,
    )
    StudyArm.objects.create(study=study, name="Services now", position=0)
    StudyArm.objects.create(
        study=study, name="Services a year later", position=1, is_comparison=True
    )
    assignment.study_members_set(study=study, factories=factories)
    return study


def stratified_factories(count=24, code="vn"):
    """Factories over two provinces and three size bands."""
    provinces = ["Binh Duong", "Dong Nai"]
    sizes = [300, 900, 2000]
    return [
        factory_in(code, city=provinces[i % 2], workers=sizes[(i // 2) % 3]) for i in range(count)
    ]


def plant_efficiency(study, *, effect=5.0, seed=7):
    """Monthly efficiency for every member, two months a year: a factory level, a common
    trend of +2 points a year, noise, and ``effect`` points more in the treated arm from the
    year services start."""
    rng = random.Random(seed)
    figures = []
    members = study.members.select_related("arm").order_by("factory_id")
    for member in members:
        level = rng.uniform(55, 75)
        treated = not member.arm.is_comparison
        for year in study.years():
            for month in (3, 9):
                value = level + 2 * (year - study.first_year) + rng.gauss(0, 1.0)
                if treated and year >= study.intervention_year:
                    value += effect
                figures.append(
                    MonthlyFigures(
                        factory_id=member.factory_id,
                        month=dt.date(year, month, 1),
                        employees_women=800,
                        employees_men=200,
                        efficiency_percent=Decimal(f"{value:.2f}"),
                    )
                )
    MonthlyFigures.objects.bulk_create(figures)
