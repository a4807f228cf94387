"""Pages a language has not translated yet are still found under its prefix.

A language's tree holds only the pages translated into it (the home page and a few sections,
say, in Khmer). Wagtail routes a path through that tree alone, so `/km/watch-series/episode-1/`
answered 404 although the episode exists in English. Here a page whose child is missing in its
own language continues the route through its counterpart in the default language, so the
reader gets the English page under their language's prefix (its text marked `lang="en"` by the
`content_lang` template tag) instead of a dead end.
"""

from django.http import Http404
from wagtail.models import Locale


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
