"""Demo content of the compliance room: the global instrument (8 clusters, 40 compliance
points, over 150 questions) with its Vietnam and Jordan versions; the demo factories of
Vietnam and Jordan with their profiles, committees and advisors, two published assessment
cycles each, a plan in progress, an advisory visit, two years of monthly figures, and a
draft assessment to try the form on.

Idempotent: it looks for what it made last time before it makes anything.
"""

import datetime
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from compliance import services
from compliance.demo_instrument import COUNTRY_VERSION_NAMES, NATIONAL_EXAMPLES, QUESTIONS
from compliance.models import (
    AdvisoryVisit,
    Assessment,
    CommitteeMember,
    Factory,
    Finding,
    FindingWrite,
    ImprovementPlan,
    InstrumentVersion,
    LegalSource,
    MonthlyFigures,
    PlanAction,
    ProgrammeEnrolment,
    Question,
)
from lms.accounts.demo import demo_password_hash
from lms.accounts.models import Organisation, User
from lms.accounts.services import user_create
from lms.taxonomy.models import CompliancePoint, Country

GLOBAL_NAME = "Compliance Assessment Tool"

# organisation name -> profile
FACTORIES = {
    "Saigon Garment Co.": {
        "legal_name": "Saigon Garment Joint Stock Company",
        "address": "Lot C3, Tan Binh Industrial Park, Ho Chi Minh City",
        "products": "Knitwear, sportswear",
        "registry_id": "VN2019DEMO0001",
        "workers_women": 1870,
        "workers_men": 530,
        "workers_migrant": 420,
        "buyers": ["Demo Sports Brand", "Demo Retailer Europe"],
    },
    "Dong Nai Footwear Ltd.": {
        "legal_name": "Dong Nai Footwear Company Limited",
        "address": "Road 9, Bien Hoa II Industrial Zone, Dong Nai",
        "products": "Athletic shoes",
        "registry_id": "VN2019DEMO0002",
        "workers_women": 3950,
        "workers_men": 1150,
        "workers_migrant": 1700,
        "buyers": ["Demo Sports Brand"],
    },
    "Al-Hassan Apparel": {
        "legal_name": "Al-Hassan Apparel Manufacturing Co.",
        "address": "Al-Hassan Industrial Estate, Irbid",
        "products": "Denim, casual wear",
        "registry_id": "JO2018DEMO0003",
        "workers_women": 1300,
        "workers_men": 500,
        "workers_migrant": 1350,
        "buyers": ["Demo Retailer America"],
    },
    "Amman Plastics Industries": {
        "legal_name": "Amman Plastics Industries Ltd.",
        "address": "Sahab Industrial City, Amman",
        "products": "Packaging, household plastics",
        "registry_id": "JO2018DEMO0004",
        "workers_women": 120,
        "workers_men": 300,
        "workers_migrant": 210,
        "buyers": [],
    },
}

COMMITTEE = {
    "Saigon Garment Co.": [
        ("Nguyễn Thị Lan", "workers", "woman", "Sewing operator", "worker"),
        ("Trần Văn Minh", "management", "man", "Line supervisor", "supervisor"),
        ("Võ Thị Hồng", "workers", "woman", "Quality checker", None),
        ("Lý Quốc Bảo", "management", "man", "HR manager", None),
    ],
    "Dong Nai Footwear Ltd.": [
        ("Phạm Thu Hà", "management", "woman", "Compliance manager", "manager"),
        ("Đặng Văn Tài", "workers", "man", "Cutting operator", None),
        ("Bùi Thị Mai", "workers", "woman", "Stitching operator", None),
    ],
    "Al-Hassan Apparel": [
        ("Shirin Akter", "workers", "woman", "Sewing operator", "worker.jo"),
        ("Khaled Mansour", "management", "man", "Production manager", None),
        ("Priya Fernando", "workers", "woman", "Finishing operator", None),
    ],
    "Amman Plastics Industries": [
        ("Yousef Saleh", "management", "man", "Plant manager", None),
        ("Lina Odeh", "workers", "woman", "Packing operator", None),
    ],
}

CLUSTER_PREFIX = {
    "child-labour": "CHI",
    "discrimination": "DIS",
    "forced-labour": "FOR",
    "freedom-of-association": "FOA",
    "compensation": "COM",
    "contracts-hr": "CON",
    "osh": "OSH",
    "working-time": "WOR",
}

