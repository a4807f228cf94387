"""Demo content for worker surveys and the controlled experiment (idempotent):

- a six-question worker survey (pay, hours, safety, harassment, voice, wellbeing) in English,
  Arabic and Vietnamese, with an open round in Jordan's and Viet Nam's demo factories and 24
  generated answers in each;
- a study in Viet Nam over the two demo factories and ten more generated ones (named
  "Study factory ..."; their monthly figures are synthetic, 2023-2026, with services starting
  in 2025 and an effect planted in the first arm, so the estimate has something to find),
  stratified by province, assigned with a fixed seed and locked.
"""

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from compliance.models import Factory, MonthlyFigures
from lms.accounts.models import Organisation
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
from lms.taxonomy.models import Country

DEMO_NAMESPACE = uuid.UUID("0b7c1d1e-19b2-4f0e-9a55-5e1f9e2c1919")
SURVEY_TITLE = "Working conditions: six questions"
STUDY_NAME = "Viet Nam: services now or a year later (demo)"

# code, topic, kind, text, options or (min, max, low, high, unit), Arabic, Vietnamese
QUESTIONS = [
    (
        "paid-on-time",
        "pay",
        "choice",
        "Were you paid in full and on time last month?",
        "Yes\nNo\nI do not know",
        ("هل حصلت على أجرك كاملاً وفي موعده الشهر الماضي؟", "نعم\nلا\nلا أعرف"),
        ("Tháng trước bạn có được trả lương đủ và đúng hạn không?", "Có\nKhông\nTôi không biết"),
    ),
    (
        "overtime-hours",
        "hours",
        "number",
        "How many overtime hours did you work last week?",
        (0, 80, "", "", "hours"),
        ("كم ساعة عمل إضافي عملت الأسبوع الماضي؟", ""),
        ("Tuần trước bạn đã làm thêm bao nhiêu giờ?", ""),
    ),
    (
        "feel-safe",
        "safety",
        "scale",
        "Do you feel safe at your workplace?",
        (1, 5, "Never", "Always"),
        ("هل تشعر بالأمان في مكان عملك؟", ""),
        ("Bạn có cảm thấy an toàn tại nơi làm việc không?", ""),
    ),
    (
        "harassment-worry",
        "harassment",
        "choice",
        "Are workers here worried about sexual harassment?",
        "Not at all\nA little\nVery much\nI prefer not to say",
        (
            "هل يقلق العمال هنا من التحرش الجنسي؟",
            "لا على الإطلاق\nقليلاً\nكثيراً\nأفضل عدم الإجابة",
        ),
        (
            "Công nhân ở đây có lo lắng về quấy rối tình dục không?",
            "Hoàn toàn không\nMột chút\nRất nhiều\nTôi không muốn trả lời",
        ),
    ),
    (
        "raise-problem",
        "voice",
        "scale",
        "Can you raise a problem with management without fear?",
        (1, 5, "Never", "Always"),
        ("هل يمكنك طرح مشكلة على الإدارة دون خوف؟", ""),
        ("Bạn có thể nêu vấn đề với quản lý mà không sợ hãi không?", ""),
    ),
    (
        "wellbeing",
        "wellbeing",
        "scale",
        "How satisfied are you with your life these days?",
        (1, 5, "Not at all", "Completely"),
        ("ما مدى رضاك عن حياتك هذه الأيام؟", ""),
        ("Dạo này bạn hài lòng với cuộc sống của mình đến mức nào?", ""),
    ),
]


def load_survey() -> Survey:
    default = Locale.get_default()
    survey = Survey.objects.filter(locale=default, title=SURVEY_TITLE).first()
    if survey is not None:
        return survey
    survey = Survey(
        locale=default,
        title=SURVEY_TITLE,
        introduction="Six short questions about your work. It takes about three minutes.",
    )
    for i, (code, topic, kind, text, spec, _ar, _vi) in enumerate(QUESTIONS):
        question = SurveyQuestion(code=code, topic=topic, kind=kind, text=text, sort_order=i)
        if kind == "choice":
            question.options = spec
        else:
            question.scale_min, question.scale_max = spec[0], spec[1]
            question.low_label, question.high_label = spec[2], spec[3]
            question.unit = spec[4] if len(spec) > 4 else ""
        survey.questions.add(question)
    survey.save()
    for language, index, title in (
        ("ar", 5, "ظروف العمل: ستة أسئلة"),
        ("vi", 6, "Điều kiện làm việc: sáu câu hỏi"),
    ):
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            continue
        translation = survey.copy_for_translation(locale)
        translation.title = title
        translation.introduction = ""
        texts = {row[0]: row[index] for row in QUESTIONS}
        for question in translation.questions.all():
            text, options = texts[question.code]
            question.text = text
            if options:
                question.options = options
            question.low_label = question.high_label = question.unit = ""
        translation.save()
    return survey


