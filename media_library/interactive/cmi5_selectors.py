"""What staff see of one learner's cmi5 units: every assignable unit of the cmi5 courses
embedded in a set of pages, with the learner's state in it (cmi5 9.3: not attempted, in
progress, completed, passed, failed, satisfied, waived, abandoned), in a constant number
of queries."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, ReferenceIndex

from media_library.interactive.cmi5_models import (
    Cmi5Au,
    Cmi5AuProgress,
    Cmi5Package,
    Cmi5Session,
    LaunchMode,
)
from media_library.interactive.models import PackageStatus


class UnitState(models.TextChoices):
    NOT_ATTEMPTED = "not_attempted", _("Not attempted")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    SATISFIED = "satisfied", _("Satisfied")
    WAIVED = "waived", _("Waived")
    ABANDONED = "abandoned", _("Abandoned")


@dataclass(frozen=True)
class LearnerUnit:
    page: Page
    au: Cmi5Au
    state: str

    @property
    def state_label(self) -> str:
        return UnitState(self.state).label

    @property
    def may_waive(self) -> bool:
        return self.state not in {UnitState.WAIVED, UnitState.SATISFIED}


def _state(progress: Cmi5AuProgress | None, last_session: dict | None) -> str:
    if progress is not None:
        if progress.waived:
            return UnitState.WAIVED
        if progress.satisfied:
            return UnitState.SATISFIED
        if progress.passed:
            return UnitState.PASSED
        if progress.failed:
            return UnitState.FAILED
        if progress.completed:
            return UnitState.COMPLETED
    if last_session is None:
        return UnitState.NOT_ATTEMPTED
    if last_session["abandoned"]:
        return UnitState.ABANDONED
    return UnitState.IN_PROGRESS


def cmi5_embedded_below(path_reference: str) -> models.Exists:
    """An expression for a query of rows that name a page by ``path_reference`` (e.g.
    ``"course__path"``): does that page or a page below it embed a cmi5 course? Annotating
    the row's own query with it costs no query of its own."""
    below = (
        Page.objects.filter(path__startswith=models.OuterRef(models.OuterRef(path_reference)))
        .annotate(key=Cast("pk", models.CharField()))
        .values("key")
    )
    return models.Exists(
        ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(Cmi5Package),
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=below,
        )
    )


# What a unit's page shows and links to: read with the pages searched, not again after.
UNIT_PAGE_FIELDS = ("id", "title", "path", "url_path", "locale_id")


def cmi5_units_for_learner(*, learner, pages: QuerySet[Page]) -> list[LearnerUnit]:
    """Each unit of each ready cmi5 course embedded in ``pages``, in page order then
    course-structure order, with ``learner``'s state. The pages are read once, with the
    few fields a unit shows (``UNIT_PAGE_FIELDS``)."""
    by_id = {page.pk: page for page in pages.only(*UNIT_PAGE_FIELDS).order_by("path")}
    if not by_id:
        return []
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(Cmi5Package),
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in by_id],
    ).values_list("object_id", "to_object_id")
    embeds: dict[int, set[int]] = {}
    for page_id, package_id in references:
        embeds.setdefault(int(package_id), set()).add(int(page_id))
    if not embeds:
        return []
    embedding = {p for ids in embeds.values() for p in ids}
    pages = {pk: page for pk, page in by_id.items() if pk in embedding}
    aus = list(
        Cmi5Au.objects.filter(package_id__in=list(embeds), package__status=PackageStatus.READY)
        .select_related("package")
        .order_by("package_id", "sort_order")
    )
    progress = {
        (row.registration.page_id, row.au_id): row
        for row in Cmi5AuProgress.objects.filter(
            registration__learner=learner, registration__package_id__in=list(embeds)
        ).select_related("registration")
    }
    last_sessions: dict[tuple[int, int], dict] = {}
    for row in (
        Cmi5Session.objects.filter(
            registration__learner=learner,
            registration__package_id__in=list(embeds),
            launch_mode=LaunchMode.NORMAL,
        )
        .order_by("launched_at")
        .values("registration__page_id", "au_id", "abandoned", "terminated")
    ):
        last_sessions[(row["registration__page_id"], row["au_id"])] = row
    units = []
    for page_id, page in pages.items():
        for au in aus:
            if page_id not in embeds[au.package_id]:
                continue
            key = (page_id, au.pk)
            units.append(
                LearnerUnit(
                    page=page, au=au, state=_state(progress.get(key), last_sessions.get(key))
                )
            )
    return units
