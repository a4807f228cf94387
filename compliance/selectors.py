"""Read-side queries of the compliance room. Each returns what one page needs in a fixed
number of queries, whatever the number of questions, findings or factories."""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from wagtail.models import Locale

from compliance import permissions
from compliance.models import (
    Assessment,
    Factory,
    Finding,
    InstrumentVersion,
    PlanAction,
    PointResult,
    Question,
)
from compliance.services import OFFICIAL_KINDS, assessment_questions
from lms.taxonomy.models import Cluster, CompliancePoint, Country
from lms.taxonomy.selectors import terms_in_language


def factories_visible_to(*, user) -> QuerySet[Factory]:
    factories = Factory.objects.select_related(
        "organisation__country", "organisation__sector", "latest_published"
    )
    condition = permissions.factory_visibility_filter(user)
    if condition is None:
        return factories
    # The filter may join committee members or advisors: keep each factory once.
    return factories.filter(pk__in=Factory.objects.filter(condition).values("pk"))


def factory_language(factory: Factory) -> str:
    """The language a factory reads its reports in: its country's first language the site
    speaks, else the default."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code in factory.organisation.country.languages or []:
        if code in supported:
            return code
    return settings.LANGUAGE_CODE


# --- names in the reader's language ------------------------------------------------------------


def taxonomy_names(language_code: str | None = None) -> tuple[dict, dict]:
    """Clusters and compliance points, keyed by the id of their default-locale row, in the
    reader's language where translated (from the terms each process keeps)."""
    language_code = language_code or get_language()
    clusters, points = {}, {}
    canonical_clusters = terms_in_language(model=Cluster, language_code=settings.LANGUAGE_CODE)
    for code, term in terms_in_language(model=Cluster, language_code=language_code).items():
        if code in canonical_clusters:
            clusters[canonical_clusters[code].pk] = term
    canonical_points = terms_in_language(
        model=CompliancePoint, language_code=settings.LANGUAGE_CODE
    )
    for code, term in terms_in_language(model=CompliancePoint, language_code=language_code).items():
        if code in canonical_points:
            points[canonical_points[code].pk] = term
    return clusters, points


def localized_questions(questions, language_code: str | None = None) -> dict[int, Question]:
    """The translation of each question (keyed by the default-locale question's id) in the
    reader's language, falling back to the question itself. One query."""
    questions = list(questions)
    language_code = language_code or get_language()
    found = {q.pk: q for q in questions}
    if language_code == settings.LANGUAGE_CODE:
        return found
    locale = Locale.objects.filter(language_code=language_code).first()
    if locale is None:
        return found
    by_key = {q.translation_key: q.pk for q in questions}
    for translation in Question.objects.filter(translation_key__in=by_key, locale=locale):
        found[by_key[translation.translation_key]] = translation
    return found


# --- the assessment form ---------------------------------------------------------------------


@dataclass
class PointGroup:
    point: object
    items: list = field(default_factory=list)  # (question, shown, finding)


@dataclass
class ClusterGroup:
    cluster: object
    points: "OrderedDict[int, PointGroup]" = field(default_factory=OrderedDict)


def assessment_sheet(*, assessment: Assessment, language_code: str | None = None):
    """The questions asked, grouped by cluster and point, with each one's text in the
    reader's language and the finding stored so far."""
    questions = list(assessment_questions(assessment=assessment).select_related("compliance_point"))
    shown = localized_questions(questions, language_code)
    findings = {
        f.question_id: f
        for f in Finding.objects.filter(assessment=assessment)
        .select_related("answered_by")
        .prefetch_related("evidence")
    }
    clusters, points = taxonomy_names(language_code)
    groups: OrderedDict[int, ClusterGroup] = OrderedDict()
    cluster_order = {c_id: c.sort_order for c_id, c in clusters.items()}
    for question in sorted(
        questions,
        key=lambda q: (cluster_order.get(q.compliance_point.cluster_id, 99), q.sort_order, q.pk),
    ):
        cluster_id = question.compliance_point.cluster_id
        group = groups.setdefault(cluster_id, ClusterGroup(clusters.get(cluster_id)))
        point_group = group.points.setdefault(
            question.compliance_point_id,
            PointGroup(points.get(question.compliance_point_id, question.compliance_point)),
        )
        point_group.items.append((question, shown[question.pk], findings.get(question.pk)))
    return list(groups.values()), findings


