"""Read-side queries: which pages use a package, packages with their usage, resume data."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Coalesce
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


def _page_references(model) -> QuerySet[ReferenceIndex]:
    """The reference index's rows by which pages refer to packages of ``model``."""
    return ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        to_content_type=ContentType.objects.get_for_model(model),
    )


def _variants_of(root) -> QuerySet[H5PContent]:
    """The language versions of the exercise whose first version is ``root`` (an id, or an
    expression), as the text the reference index keeps."""
    return _as_text(H5PContent.objects.filter(Q(pk=root) | Q(variant_of_id=root)))


def page_embeds_package(*, page, package) -> bool:
    """Does ``page`` (its saved content) embed ``package``, or for H5P another language
    version of the same exercise? One query."""
    if isinstance(package, H5PContent):
        target = Q(to_object_id__in=_variants_of(package.variant_of_id or package.pk))
    else:
        target = Q(to_object_id=str(package.pk))
    return _page_references(type(package)).filter(target, object_id=str(page.pk)).exists()


def h5p_content_on_page(*, uuid, page) -> H5PContent | None:
    """The ready exercise ``uuid``, with ``embedded``: whether ``page`` embeds it (as
    ``page_embeds_package`` tells), in one query."""
    root = Coalesce(OuterRef(OuterRef("variant_of_id")), OuterRef(OuterRef("pk")))
    references = _page_references(H5PContent).filter(
        object_id=str(page.pk), to_object_id__in=_variants_of(root)
    )
    return (
        H5PContent.objects.filter(uuid=uuid, status=PackageStatus.READY)
        .annotate(embedded=Exists(references))
        .first()
    )


def scorm_attempt_to_commit(*, learner, uuid) -> ScormAttempt | None:
    """The learner's attempt ``uuid`` with its SCO, package, page and the page's locale, and
    ``embedded``: whether the page still embeds the package (as ``page_embeds_package``
    tells), in one query."""
    references = _page_references(ScormPackage).filter(
        object_id=Cast(OuterRef("page_id"), CharField()),
        to_object_id=Cast(OuterRef("sco__package_id"), CharField()),
    )
    return (
        ScormAttempt.objects.select_related("sco__package", "page__locale")
        .annotate(embedded=Exists(references))
        .filter(uuid=uuid, learner=learner)
        .first()
    )


def _as_text(queryset):
    return queryset.values_list(Cast("pk", output_field=CharField()), flat=True)


def pages_embedding(package) -> QuerySet[Page]:
    """The pages whose content embeds ``package``, as ``Page`` rows (for their id, path and
    locale; not their specific type): one query."""
    ids = (
        _page_references(type(package))
        .filter(to_object_id=str(package.pk))
        .values_list(Cast("object_id", IntegerField()), flat=True)
    )
    return Page.objects.filter(pk__in=ids)


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