EXTRA_QUESTIONS = {
    "vn": (
        "health-first-aid",
        "Does the employer give every worker the yearly health check the law requires?",
        "Law on Occupational Safety and Hygiene 2015, provisions on health checks",
    ),
    "jo": (
        "bonded-labour",
        "Does the employer pay for migrant workers' work and residence permits?",
        "Labour Law No. 8 of 1996 (as amended), provisions on non-Jordanian workers",
    ),
}


def _source(reference: str) -> str:
    if reference.startswith("good practice"):
        return LegalSource.GOOD_PRACTICE
    if reference.startswith("national law"):
        return LegalSource.NATIONAL
    return LegalSource.ILO


def load():
    with transaction.atomic():
        global_version = load_instrument()
        versions = {code: load_country_version(global_version, code) for code in ("vn", "jo")}
        factories = load_factories()
    for factory in factories.values():
        with transaction.atomic():
            load_cycles(factory, versions[factory.organisation.country.code])
            load_plan_and_visit(factory)
            load_figures(factory)
    with transaction.atomic():
        load_draft(factories["Dong Nai Footwear Ltd."], versions["vn"])
    from compliance import demo_sharing

    demo_sharing.load()
    from compliance import demo_public

    demo_public.load()


def load_instrument() -> InstrumentVersion:
    existing = InstrumentVersion.objects.canonical().filter(country=None, name=GLOBAL_NAME).first()
    if existing:
        return existing
    points = {p.code: p for p in CompliancePoint.objects.canonical().select_related("cluster")}
    instrument = InstrumentVersion.objects.create(
        locale=Locale.get_default(),
        name=GLOBAL_NAME,
        number=InstrumentVersion.objects.canonical().filter(country=None).count() + 1,
        notes="Demo instrument written after the public structure of the programme's tool.",
    )
    order = 0
    counters: dict[str, int] = {}
    rows = []
    for point_code, (guidance, questions) in QUESTIONS.items():
        point = points[point_code]
        prefix = CLUSTER_PREFIX[point.cluster.code]
        counters[prefix] = counters.get(prefix, 0) + 1
        for number, (text, reference, wrong, public) in enumerate(questions, start=1):
            order += 1
            rows.append(
                Question(
                    instrument=instrument,
                    locale=instrument.locale,
                    code=f"{prefix}.{counters[prefix]}.{number}",
                    sort_order=order,
                    compliance_point=point,
                    text=text,
                    guidance=guidance,
                    legal_source=_source(reference),
                    legal_reference=reference,
                    options=["yes", "no", "na"],
                    non_compliant_options=[wrong],
                    publicly_reported=public,
                )
            )
    Question.objects.bulk_create(rows)
    return services.instrument_version_activate(instrument=instrument)


def load_country_version(source: InstrumentVersion, code: str) -> InstrumentVersion:
    country = Country.objects.canonical().get(code=code)
    existing = InstrumentVersion.objects.canonical().filter(country=country).first()
    if existing:
        return existing
    version = services.instrument_version_copy(
        source=source, name=COUNTRY_VERSION_NAMES[code], country=country
    )
    examples = NATIONAL_EXAMPLES[code]
    questions = list(version.questions.select_related("compliance_point__cluster"))
    for question in questions:
        national = examples[question.compliance_point.cluster.code]
        question.legal_reference = f"{national} (example); {question.legal_reference}"[:300]
        question.legal_source = LegalSource.NATIONAL
        question.reference_is_example = True
    Question.objects.bulk_update(
        questions, ["legal_reference", "legal_source", "reference_is_example"]
    )
    point_code, text, reference = EXTRA_QUESTIONS[code]
    point = CompliancePoint.objects.canonical().select_related("cluster").get(code=point_code)
    services.question_save(
        question=Question(
            instrument=version,
            locale=version.locale,
            code=f"{CLUSTER_PREFIX[point.cluster.code]}.{code.upper()}.1",
            sort_order=len(questions) + 1,
            compliance_point=point,
            text=text,
            guidance="A country question: national law asks more than the global tool.",
            legal_source=LegalSource.NATIONAL,
            legal_reference=f"{reference} (example)",
            reference_is_example=True,
            options=["yes", "no", "na"],
            non_compliant_options=["no"],
        )
    )
    return services.instrument_version_activate(instrument=version)


