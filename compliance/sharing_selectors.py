"""Read side of sharing with buyers: a buyer's suppliers with what each shares, the dashboard
rows, a supplier's reports, plan progress and training record. Every function answers in a
fixed number of queries whatever the number of suppliers, assessments or people.

Callers check the live grant first (compliance.sharing); nothing here decides who may read.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from compliance.models import (
    AccessGrant,
    AccessLogEntry,
    AccessRequest,
    Assessment,
    BuyerLink,
    Factory,
    PlanAction,
    PointResult,
    SharingScope,
)
from compliance.selectors import taxonomy_names
from compliance.services import OFFICIAL_KINDS
from compliance.sharing import live_scopes_by_factory
from courses.models import Attendance, ClassSession, Enrolment
from lms.accounts.models import Organisation, User
from lms.taxonomy.models import Country
from lms.taxonomy.selectors import terms_in_language

DONE_STATES = (PlanAction.Status.DONE, PlanAction.Status.VERIFIED)


def suppliers_of(*, buyer) -> QuerySet[Factory]:
    """Factories that list the buyer or share something with it (names only: what each
    shares is asked separately)."""
    listed = BuyerLink.objects.filter(factory=OuterRef("pk"), buyer=buyer)
    granted = AccessGrant.objects.filter(
        factory=OuterRef("pk"), buyer=buyer, withdrawn_at__isnull=True
    )
    return (
        Factory.objects.filter(Q(Exists(listed)) | Q(Exists(granted)))
        .select_related("organisation__country", "organisation__sector", "latest_published")
        .order_by("legal_name", "pk")
    )


@dataclass
class ReportSummary:
    assessment: Assessment
    points_assessed: int = 0
    non_compliant_points: int = 0
    public_issues: list = field(default_factory=list)  # points non-compliant on public issues


@dataclass
class PlanSummary:
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.total, 1) if self.total else None


@dataclass
class TrainingSummary:
    people: int = 0
    trained: int = 0
    training_days: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.trained / self.people, 1) if self.people else None


@dataclass
class SupplierRow:
    factory: Factory
    scopes: set
    country_name: object = None
    report: ReportSummary | None = None
    plan: PlanSummary | None = None
    training: TrainingSummary | None = None

    @property
    def shares_anything(self) -> bool:
        return bool(self.scopes)


def _report_summaries(factories, cluster_id=None, points=None) -> dict[int, ReportSummary]:
    """Latest published independent assessment of each factory: points assessed, points
    non-compliant, and the points non-compliant on publicly reported questions (within one
    cluster when asked). One query."""
    by_assessment = {f.latest_published_id: f for f in factories if f.latest_published_id}
    summaries = {f.pk: ReportSummary(assessment=f.latest_published) for f in by_assessment.values()}
    results = PointResult.objects.filter(assessment_id__in=list(by_assessment))
    if cluster_id:
        results = results.filter(cluster_id=cluster_id)
    for result in results.order_by("compliance_point_id"):
        summary = summaries[by_assessment[result.assessment_id].pk]
        summary.points_assessed += 1
        summary.non_compliant_points += result.is_non_compliant
        if result.publicly_reported_non_compliant:
            point = (points or {}).get(result.compliance_point_id)
            summary.public_issues.append(point or result.compliance_point_id)
    return summaries


def _plan_summaries(factory_ids) -> dict[int, PlanSummary]:
    """Actions of the factories' plans: total, done (or verified), overdue. One query."""
    today = timezone.localdate()
    rows = (
        PlanAction.objects.filter(plan__factory_id__in=list(factory_ids))
        .values("plan__factory_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status__in=DONE_STATES)),
            overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status__in=DONE_STATES)),
        )
        .order_by()
    )
    return {
        row["plan__factory_id"]: PlanSummary(row["total"], row["done"], row["overdue"])
        for row in rows
    }


def _trained_q():
    """A person counts as trained once they completed a course or attended a session."""
    completed = Enrolment.objects.filter(learner_id=OuterRef("pk"), completed_at__isnull=False)
    attended = Attendance.objects.filter(learner_id=OuterRef("pk"), present=True)
    return Q(Exists(completed)) | Q(Exists(attended))


def _training_summaries(organisation_ids) -> dict[int, TrainingSummary]:
    """People registered with each organisation, those trained, and training days (class
    sessions held for its cohorts). One query."""
    members = User.objects.filter(organisation=OuterRef("pk"), is_active=True)
    held = ClassSession.objects.filter(
        cohort__organisation=OuterRef("pk"), starts_at__lte=timezone.now()
    )

    def counted(queryset):
        # COUNT as a plain function: the subquery's one row, with no GROUP BY.
        rows = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return {
        pk: TrainingSummary(people=people, trained=trained, training_days=days)
        for pk, people, trained, days in Organisation.objects.filter(pk__in=list(organisation_ids))
        .annotate(
            people_count=counted(members),
            trained_count=counted(members.filter(_trained_q())),
            days_count=counted(held),
        )
        .values_list("pk", "people_count", "trained_count", "days_count")
    }


def dashboard_rows(
    *,
    buyer,
    suppliers: list[Factory] | None = None,
    country_code: str = "",
    cluster_id: int | None = None,
    language_code=None,
) -> list[SupplierRow]:
    """The buyer's suppliers (``suppliers``: when the caller has read them) with what each
    shares now. About ten queries in all."""
    factories = list(suppliers_of(buyer=buyer)) if suppliers is None else suppliers
    if country_code:
        factories = [f for f in factories if f.organisation.country.code == country_code]
    return supplier_rows(
        buyer=buyer, factories=factories, cluster_id=cluster_id, language_code=language_code
    )