# --- reports -----------------------------------------------------------------------------------


def previous_assessment(*, assessment: Assessment) -> Assessment | None:
    """The factory's published assessment of the cycle before (same kind family)."""
    kinds = OFFICIAL_KINDS if assessment.kind in OFFICIAL_KINDS else (assessment.kind,)
    return (
        Assessment.objects.filter(
            factory_id=assessment.factory_id,
            state=Assessment.State.PUBLISHED,
            kind__in=kinds,
            starts_on__lt=assessment.starts_on,
        )
        .order_by("-starts_on", "-id")
        .first()
    )


@dataclass
class PointLine:
    point: object
    result: PointResult
    previous: PointResult | None

    @property
    def change(self) -> str:
        """ "new", "resolved", "persisting", "compliant" or "" (not asked before)."""
        if self.previous is None:
            return ""
        now, before = self.result.is_non_compliant, self.previous.is_non_compliant
        if now and before:
            return "persisting"
        if now:
            return "new"
        if before:
            return "resolved"
        return "compliant"


@dataclass
class ClusterLine:
    cluster: object
    points: list
    non_compliant_points: int = 0
    previous_non_compliant_points: int | None = None


def assessment_report(*, assessment: Assessment, language_code: str | None = None) -> dict:
    """Non-compliance by cluster and point, the non-compliant findings, and the comparison
    with the previous cycle."""
    previous = previous_assessment(assessment=assessment)
    results = list(PointResult.objects.filter(assessment=assessment))
    before = (
        {r.compliance_point_id: r for r in PointResult.objects.filter(assessment=previous)}
        if previous
        else {}
    )
    clusters, points = taxonomy_names(language_code)
    lines: OrderedDict[int, ClusterLine] = OrderedDict()
    for result in sorted(
        results,
        key=lambda r: (
            getattr(clusters.get(r.cluster_id), "sort_order", 99),
            str(points.get(r.compliance_point_id, "")),
        ),
    ):
        line = lines.setdefault(result.cluster_id, ClusterLine(clusters.get(result.cluster_id), []))
        line.points.append(
            PointLine(
                points.get(result.compliance_point_id),
                result,
                before.get(result.compliance_point_id),
            )
        )
        line.non_compliant_points += result.is_non_compliant
        if previous:
            prior = before.get(result.compliance_point_id)
            line.previous_non_compliant_points = (line.previous_non_compliant_points or 0) + (
                1 if prior and prior.is_non_compliant else 0
            )
    findings = list(
        Finding.objects.filter(assessment=assessment, is_non_compliant=True)
        .select_related("question__compliance_point")
        .prefetch_related("evidence")
        .order_by("question__sort_order", "question_id")
    )
    shown = localized_questions([f.question for f in findings], language_code)
    return {
        "assessment": assessment,
        "previous": previous,
        "clusters": list(lines.values()),
        "findings": [
            (f, shown[f.question_id], points.get(f.question.compliance_point_id)) for f in findings
        ],
        "non_compliant_points": sum(line.non_compliant_points for line in lines.values()),
        "previous_non_compliant_points": (
            sum(1 for r in before.values() if r.is_non_compliant) if previous else None
        ),
        "points_assessed": len(results),
    }


# --- the factory page and the country overview -----------------------------------------------


