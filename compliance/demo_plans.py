"""Demo: a factory in Vietnam and one in Jordan with a bipartite committee, an improvement plan
in progress made from their latest published assessment, an advisory visit and 18 months of
productivity and quality figures. Safe to run again: it adds only what is missing.

It builds on the factories and published assessments of the compliance demo; where there are
none yet it makes a small assessment of its own (marked as demo data) so the plan has
findings to start from."""

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from compliance import indicators, plans, services
from compliance.models import (
    AdvisoryVisit,
    Assessment,
    Factory,
    ImprovementPlan,
    InstrumentVersion,
    PlanAction,
    Question,
)
from lms.accounts.models import Organisation, User
from lms.taxonomy.models import CompliancePoint

FACTORIES = [
    # organisation, country, advisor username
    ("Dong Nai Footwear Ltd.", "vn", "staff.vn"),  # no demo advisor in Vietnam: staff visit
    ("Al-Hassan Apparel", "jo", "advisor"),
]
COMMITTEE = {
    "vn": [
        ("Phạm Thu Hà", "management", "woman", "HR manager"),
        ("Võ Đức Long", "management", "man", "Production manager"),
        ("Nguyễn Thị Mai", "workers", "woman", "Sewing operator"),
        ("Lý Thị Hoa", "workers", "woman", "Line leader"),
    ],
    "jo": [
        ("Khaled Mansour", "management", "man", "Compliance manager"),
        ("Lina Saleh", "management", "woman", "HR officer"),
        ("Shirin Akter", "workers", "woman", "Sewing operator"),
        ("Ruwan Perera", "workers", "man", "Ironing operator"),
    ],
}
ACTIONS = [
    (
        "Write down the overtime rules and post them on every floor, in every workers' language.",
        "verified",
        -40,
    ),
    ("Train the line leaders on the new grievance procedure.", "in_progress", 20),
    ("Repair the blocked fire exit on floor 2 and check it every week.", "open", -5),
]


def _demo_assessment(factory: Factory, advisor) -> Assessment | None:
    """A small published assessment for a factory the compliance demo did not assess."""
    points = list(CompliancePoint.objects.canonical().order_by("pk")[:5])
    if not points:
        return None
    instrument = InstrumentVersion.objects.canonical().filter(number=900, country=None).first()
    if instrument is None:
        instrument = InstrumentVersion.objects.create(
            name="Demo instrument for improvement plans (example references)",
            number=900,
            status=InstrumentVersion.Status.ACTIVE,
            notes="Demo data: the references are examples, not legal advice.",
        )
        Question.objects.bulk_create(
            Question(
                instrument=instrument,
                locale_id=instrument.locale_id,
                code=f"DEMO.{n + 1}",
                sort_order=n,
                compliance_point=point,
                text=f"Does the factory meet the requirements on {point.name.lower()}?",
                legal_reference="ILO C155 (example)",
                reference_is_example=True,
                options=["yes", "no", "na"],
                non_compliant_options=["no"],
            )
            for n, point in enumerate(points)
        )
    assessment = services.assessment_create(
        factory=factory,
        instrument=instrument,
        kind=Assessment.Kind.INDEPENDENT,
        starts_on=timezone.localdate() - datetime.timedelta(days=120),
        assessors=[advisor],
        created_by=advisor,
    )
    for n, question in enumerate(services.assessment_questions(assessment=assessment)):
        services.finding_answer(
            assessment=assessment,
            question=question,
            answer="no" if n % 2 == 0 else "yes",
            notes="Demo finding." if n % 2 == 0 else "",
            client_id=uuid.uuid4(),
            base_version=0,
            user=advisor,
        )
    services.assessment_submit(assessment=assessment, user=advisor)
    reviewer = User.objects.filter(roles__code="global_admin").first() or advisor
    services.assessment_review_start(assessment=assessment, user=reviewer)
    return services.assessment_publish(assessment=assessment, user=reviewer)


