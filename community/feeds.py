"""Atom feeds of new threads: one for every public community, one per public community.
Feed readers do not sign in, so private communities have no feed (a 404, like their pages)."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from lms.accounts.exposure import Exposure

from .models import Community, Post, Thread

FEED_SIZE = 30


class LatestThreadsFeed(Feed):
    data_exposure = Exposure.PUBLIC
    feed_type = Atom1Feed
    title = _("Better Work community: new threads")
    subtitle = _("New threads in the public communities of practice.")

    def link(self):
        return reverse("community:index")

    def threads(self):
        return (
            Thread.objects.filter(
                is_hidden=False, community__visibility=Community.Visibility.PUBLIC
            )
            .select_related("community", "author")
            .prefetch_related(Prefetch("posts", queryset=Post.objects.filter(number=1)))
            .order_by("-created_at")
        )

    def items(self):
        return self.threads()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        from lms.sanitizer import sanitize_html

        first = next((p for p in item.posts.all() if p.number == 1), None)
        return sanitize_html(first.html) if first and not first.is_hidden else ""

    def item_link(self, item):
        return reverse("community:thread", args=[item.community.slug, item.pk])

    def item_author_name(self, item):
        return str(item.author)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.last_post_at


class CommunityThreadsFeed(LatestThreadsFeed):
    def get_object(self, request, slug):
        community = get_object_or_404(Community, slug=slug)
        if community.is_private:
            raise Http404
        return community

    def title(self, obj):
        return obj.name

    def subtitle(self, obj):
        return obj.description

    def link(self, obj):
        return reverse("community:community", args=[obj.slug])

    def items(self, obj):
        return self.threads().filter(community=obj)[:FEED_SIZE]
