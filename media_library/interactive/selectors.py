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


def packages_with_usage(*querysets) -> list[list]:
    """The packages of each queryset (H5P content, SCORM packages ...), each list in its
    queryset's order, with ``usage`` (the pages embedding the package) attached: one query
    for each kind of package, then one for the references to all of them and one for their
    pages, however many packages and kinds."""
    lists = [
        list(
            queryset.select_related(
                "country",
                "uploaded_by",
                *(["main_library"] if queryset.model is H5PContent else []),
            )
        )
        for queryset in querysets
    ]
    packages = [package for found in lists for package in found]
    if not packages:
        return lists
    pointing_at = Q()
    for found in lists:
        if found:
            pointing_at |= Q(
                to_content_type=ContentType.objects.get_for_model(type(found[0])),
                to_object_id__in=[str(package.pk) for package in found],
            )
    references = ReferenceIndex.objects.filter(
        pointing_at, base_content_type=ContentType.objects.get_for_model(Page)
    ).values_list("to_content_type_id", "to_object_id", "object_id")
    pages_by_package = defaultdict(set)
    for content_type_id, package_id, page_id in references:
        pages_by_package[content_type_id, int(package_id)].add(int(page_id))
    all_pages = {
        p.pk: p
        for p in Page.objects.filter(
            pk__in={i for ids in pages_by_package.values() for i in ids}
        ).select_related("locale")
    }
    for package in packages:
        key = (ContentType.objects.get_for_model(type(package)).pk, package.pk)
        package.usage = sorted(
            (all_pages[i] for i in pages_by_package.get(key, ()) if i in all_pages),
            key=lambda p: p.title,
        )
    return lists


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