def load_round(survey: Survey, country_code: str, answers: int = 24) -> None:
    country = Country.objects.canonical().filter(code=country_code).first()
    if country is None or SurveyRound.objects.filter(survey=survey, country=country).exists():
        return
    factories = list(
        Factory.objects.filter(organisation__country=country).exclude(
            organisation__name__startswith="Study factory"
        )
    )
    if not factories:
        return
    today = timezone.localdate()
    survey_round = SurveyRound.objects.create(
        survey=survey,
        title=f"{country.name}: first round",
        country=country,
        opens_on=today - dt.timedelta(days=14),
        closes_on=today + dt.timedelta(days=90),
    )
    questions = {q.code: q for q in survey.questions.all()}
    rng = random.Random(f"survey-{country_code}")
    for factory in factories:
        round_factory = RoundFactory.objects.create(round=survey_round, factory=factory)
        for n in range(answers):
            values = {
                "paid-on-time": rng.choices([1, 2, 3], [8, 2, 1])[0],
                "overtime-hours": rng.randint(0, 20),
                "feel-safe": rng.choices([2, 3, 4, 5], [1, 2, 5, 3])[0],
                "harassment-worry": rng.choices([1, 2, 3, 4], [6, 3, 1, 1])[0],
                "raise-problem": rng.choices([1, 2, 3, 4, 5], [1, 2, 3, 4, 2])[0],
                "wellbeing": rng.choices([2, 3, 4, 5], [1, 4, 4, 2])[0],
            }
            response_record(
                round_factory=round_factory,
                client_id=uuid.uuid5(DEMO_NAMESPACE, f"{round_factory.pk}-{n}"),
                device_token=f"demo{round_factory.pk}x{n}",
                language="ar" if country_code == "jo" else "vi",
                answers={questions[code].pk: value for code, value in values.items()},
            )


STUDY_PROVINCES = ["Binh Duong", "Dong Nai", "Ho Chi Minh City"]


def load_study_factories() -> list[Factory]:
    """Ten generated factories beside the two Vietnamese demo ones, so the study has arms
    of a useful size."""
    from compliance import services

    vietnam = Country.objects.canonical().get(code="vn")
    made = []
    for i in range(10):
        name = f"Study factory {i + 1:02d}"
        organisation = Organisation.objects.filter(country=vietnam, name=name).first()
        if organisation is not None:
            made.append(organisation.factory)
            continue
        made.append(
            services.factory_create(
                name=name,
                country=vietnam,
                legal_name=f"{name} Company Limited (generated for the demo study)",
                city=STUDY_PROVINCES[i % 3],
                workers_women=600 + 150 * i,
                workers_men=200 + 40 * i,
            )
        )
    return made


def load_study_figures(study: Study) -> None:
    rng = random.Random("demo-study")
    rows = []
    for member in study.members.select_related("arm", "factory"):
        if MonthlyFigures.objects.filter(factory=member.factory, month__year=2023).exists():
            continue
        level = rng.uniform(55, 68)
        treated = not member.arm.is_comparison
        existing = set(member.factory.monthly_figures.values_list("month", flat=True))
        for year in study.years():
            for month in range(1, 13, 3):
                day = dt.date(year, month, 1)
                if day in existing or day > timezone.localdate().replace(day=1):
                    continue
                efficiency = level + 1.5 * (year - study.first_year) + rng.gauss(0, 1.2)
                defects = 4.5 - 0.3 * (year - study.first_year) + rng.gauss(0, 0.3)
                if treated and year >= study.intervention_year:
                    efficiency += 4
                    defects -= 0.6
                rows.append(
                    MonthlyFigures(
                        factory=member.factory,
                        month=day,
                        employees_women=member.factory.workers_women,
                        employees_men=member.factory.workers_men,
                        efficiency_percent=Decimal(f"{efficiency:.2f}"),
                        defect_percent=Decimal(f"{max(defects, 0.1):.2f}"),
                        absenteeism_percent=Decimal(f"{rng.uniform(2.5, 5):.2f}"),
                    )
                )
    MonthlyFigures.objects.bulk_create(rows)


def load_study() -> None:
    if Study.objects.filter(name=STUDY_NAME).exists():
        return
    vietnam = Country.objects.canonical().get(code="vn")
    factories = list(Factory.objects.filter(organisation__country=vietnam))
    factories += [f for f in load_study_factories() if f not in factories]
    study = Study.objects.create(
        name=STUDY_NAME,
        description=(
            "Factories in Viet Nam drawn at random, within provinces, to receive advisory and "
            "training services from 2025 or a year later. Figures of the generated factories "
            "are synthetic."
        ),
        country=vietnam,
        strata=[Study.Stratum.PROVINCE],
        size_bands=[1000, 2500],
        outcomes=["efficiency", "defect_rate", "absenteeism", "non_compliance_rate"],
        first_year=2023,
        intervention_year=2025,
        last_year=2026,
    )
    StudyArm.objects.create(study=study, name="Services now", position=0)
    StudyArm.objects.create(
        study=study, name="Services a year later", position=1, is_comparison=True
    )
    assignment.study_members_set(study=study, factories=factories)
    assignment.study_assign(study=study, seed=20250101)
    from lms.accounts.models import User

    assignment.study_lock(
        study=study,
        user=User.objects.filter(username="staff.vn").first()
        or User.objects.filter(username="admin").first(),
    )
    load_study_figures(study)


@transaction.atomic
def load():
    survey = load_survey()
    load_round(survey, "jo")
    load_round(survey, "vn")
    load_study()
