"""Pages a language has not translated yet are still found under its prefix.

A language's tree holds only the pages translated into it (the home page and a few sections,
say, in Khmer). Wagtail routes a path through that tree alone, so `/km/watch-series/episode-1/`
answered 404 although the episode exists in English. Here a page whose child is missing in its
own language continues the route through its counterpart in the default language, so the
reader gets the English page under their language's prefix (its text marked `lang="en"` by the
`content_lang` template tag) instead of a dead end.
"""

from django.http import Http404
from wagtail.models import Locale, Page


class LocaleFallbackRoutingMixin:
    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            if not path_components:
                raise
            default = Locale.get_default()
            if self.locale_id == default.pk:
                raise
            source = self.get_translation_or_none(default)
            if source is None:
                raise
            return source.specific.route(request, path_components)


def paths_from_root(path: str) -> list[str]:
    """The tree paths of the pages from the root down to the page at ``path`` (itself
    included), known from its own path without a query."""
    steplen = Page.steplen
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


class OneQueryViewRestrictionsMixin:
    """Wagtail checks a page's view restrictions before serving it in two queries (the
    ancestors, then their restrictions); the ancestors' tree paths are known from the
    page's own path, so one query finds the same restrictions: those of the page and its
    ancestors, an alias's being its source page's (Wagtail's rule)."""

    def get_view_restrictions(self):
        from django.db.models import Q
        from wagtail.models import PageViewRestriction

        if getattr(self, "_route_unrestricted", False):
            # Routing read the page and every page above it in this request and found no
            # restriction on any (``route_restricted``): no query.
            return PageViewRestriction.objects.none()

        paths = paths_from_root(self.path)
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()


def route_restricted():
    """An annotation for pages read along a route: whether the page has a view
    restriction of its own (an alias: its source page's), as ``get_view_restrictions``
    counts them above."""
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Coalesce
    from wagtail.models import PageViewRestriction

    return Exists(
        PageViewRestriction.objects.filter(
            page_id=Coalesce(OuterRef("alias_of_id"), OuterRef("pk"))
        )
    )


def route_ancestors(request, page: Page) -> dict[str, Page]:
    """The pages (not specific) above ``page`` that routing read for this request, by
    tree path; empty when the page was not routed here (a preview, a test)."""
    along = getattr(request, "_route_ancestors", None) or []
    if not along or along[-1].pk != page.pk:
        return {}
    return {ancestor.path: ancestor for ancestor in along[:-1]}
