"""Read-side queries of improvement plans, advisory visits, recommended training and the
monthly figures. Each returns what one page needs in a fixed number of queries, whatever the
number of actions, findings, visits, recommendations or months."""

import datetime
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, F, Q, Value
from django.utils.translation import get_language
from wagtail.models import Page

from compliance.indicators import MONTHS_SHOWN
from compliance.models import (
    AdvisoryVisit,
    Assessment,
    CommitteeMember,
    Evidence,
    Factory,
    Finding,
    ImprovementPlan,
    MonthlyFigures,
    PlanAction,
    Question,
    TrainingLink,
)
from lms.taxonomy.models import CompliancePoint
from lms.taxonomy.selectors import terms_in_language


def point_names(language_code: str | None = None) -> dict[int, object]:
    """Compliance points keyed by the id of their default-locale row, in the reader's
    language where translated (none once the process knows the terms)."""
    canonical = terms_in_language(model=CompliancePoint, language_code=settings.LANGUAGE_CODE)
    translated = terms_in_language(model=CompliancePoint, language_code=language_code)
    return {point.pk: translated.get(code, point) for code, point in canonical.items()}


def _localized_questions(questions, language_code: str) -> dict[int, Question]:
    found = {q.pk: q for q in questions}
    if language_code == settings.LANGUAGE_CODE or not found:
        return found
    by_key = {q.translation_key: q.pk for q in found.values()}
    for translation in Question.objects.filter(
        translation_key__in=by_key, locale__language_code=language_code
    ):
        found[by_key[translation.translation_key]] = translation
    return found


def _localized_pages(pages, language_code: str) -> dict[int, Page]:
    found = {page.pk: page for page in pages}
    if language_code == settings.LANGUAGE_CODE or not found:
        return found
    by_key = {page.translation_key: page.pk for page in found.values()}
    for translation in Page.objects.live().filter(
        translation_key__in=by_key, locale__language_code=language_code
    ):
        found[by_key[translation.translation_key]] = translation
    return found


def published_cycles(*, factory: Factory) -> list[Assessment]:
    """The factory's published assessments, oldest first, each with the number of points
    assessed and of non-compliant points (one query)."""
    return list(
        Assessment.objects.filter(factory=factory, state=Assessment.State.PUBLISHED)
        .annotate(
            points_assessed=Count("point_results"),
            non_compliant_points=Count(
                "point_results", filter=Q(point_results__questions_non_compliant__gt=0)
            ),
        )
        .order_by("starts_on", "pk")
    )


def _kind_code(model) -> str:
    from courses.models import CoursePage, PolicyPage

    if model is not None and issubclass(model, CoursePage):
        return "course"
    if model is not None and issubclass(model, PolicyPage):
        return "policy"
    return "media"


@dataclass
class NeedRow:
    """One non-compliance of the plan's assessment, with its actions and its training."""

    point_id: int
    point: object
    findings: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    training: list = field(default_factory=list)


@dataclass
class TrainingItem:
    page_id: int
    page: Page
    kind: str
    kind_code: str  # "course", "policy" or "media": what the one step does
    status: str
    people_enrolled: int


@dataclass
class PlanPage:
    factory: Factory
    plan: ImprovementPlan | None
    other_plans: list
    needs: list[NeedRow]
    other_actions: list
    progress: dict
    training_counts: dict
    visits: list
    cycles: list
    latest_published: Assessment | None

    @property
    def committee(self) -> list[CommitteeMember]:
        """The factory's current committee (not shown on the plan page: asked only here)."""
        return list(
            CommitteeMember.objects.filter(factory=self.factory, left_on__isnull=True).order_by(
                "side", "name"
            )
        )