def _person(username, display_name, roles, country, language):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            password_hash=demo_password_hash(),
            email=f"{username}@demo.betterwork.test",
            display_name=display_name,
            roles=roles,
            country=country,
            preferred_language=language,
        )
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return user


def load_factories() -> dict[str, Factory]:
    from compliance.models import BuyerLink

    vietnam = Country.objects.canonical().get(code="vn")
    advisors = {
        "vn": _person("advisor.vn", "Hoàng Văn Nam", ["enterprise_advisor"], vietnam, "vi"),
        "jo": User.objects.filter(username="advisor").first(),
    }
    made = {}
    for name, profile in FACTORIES.items():
        organisation = Organisation.objects.filter(name=name).select_related("country").first()
        if organisation is None:
            continue
        factory = Factory.objects.filter(organisation=organisation).first()
        if factory is None:
            fields = {k: v for k, v in profile.items() if k != "buyers"}
            factory = services.factory_create(
                name=name, country=organisation.country, organisation=organisation, **fields
            )
            for buyer in profile["buyers"]:
                BuyerLink.objects.create(factory=factory, buyer_name=buyer)
            ProgrammeEnrolment.objects.create(
                factory=factory,
                cycle=1,
                starts_on=datetime.date(2025, 1, 1),
                ends_on=datetime.date(2025, 12, 31),
                services=["assessment", "advisory", "training"],
            )
            ProgrammeEnrolment.objects.create(
                factory=factory,
                cycle=2,
                starts_on=datetime.date(2026, 1, 1),
                services=["assessment", "advisory", "training", "self_assessment"],
            )
            users = {u.username: u for u in User.objects.filter(organisation=organisation)}
            users |= {
                u.username: u
                for u in User.objects.filter(
                    username__in=["worker", "supervisor", "manager", "worker.jo"]
                )
            }
            for member_name, side, gender, position, username in COMMITTEE[name]:
                CommitteeMember.objects.create(
                    factory=factory,
                    name=member_name,
                    side=side,
                    gender=gender,
                    position=position,
                    user=users.get(username) if username else None,
                    joined_on=datetime.date(2024, 6, 1),
                )
        advisor = advisors.get(organisation.country.code)
        if advisor is not None:
            factory.advisors.add(advisor)
        made[name] = factory
    return made


def _reviewer(country_code: str) -> User | None:
    return (
        User.objects.filter(username=f"staff.{country_code}").first()
        or User.objects.filter(username="admin").first()
    )


def load_cycles(factory: Factory, instrument: InstrumentVersion) -> None:
    if Assessment.objects.filter(factory=factory, state=Assessment.State.PUBLISHED).exists():
        return
    rng = random.Random(factory.registry_id)
    assessors = list(factory.advisors.all())
    questions = list(instrument.questions.order_by("sort_order"))
    code = factory.organisation.country.code
    for cycle, (year, rate) in enumerate(((2025, 0.16), (2026, 0.08)), start=1):
        starts_on = datetime.date(year, 3, 10 + cycle)
        assessment = services.assessment_create(
            factory=factory,
            instrument=instrument,
            kind=Assessment.Kind.INDEPENDENT,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=1),
            assessors=assessors,
            cycle=cycle,
        )
        answered_at = timezone.make_aware(datetime.datetime(year, 3, 10 + cycle, 10))
        findings = []
        for question in questions:
            wrong = rng.random() < rate
            answer = (
                question.non_compliant_options[0]
                if wrong
                else ("yes" if question.non_compliant_options[0] == "no" else "no")
            )
            findings.append(
                Finding(
                    assessment=assessment,
                    question=question,
                    answer=answer,
                    notes="Seen during the walk-through; confirmed in interviews." if wrong else "",
                    is_non_compliant=question.is_non_compliant_answer(answer),
                    client_id=uuid.uuid4(),
                    answered_by=assessors[0] if assessors else None,
                    answered_at=answered_at,
                )
            )
        Finding.objects.bulk_create(findings)
        FindingWrite.objects.bulk_create(
            FindingWrite(
                finding=f,
                client_id=f.client_id,
                version=1,
                answer=f.answer,
                notes=f.notes,
                author=f.answered_by,
                answered_at=f.answered_at,
            )
            for f in findings
        )
        reviewer = _reviewer(code)
        services.assessment_submit(assessment=assessment, user=assessors[0] if assessors else None)
        services.assessment_review_start(assessment=assessment, user=reviewer)
        services.assessment_publish(assessment=assessment, user=reviewer)