def _figures(factory: Factory, code: str) -> None:
    this_month = timezone.localdate().replace(day=1)
    women, men = (1800, 600) if code == "vn" else (1200, 600)
    for n in range(18, 0, -1):
        month = this_month
        for _ in range(n):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        step = 18 - n  # 0 … 17: things improve after the plan starts
        indicators.figures_record(
            factory=factory,
            month=month,
            user=None,
            employees_women=women + (step * 7) % 40,
            employees_men=men + (step * 5) % 30,
            employees_other=0,
            turnover_percent=(Decimal("5.5") - Decimal(step) / 8).quantize(Decimal("0.01")),
            absenteeism_percent=Decimal("6.0") - Decimal(step) / 10 + Decimal(step % 3) / 5,
            overtime_hours_per_worker=Decimal(38 - step),
            efficiency_percent=Decimal(58 + step) + Decimal(step % 4) / 2,
            defect_percent=Decimal("4.8") - Decimal(step) / 10,
            lost_time_accidents=max(0, 3 - step // 5),
        )


@transaction.atomic
def _load_factory(organisation_name: str, code: str, advisor_username: str) -> None:
    organisation = Organisation.objects.filter(name=organisation_name).first()
    advisor = User.objects.filter(username=advisor_username).first()
    if organisation is None or advisor is None:
        return
    factory = Factory.objects.filter(organisation=organisation).first()
    if factory is None:
        factory = Factory.objects.create(
            organisation=organisation, legal_name=organisation.name, products="Apparel"
        )
    if not factory.advisors.exists() and advisor.has_role("enterprise_advisor"):
        factory.advisors.add(advisor)
    advisor = factory.advisors.order_by("pk").first() or advisor
    members = list(factory.committee_members.all())
    if not members:
        members = [
            plans.committee_member_add(
                factory=factory, name=name, side=side, gender=gender, position=position
            )
            for name, side, gender, position in COMMITTEE[code]
        ]
    assessment = (
        Assessment.objects.filter(factory=factory, state=Assessment.State.PUBLISHED)
        .order_by("-starts_on")
        .first()
    ) or _demo_assessment(factory, advisor)
    if assessment is None:
        return
    if not ImprovementPlan.objects.filter(factory=factory).exists():
        plan = plans.plan_create(assessment=assessment, user=advisor)
        findings = list(assessment.findings.filter(is_non_compliant=True).order_by("pk")[:3])
        today = timezone.localdate()
        for n, (finding, (text, status, due_in)) in enumerate(zip(findings, ACTIONS, strict=False)):
            action = plans.action_create(
                plan=plan,
                user=advisor,
                finding=finding,
                description=text,
                due_on=today + datetime.timedelta(days=abs(due_in)),
                responsible=members[n % len(members)],
            )
            # The demo goes back in time: some actions were due already.
            PlanAction.objects.filter(pk=action.pk).update(
                due_on=today + datetime.timedelta(days=due_in)
            )
            if status in ("done", "verified"):
                plans.action_status_set(action=action, status="done", user=advisor)
            if status == "verified":
                plans.action_status_set(action=action, status="verified", user=advisor)
            if status == "in_progress":
                plans.action_status_set(action=action, status="in_progress", user=advisor)
    if not AdvisoryVisit.objects.filter(factory=factory).exists():
        plan = ImprovementPlan.objects.filter(factory=factory).order_by("-created_at").first()
        plans.visit_log(
            factory=factory,
            advisor=advisor,
            visited_on=timezone.localdate() - datetime.timedelta(days=10),
            attendees=[m for m in members if m.left_on is None][:3],
            topics=list(
                CompliancePoint.objects.filter(pk__in=plan.actions.values("compliance_point"))[:2]
            )
            if plan
            else [],
            notes="Walked the floors with the committee; the fire exit on floor 2 is still "
            "blocked by boxes. Agreed a weekly check by the line leaders.",
            actions_reviewed=list(plan.actions.all()) if plan else [],
        )
    if not factory.monthly_figures.exists():
        _figures(factory, code)


def load():
    for organisation_name, code, advisor_username in FACTORIES:
        _load_factory(organisation_name, code, advisor_username)