def plan_page(*, factory: Factory, language_code: str | None = None) -> PlanPage:
    """Everything the plan page shows: the current plan's needs (non-compliant findings by
    point, each with its actions and recommended training), progress, visits
    and the factory's compliance over its cycles."""
    language_code = language_code or get_language() or settings.LANGUAGE_CODE
    plans = list(
        ImprovementPlan.objects.filter(factory=factory)
        .select_related("assessment")
        .order_by("status", "-created_at")
    )
    plan = plans[0] if plans and plans[0].status == ImprovementPlan.Status.ACTIVE else None
    if plan is None and plans:
        plan = plans[0]
    names = point_names(language_code)
    cycles = published_cycles(factory=factory)
    latest = cycles[-1] if cycles else None

    needs: OrderedDict[int, NeedRow] = OrderedDict()
    other_actions = []
    progress = Counter()
    if plan is not None:
        findings = []
        if plan.assessment_id:
            findings = list(
                Finding.objects.filter(assessment_id=plan.assessment_id, is_non_compliant=True)
                .select_related("question")
                .order_by("question__sort_order", "question_id")
            )
        questions = _localized_questions([f.question for f in findings], language_code)
        for finding in findings:
            point_id = finding.question.compliance_point_id
            row = needs.setdefault(point_id, NeedRow(point_id=point_id, point=names.get(point_id)))
            row.findings.append((finding, questions.get(finding.question_id, finding.question)))
        actions = list(
            PlanAction.objects.filter(plan=plan)
            .select_related("responsible", "verified_by", "finding")
            .order_by("due_on", "pk")
        )
        for action in actions:
            progress[action.status] += 1
            progress["total"] += 1
            if action.compliance_point_id in needs:
                needs[action.compliance_point_id].actions.append(action)
            else:
                other_actions.append(action)

    links = list(
        TrainingLink.objects.filter(factory=factory).select_related("page").order_by("page_id")
    )
    pages = _localized_pages([link.page for link in links], language_code)
    page_status: dict[int, str] = {}
    for link in links:
        # One decision per page, whatever the number of points it answers.
        page_status.setdefault(link.page_id, link.status)
        row = needs.get(link.compliance_point_id)
        if row is None:
            continue
        content_type = ContentType.objects.get_for_id(link.page.content_type_id)
        model = content_type.model_class()
        row.training.append(
            TrainingItem(
                page_id=link.page_id,
                page=pages.get(link.page_id, link.page),
                kind=str(model._meta.verbose_name) if model else "",
                kind_code=_kind_code(model),
                status=link.status,
                people_enrolled=link.people_enrolled,
            )
        )
    statuses = Counter(page_status.values())
    training_counts = {
        "recommended": len(page_status),
        "taken": statuses[TrainingLink.Status.TAKEN],
        "dismissed": statuses[TrainingLink.Status.DISMISSED],
    }

    visits = list(
        AdvisoryVisit.objects.filter(factory=factory)
        .select_related("advisor")
        .order_by("-visited_on", "-pk")[:10]
    )
    _attach_visit_details_and_evidence(
        visits,
        point_names=names,
        actions={action.pk: action for row in needs.values() for action in row.actions}
        | {action.pk: action for action in other_actions},
    )
    return PlanPage(
        factory=factory,
        plan=plan,
        other_plans=[p for p in plans if p is not plan],
        needs=list(needs.values()),
        other_actions=other_actions,
        progress=dict(progress),
        training_counts=training_counts,
        visits=visits,
        cycles=cycles,
        latest_published=latest,
    )


def _attach_visit_details_and_evidence(visits, *, point_names, actions) -> None:
    """Give each visit its ``attendee_names``, ``topic_names`` and ``reviewed`` actions, and
    each of the plan's actions its evidence files (``action.evidence.all``), from one query
    over the three link tables and the evidence; points and the plan's actions are already
    known (an action of an earlier plan costs one query more)."""
    by_id = {visit.pk: visit for visit in visits}
    for visit in visits:
        visit.attendee_names, visit.topic_names, visit.reviewed = [], [], []
    evidence: dict[int, list[Evidence]] = {pk: [] for pk in actions}
    for action in actions.values():
        action._prefetched_objects_cache = {"evidence": evidence[action.pk]}
    if not by_id and not actions:
        return
    empty = Value("", output_field=CharField())

    def links(field, target, name=empty, side=empty):
        return (
            getattr(AdvisoryVisit, field)
            .through.objects.filter(advisoryvisit_id__in=by_id)
            .annotate(kind=Value(field, output_field=CharField()), text=name, more=side)
            .values_list("advisoryvisit_id", f"{target}_id", "kind", "text", "more")
        )

    files = (
        Evidence.objects.filter(action_id__in=actions)
        .annotate(kind=Value("evidence", output_field=CharField()))
        .order_by()  # the model's ordering has no place in a UNION; sorted below
        .values_list("action_id", "pk", "kind", "original_name", "caption")
    )
    rows = list(
        links(
            "attendees",
            "committeemember",
            name=F("committeemember__name"),
            side=F("committeemember__side"),
        ).union(
            links("topics", "compliancepoint"),
            links("actions_reviewed", "planaction"),
            files,
            all=True,
        )
    )
    missing = {ref for _visit, ref, kind, *_text in rows if kind == "actions_reviewed"} - set(
        actions
    )
    if missing:
        actions = actions | PlanAction.objects.only("pk", "description", "due_on").in_bulk(missing)
    attended = {}
    for owner, ref, kind, text, more in sorted(rows, key=lambda row: row[1]):
        if kind == "evidence":
            evidence[owner].append(
                Evidence(pk=ref, action_id=owner, original_name=text, caption=more)
            )
            continue
        visit = by_id[owner]
        if kind == "attendees":
            # In the committee's order (side, then name), as the list of members shows them.
            attended.setdefault(owner, []).append((more, text))
        elif kind == "topics" and ref in point_names:
            visit.topic_names.append(str(point_names[ref]))
        elif kind == "actions_reviewed" and ref in actions:
            visit.reviewed.append(actions[ref])
    for visit in visits:
        visit.attendee_names = [name for _side, name in sorted(attended.get(visit.pk, []))]
        visit.topic_names.sort()
        visit.reviewed.sort(key=lambda action: (action.due_on or datetime.date.max, action.pk))


def figures_page(*, factory: Factory) -> tuple[list[MonthlyFigures], list[Assessment]]:
    """The factory's last months of figures (oldest first) and its published assessments
    (two queries)."""
    figures = list(MonthlyFigures.objects.filter(factory=factory).order_by("-month")[:MONTHS_SHOWN])
    figures.reverse()
    return figures, published_cycles(factory=factory)