def supplier_rows(
    *, buyer, factories: list[Factory], cluster_id: int | None = None, language_code=None
) -> list[SupplierRow]:
    """Rows for these suppliers (one page of them, or all), each with the summaries of the
    scopes it shares with the buyer now. About ten queries, whatever the number."""
    scopes = live_scopes_by_factory(buyer_id=buyer.pk, factory_ids=[f.pk for f in factories])
    country_names = terms_in_language(model=Country, language_code=language_code)
    _clusters, points = taxonomy_names(language_code)
    reporting = [f for f in factories if SharingScope.REPORTS in scopes.get(f.pk, ())]
    planning = [f.pk for f in factories if SharingScope.PLAN in scopes.get(f.pk, ())]
    training = [f for f in factories if SharingScope.TRAINING in scopes.get(f.pk, ())]
    reports = _report_summaries(reporting, cluster_id, points) if reporting else {}
    plans = _plan_summaries(planning) if planning else {}
    trainings = _training_summaries([f.organisation_id for f in training]) if training else {}
    rows = []
    for factory in factories:
        held = scopes.get(factory.pk, set())
        code = factory.organisation.country.code
        row = SupplierRow(
            factory=factory,
            scopes=held,
            country_name=country_names.get(code, factory.organisation.country),
        )
        if SharingScope.REPORTS in held:
            row.report = reports.get(factory.pk)
        if SharingScope.PLAN in held:
            row.plan = plans.get(factory.pk) or PlanSummary()
        if SharingScope.TRAINING in held:
            row.training = trainings.get(factory.organisation_id) or TrainingSummary()
        rows.append(row)
    return rows


def supplier_countries(*, buyer=None, suppliers: list[Factory] | None = None) -> list:
    """The countries of the buyer's suppliers (of ``suppliers`` when the caller has them)."""
    if suppliers is None:
        codes = set(suppliers_of(buyer=buyer).values_list("organisation__country__code", flat=True))
    else:
        codes = {factory.organisation.country.code for factory in suppliers}
    names = terms_in_language(model=Country)
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda item: str(item[1]))


# --- one supplier ---------------------------------------------------------------------------------


def published_reports(*, factory: Factory) -> QuerySet[Assessment]:
    """The independent assessments published to the factory, newest first, with their
    counts. One query."""
    return (
        Assessment.objects.filter(
            factory=factory, state=Assessment.State.PUBLISHED, kind__in=OFFICIAL_KINDS
        )
        .annotate(
            points_assessed=Count("point_results"),
            non_compliant_points=Count(
                "point_results", filter=Q(point_results__questions_non_compliant__gt=0)
            ),
            public_non_compliant_points=Count(
                "point_results", filter=Q(point_results__publicly_reported_non_compliant__gt=0)
            ),
        )
        .order_by("-starts_on", "-pk")
    )


def plan_actions(*, factory: Factory) -> QuerySet[PlanAction]:
    """The actions of the factory's plans (no names of the people responsible: a buyer
    reads progress, not who in the factory does what)."""
    return (
        PlanAction.objects.filter(plan__factory=factory)
        .select_related("plan")
        .order_by("due_on", "pk")
    )


def plan_summary(*, factory: Factory) -> PlanSummary:
    return _plan_summaries([factory.pk]).get(factory.pk) or PlanSummary()


def training_lines(*, factory: Factory) -> QuerySet[Enrolment]:
    """Who of the factory's people was trained in what: their enrolments with completion and
    the sessions they attended (a subquery count: one query per page)."""
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    attended = (
        Attendance.objects.filter(
            learner_id=OuterRef("learner_id"),
            present=True,
            session__cohort__course_id=OuterRef("course_id"),
        )
        .values("learner_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Enrolment.objects.filter(learner__organisation_id=factory.organisation_id)
        .select_related("learner", "course")
        .annotate(sessions_attended=Coalesce(Subquery(attended, output_field=IntegerField()), 0))
        .order_by("learner__last_name", "learner__first_name", "learner_id", "course_id")
    )


def training_summary(*, factory: Factory) -> TrainingSummary:
    return _training_summaries([factory.organisation_id])[factory.organisation_id]


# --- the factory's side -------------------------------------------------------------------------


@dataclass
class BuyerSharing:
    buyer: object
    link: BuyerLink | None
    scopes: set
    pending: AccessRequest | None


def sharing_overview(*, factory: Factory) -> list[BuyerSharing]:
    """Every buyer the factory lists or shares with, what it shares now and any request
    waiting. Three queries."""
    links = {
        link.buyer_id: link
        for link in BuyerLink.objects.filter(factory=factory, buyer__isnull=False).select_related(
            "buyer"
        )
    }
    grants: dict[int, set] = {}
    buyers = {link.buyer_id: link.buyer for link in links.values()}
    for grant in AccessGrant.objects.filter(
        factory=factory, withdrawn_at__isnull=True
    ).select_related("buyer"):
        grants.setdefault(grant.buyer_id, set()).add(grant.scope)
        buyers.setdefault(grant.buyer_id, grant.buyer)
    pending = {}
    for request in AccessRequest.objects.filter(
        factory=factory, state=AccessRequest.State.PENDING
    ).select_related("buyer", "requested_by"):
        pending[request.buyer_id] = request
        buyers.setdefault(request.buyer_id, request.buyer)
    return [
        BuyerSharing(buyer, links.get(pk), grants.get(pk, set()), pending.get(pk))
        for pk, buyer in sorted(buyers.items(), key=lambda kv: kv[1].name.lower())
    ]


def access_log_of(*, factory: Factory) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(factory=factory).select_related("buyer", "token")
