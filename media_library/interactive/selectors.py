"""Read-side queries: which pages use a package, packages with their usage, resume data."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import Page, ReferenceIndex

from media_library.interactive.models import (
    H5PContent,
    H5PState,
    PackageStatus,
    ScormAttempt,
    ScormPackage,
)


def h5p_variant_ids(content: H5PContent) -> list[int]:
    """The ids of every language version of the exercise ``content`` belongs to."""
    root = content.variant_of_id or content.pk
    return list(
        H5PContent.objects.filter(Q(pk=root) | Q(variant_of_id=root)).values_list("pk", flat=True)
    )


def page_embeds_package(*, page, package) -> bool:
    """Does ``page`` (its saved content) embed ``package``, or for H5P another language
    version of the same exercise? One query."""
    content_type = ContentType.objects.get_for_model(type(package))
    if isinstance(package, H5PContent):
        root = package.variant_of_id or package.pk
        target = Q(
            to_object_id__in=_as_text(H5PContent.objects.filter(Q(pk=root) | Q(variant_of_id=root)))
        )
    else:
        target = Q(to_object_id=str(package.pk))
    return ReferenceIndex.objects.filter(
        target,
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        to_content_type=content_type,
    ).exists()


def _as_text(queryset):
    from django.db.models import CharField
    from django.db.models.functions import Cast

    return queryset.values_list(Cast("pk", output_field=CharField()), flat=True)


def pages_using(package) -> QuerySet[Page]:
    """The pages whose content embeds ``package``."""
    ids = (
        ReferenceIndex.get_references_to(package)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    return Page.objects.filter(pk__in=[int(i) for i in ids]).specific()


def packages_with_usage(*, model, queryset=None) -> list:
    """Every package of ``model`` with ``usage`` (the pages embedding it) attached, in a
    constant number of queries."""
    packages = list(
        (queryset if queryset is not None else model.objects.all()).select_related(
            "country", "uploaded_by", *(["main_library"] if model is H5PContent else [])
        )
    )
    if not packages:
        return packages
    page_type = ContentType.objects.get_for_model(Page)
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(model),
        to_object_id__in=[str(p.pk) for p in packages],
        base_content_type=page_type,
    ).values_list("to_object_id", "object_id")
    pages_by_package = defaultdict(set)
    for package_id, page_id in references:
        pages_by_package[int(package_id)].add(int(page_id))
    all_pages = {
        p.pk: p
        for p in Page.objects.filter(
            pk__in={i for ids in pages_by_package.values() for i in ids}
        ).select_related("locale")
    }
    for package in packages:
        package.usage = sorted(
            (all_pages[i] for i in pages_by_package.get(package.pk, ()) if i in all_pages),
            key=lambda p: p.title,
        )
    return packages


def h5p_content_for_language(*, content: H5PContent, language: str) -> H5PContent:
    """The language version of an exercise for a page in ``language`` (itself if none)."""
    if content.language == language:
        return content
    root = content.variant_of_id or content.pk
    match = (
        H5PContent.objects.filter(
            Q(pk=root) | Q(variant_of_id=root), language=language, status=PackageStatus.READY
        )
        .select_related("main_library")
        .first()
    )
    return match or content


def h5p_states_on_page(*, learner, page) -> dict[int, str]:
    """A learner's saved H5P states on a page, by exercise id: one query for every player
    of the page, however many exercises it embeds."""
    if not learner.is_authenticated:
        return {}
    return dict(
        H5PState.objects.filter(learner=learner, page=page)
        .order_by("id")
        .values_list("content_id", "state")
    )


def scorm_attempts_for(*, learner, package: ScormPackage, page) -> QuerySet[ScormAttempt]:
    """A learner's attempts at a package's SCOs on a page, newest first (their history)."""
    return ScormAttempt.objects.filter(
        learner=learner, sco__package=package, page=page
    ).select_related("sco")
