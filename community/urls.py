"""Public, language-prefixed URLs of community (mounted at /<lang>/community/)."""

from django.urls import path, register_converter

from . import feeds, views

app_name = "community"


class ModerationActionConverter:
    regex = "hide|show"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ModerationActionConverter, "modaction")

# Words that cannot be community slugs because these pages use them.
RESERVED_SLUGS = {
    "search",
    "notifications",
    "settings",
    "people",
    "messages",
    "unsubscribe",
    "posts",
    "flags",
    "feed",
}

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.LatestThreadsFeed(), name="feed"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
    path("settings/", views.preferences, name="preferences"),
    path("people/", views.directory, name="directory"),
    # People pages are addressed by number: usernames (what people sign in with) stay off
    # public pages. A mention (@username, typed by a writer) leads there through a redirect.
    path("people/id/<int:pk>/", views.person, name="person"),
    path("people/<str:username>/", views.person_by_username, name="person_by_username"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("posts/<int:pk>/", views.post_redirect, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/history/", views.post_history, name="post_history"),
    path("posts/<int:pk>/react/", views.post_react, name="post_react"),
    path("posts/<int:pk>/accept/", views.post_accept, name="post_accept"),
    path("posts/<int:pk>/flag/", views.post_flag, name="post_flag"),
    path("posts/<int:pk>/<modaction:action>/", views.post_moderate, name="post_moderate"),
    path("flags/<int:pk>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("<str:slug>/", views.community_detail, name="community"),
    path("<str:slug>/feed/", feeds.CommunityThreadsFeed(), name="community_feed"),
    path("<str:slug>/join/", views.community_join, name="join"),
    path("<str:slug>/leave/", views.community_leave, name="leave"),
    path("<str:slug>/new/", views.thread_create, name="thread_create"),
    path("<str:slug>/moderation/", views.moderation_queue, name="moderation"),
    path("<str:slug>/members/", views.members, name="members"),
    path("<str:slug>/audit/", views.audit, name="audit"),
    path("<str:slug>/c/<str:category_slug>/watch/", views.category_watch, name="category_watch"),
    path("<str:slug>/t/<int:pk>/", views.thread_detail, name="thread"),
    path("<str:slug>/t/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("<str:slug>/t/<int:pk>/move/", views.thread_move, name="thread_move"),
    path("<str:slug>/t/<int:pk>/watch/", views.thread_watch, name="thread_watch"),
]