def factory_overview(*, factory: Factory, user, language_code: str | None = None) -> dict:
    """A factory's assessments (with non-compliant points per cycle) and its plan's
    progress."""
    assessments = Assessment.objects.filter(factory=factory).annotate(
        non_compliant_points=Count(
            "point_results", filter=Q(point_results__questions_non_compliant__gt=0)
        ),
        points_assessed=Count("point_results"),
    )
    assessments = list(assessments.order_by("-starts_on", "-id"))
    # What the factory itself may read: published results (and its own self-assessments).
    staff_view = permissions.can_manage_factory(user, factory) or permissions.is_advisor_for(
        user, factory
    )
    if not staff_view:
        assessments = [
            a
            for a in assessments
            if a.state == Assessment.State.PUBLISHED or a.kind == Assessment.Kind.SELF
        ]
    actions = PlanAction.objects.filter(plan__factory=factory).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=PlanAction.Status.OPEN)),
        in_progress=Count("pk", filter=Q(status=PlanAction.Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=PlanAction.Status.DONE)),
        verified=Count("pk", filter=Q(status=PlanAction.Status.VERIFIED)),
    )
    clusters, _points = taxonomy_names(language_code)
    published = [a for a in assessments if a.state == Assessment.State.PUBLISHED]
    per_cluster = (
        PointResult.objects.filter(assessment__in=[a.pk for a in published])
        .values("assessment_id", "cluster_id")
        .annotate(non_compliant=Count("pk", filter=Q(questions_non_compliant__gt=0)))
        .order_by()
    )
    trend: dict[int, dict[int, int]] = {}
    for row in per_cluster:
        trend.setdefault(row["cluster_id"], {})[row["assessment_id"]] = row["non_compliant"]
    cycles = sorted(
        (a for a in published if a.kind in OFFICIAL_KINDS), key=lambda a: (a.starts_on, a.pk)
    )
    cluster_rows = [
        (cluster, [trend.get(cluster_id, {}).get(a.pk) for a in cycles])
        for cluster_id, cluster in sorted(clusters.items(), key=lambda kv: kv[1].sort_order)
    ]
    return {
        "factory": factory,
        "assessments": assessments,
        "cycles": cycles,
        "cluster_rows": cluster_rows,
        "actions": actions,
        "committee": list(factory.committee_members.filter(left_on__isnull=True)),
        "buyers": list(factory.buyer_links.select_related("buyer")),
        "enrolment": factory.enrolments.order_by("-cycle").first(),
        "advisors": list(factory.advisors.all()),
        "staff_view": staff_view,
    }


def country_overview(*, country: Country, language_code: str | None = None) -> dict:
    """The country's factories (with their latest published result) and, per compliance
    point, the share of factories non-compliant in their latest published assessment."""
    # A correlated count, not a join with GROUP BY: the database computes it for the page of
    # factories shown only, and the paginator's count leaves it out (at 2,000 factories the
    # join aggregated all 80,000 latest results before sorting and cutting the page).
    non_compliant_points = (
        PointResult.objects.filter(
            assessment_id=OuterRef("latest_published_id"), questions_non_compliant__gt=0
        )
        .order_by()
        .values("assessment_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    factories = (
        Factory.objects.filter(organisation__country=country)
        .select_related("organisation__sector", "latest_published")
        .annotate(
            non_compliant_points=Coalesce(Subquery(non_compliant_points), 0),
            has_draft=Exists(
                Assessment.objects.filter(
                    factory=OuterRef("pk"),
                    state__in=[Assessment.State.SUBMITTED, Assessment.State.IN_REVIEW],
                )
            ),
        )
        .order_by("legal_name")
    )
    latest = Factory.objects.filter(
        organisation__country=country, latest_published__isnull=False
    ).values("latest_published_id")
    rates = (
        PointResult.objects.filter(assessment_id__in=latest)
        .values("compliance_point_id", "cluster_id")
        .annotate(
            assessed=Count("pk"),
            non_compliant=Count("pk", filter=Q(questions_non_compliant__gt=0)),
        )
        .order_by()
    )
    clusters, points = taxonomy_names(language_code)
    rows = []
    for row in rates:
        rows.append(
            {
                "cluster": clusters.get(row["cluster_id"]),
                "point": points.get(row["compliance_point_id"]),
                "assessed": row["assessed"],
                "non_compliant": row["non_compliant"],
                "rate": round(100 * row["non_compliant"] / row["assessed"])
                if row["assessed"]
                else 0,
            }
        )
    rows.sort(key=lambda r: (getattr(r["cluster"], "sort_order", 99), str(r["point"])))
    return {"country": country, "factories": factories, "rates": rows}


def instruments_visible(*, user) -> QuerySet[InstrumentVersion]:
    return (
        InstrumentVersion.objects.canonical()
        .select_related("country")
        .annotate(question_count=Count("questions"))
    )


def assessments_to_review(*, user) -> QuerySet[Assessment]:
    queryset = Assessment.objects.filter(
        state__in=[Assessment.State.SUBMITTED, Assessment.State.IN_REVIEW]
    ).select_related("factory__organisation__country")
    if permissions.is_global(user):
        return queryset
    if user.is_authenticated and user.is_country_staff and user.country_id:
        return queryset.filter(factory__organisation__country_id=user.country_id)
    return queryset.none()


def my_assessments(*, user) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(assessors=user, state=Assessment.State.DRAFT)
        .select_related("factory__organisation")
        .prefetch_related(Prefetch("assessors"))
    )
