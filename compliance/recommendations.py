"""Needs drive training: every non-compliant point of a published assessment recommends the
courses, seminars, supervisor training, workbooks, model policies and awareness media tagged
with that point or its cluster; one step enrols the factory's managers or supervisors (the
courses room's enrolment service) or records that it adopted the policy.

A recommendation is a :class:`compliance.models.TrainingLink` (factory, page, point): made
once, whatever the number of times the plan is refreshed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from compliance.models import Assessment, Factory, PointResult, TrainingLink
from courses.models import (
    CoursePage,
    InductionKitPage,
    PolicyPage,
    ProgrammePage,
    SeminarPage,
    SupervisorTrainingPage,
    WorkbookPage,
)
from courses.services import CourseActionError, enrolment_create, policy_adopt
from lms.accounts.models import Role, User
from lms.taxonomy.models import BasePage, CompliancePoint
from media_library.models import ComicPage, EpisodePage, SeriesPage

# What a need can be met with: whole courses and policies, and media series or single
# episodes and comics (not a course's lessons or a workbook's steps on their own).
RECOMMENDED_TYPES = (
    ProgrammePage,
    SeminarPage,
    SupervisorTrainingPage,
    InductionKitPage,
    WorkbookPage,
    PolicyPage,
    SeriesPage,
    EpisodePage,
    ComicPage,
)


def recommendable_pages():
    """Live pages of the kinds above, in the default language (the ones links point at)."""
    return Page.objects.live().type(*RECOMMENDED_TYPES).filter(locale=Locale.get_default())


def non_compliant_points(*, assessment: Assessment):
    return CompliancePoint.objects.filter(
        pk__in=PointResult.objects.filter(
            assessment=assessment, questions_non_compliant__gt=0
        ).values("compliance_point_id")
    )


@transaction.atomic
def training_links_refresh(*, factory: Factory, assessment: Assessment) -> int:
    """Recommend, for each non-compliant point of ``assessment``, the pages tagged with it
    or with its cluster. Existing recommendations (and what the factory did with them) stay;
    returns how many were added."""
    points = list(non_compliant_points(assessment=assessment))
    if not points:
        return 0
    by_point = {point.pk: point for point in points}
    cluster_points: dict[int, list[int]] = {}
    for point in points:
        cluster_points.setdefault(point.cluster_id, []).append(point.pk)
    pages = recommendable_pages().values("pk")
    wanted = set()
    by_points = BasePage.compliance_points.through.objects.filter(
        basepage_id__in=pages, compliancepoint_id__in=by_point
    ).values_list("basepage_id", "compliancepoint_id")
    wanted.update(by_points)
    by_clusters = BasePage.clusters.through.objects.filter(
        basepage_id__in=pages, cluster_id__in=cluster_points
    ).values_list("basepage_id", "cluster_id")
    for page_id, cluster_id in by_clusters:
        wanted.update((page_id, point_id) for point_id in cluster_points[cluster_id])
    existing = set(
        TrainingLink.objects.filter(factory=factory).values_list("page_id", "compliance_point_id")
    )
    new = [
        TrainingLink(factory=factory, page_id=page_id, compliance_point_id=point_id)
        for page_id, point_id in sorted(wanted - existing)
    ]
    TrainingLink.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def learners_for(*, factory: Factory, page) -> list[User]:
    """Whom one step enrols: the factory's supervisors for supervisor training, else its
    managers and supervisors."""
    roles = (
        [Role.Code.SUPERVISOR]
        if isinstance(page, SupervisorTrainingPage)
        else [Role.Code.MANAGER, Role.Code.SUPERVISOR]
    )
    return list(
        User.objects.filter(
            organisation_id=factory.organisation_id, roles__code__in=roles, is_active=True
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def training_take(*, factory: Factory, page_id: int, user) -> int:
    """Take up a recommended training in one step: enrol the managers or supervisors in a
    course, record the adoption of a model policy's current version, or note that a medium
    was used. Every recommendation of that page for the factory is then "taken". Taking it
    again enrols whoever joined since and counts nobody twice. Returns the people enrolled."""
    links = TrainingLink.objects.select_for_update().filter(factory=factory, page_id=page_id)
    if not links.exists():
        raise ValidationError(_("This training is not recommended to this factory."))
    page = Page.objects.get(pk=page_id).specific
    enrolled = 0
    if isinstance(page, CoursePage):
        learners = learners_for(factory=factory, page=page)
        if not learners:
            raise ValidationError(
                _(
                    "The factory has no managers or supervisors with an account yet: "
                    "add them first, then enrol them."
                ),
                code="nobody",
            )
        try:
            for learner in learners:
                enrolment_create(learner=learner, course=page, source="trainer", enrolled_by=user)
        except CourseActionError as error:
            raise ValidationError(str(error), code="course") from error
        enrolled = len(learners)
    elif isinstance(page, PolicyPage):
        version = page.current_version()
        if version is None:
            raise ValidationError(_("This policy has no version to adopt yet."), code="version")
        policy_adopt(
            version=version,
            organisation=factory.organisation,
            adopted_on=timezone.localdate(),
            recorded_by=user,
        )
    links.update(
        status=TrainingLink.Status.TAKEN,
        people_enrolled=enrolled,
        acted_by=user,
        acted_at=timezone.now(),
    )
    return enrolled


def training_dismiss(*, factory: Factory, page_id: int, user) -> None:
    """The committee decides this recommendation is not needed (it can be taken later)."""
    TrainingLink.objects.filter(
        factory=factory, page_id=page_id, status=TrainingLink.Status.RECOMMENDED
    ).update(status=TrainingLink.Status.DISMISSED, acted_by=user, acted_at=timezone.now())