def load_plan_and_visit(factory: Factory) -> None:
    latest = Factory.objects.get(pk=factory.pk).latest_published
    if latest is None or ImprovementPlan.objects.filter(factory=factory).exists():
        return
    plan = ImprovementPlan.objects.create(
        factory=factory, assessment=latest, title=f"Improvement plan {latest.starts_on.year}"
    )
    members = list(factory.committee_members.all())
    findings = list(
        Finding.objects.filter(assessment=latest, is_non_compliant=True)
        .select_related("question")
        .order_by("question__sort_order")[:6]
    )
    statuses = [
        PlanAction.Status.VERIFIED,
        PlanAction.Status.DONE,
        PlanAction.Status.IN_PROGRESS,
        PlanAction.Status.IN_PROGRESS,
        PlanAction.Status.OPEN,
        PlanAction.Status.OPEN,
    ]
    today = timezone.localdate()
    actions = []
    for index, finding in enumerate(findings):
        status = statuses[index]
        actions.append(
            PlanAction.objects.create(
                plan=plan,
                finding=finding,
                compliance_point_id=finding.question.compliance_point_id,
                description=f"Fix: {finding.question.text}",
                responsible=members[index % len(members)] if members else None,
                due_on=today + datetime.timedelta(days=30 * (index - 1)),
                status=status,
                done_on=today - datetime.timedelta(days=10)
                if status in (PlanAction.Status.DONE, PlanAction.Status.VERIFIED)
                else None,
            )
        )
    advisor = factory.advisors.first()
    visit = AdvisoryVisit.objects.create(
        factory=factory,
        advisor=advisor,
        visited_on=today - datetime.timedelta(days=14),
        other_attendees="HR officer",
        notes="Reviewed the plan with the bipartite committee; agreed a fire-drill schedule.",
    )
    visit.attendees.set(members[:3])
    visit.actions_reviewed.set(actions[:3])
    visit.topics.set({a.compliance_point_id for a in actions[:3] if a.compliance_point_id})


def load_figures(factory: Factory) -> None:
    if MonthlyFigures.objects.filter(factory=factory).exists():
        return
    rng = random.Random(f"figures-{factory.pk}")
    rows = []
    for offset in range(24):
        year, month = 2024 + (offset + 11) // 12, (offset + 11) % 12 + 1
        progress = offset / 24
        rows.append(
            MonthlyFigures(
                factory=factory,
                month=datetime.date(year, month, 1),
                employees_women=factory.workers_women + rng.randint(-30, 30),
                employees_men=factory.workers_men + rng.randint(-15, 15),
                turnover_percent=Decimal(
                    str(round(5.5 - 2 * progress + rng.uniform(-0.5, 0.5), 2))
                ),
                absenteeism_percent=Decimal(
                    str(round(4.5 - 1.5 * progress + rng.uniform(-0.4, 0.4), 2))
                ),
                overtime_hours_per_worker=Decimal(
                    str(round(38 - 14 * progress + rng.uniform(-3, 3), 1))
                ),
                efficiency_percent=Decimal(str(round(58 + 12 * progress + rng.uniform(-2, 2), 2))),
                defect_percent=Decimal(
                    str(round(4.2 - 1.6 * progress + rng.uniform(-0.3, 0.3), 2))
                ),
                lost_time_accidents=max(0, round(3 - 2 * progress + rng.uniform(-1, 1))),
            )
        )
    for row in rows:
        row.full_clean()
    MonthlyFigures.objects.bulk_create(rows)


def load_draft(factory: Factory | None, instrument: InstrumentVersion) -> None:
    """A self-assessment in draft that the committee's manager can fill in."""
    if (
        factory is None
        or Assessment.objects.filter(factory=factory, kind=Assessment.Kind.SELF).exists()
    ):
        return
    assessors = [m.user for m in factory.committee_members.exclude(user=None)]
    assessors += list(factory.advisors.all())
    services.assessment_create(
        factory=factory,
        instrument=instrument,
        kind=Assessment.Kind.SELF,
        starts_on=timezone.localdate(),
        assessors=assessors,
    )
