"""The part of a post in a thread that is the same for every reader (author and roles, date,
"edited", the moderator's notice, "in reply to", the cleaned text, attachments), rendered
once per process and kept (docs/decisions/0303-thread-post-fragments.md).

The fragment is a pure function of its key: the key holds every value the fragment shows
(the post's text and moderation state, its author's name and roles, the quoted author's
name, the attachments, the language and time zone), read from the rows the page loads
anyway. An edit, a hide, a renamed or erased author, another language: each is a new key,
so the next request renders the new fragment; nothing has to be invalidated, and no other
app server can serve an old one. Only what depends on the reader (new, accepted, reactions
pressed, the buttons they may use, CSRF tokens) is rendered per request.
"""

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lms.accounts.models import STAFF_ROLES, Role
from lms.sanitizer import sanitize_html

# Twenty posts a page: 2,048 fragments are a hundred pages of threads per process and
# language, a few megabytes.
FRAGMENTS_KEPT = 2048
# Roles a thread shows beside an author's name: not staff roles (public_roles), nor
# "worker", which nearly everyone is.
HIDDEN_ROLES = frozenset({*STAFF_ROLES, Role.Code.WORKER})


class AttachmentShown(NamedTuple):
    token: str
    name: str
    size: int
    is_image: bool


class PostShown(NamedTuple):
    """Everything the shared part of a post shows, and nothing else."""

    pk: int
    number: int
    author_pk: int
    author_name: str
    role_codes: tuple[str, ...]
    created_at: dt.datetime
    edited_at: dt.datetime | None
    is_hidden: bool
    hidden_reason: str
    reply_to_pk: int | None
    reply_to_author: str
    reply_to_number: int | None
    html: str
    attachments: tuple[AttachmentShown, ...]
    language: str
    time_zone: str


class PostFragment(NamedTuple):
    byline: SafeString  # inside the post's <header>, before the per-reader tags
    content: SafeString  # between the header and the per-reader footer
    # The addresses the footer's buttons use: the same for every reader, who sees the ones
    # they may use.
    react_url: str
    edit_url: str
    flag_url: str
    accept_url: str
    moderate_url: str  # hide, or show a hidden post


def post_shown(post) -> PostShown:
    """The key of ``post``'s fragment, from a post loaded by ``selectors.thread_page``
    (author with roles, the quoted post with its author, attachments)."""
    author = post.author
    reply_to = post.reply_to
    return PostShown(
        pk=post.pk,
        number=post.number,
        author_pk=author.pk,
        author_name=str(author.public_name),
        role_codes=tuple(r.code for r in author.roles.all() if r.code not in HIDDEN_ROLES),
        created_at=post.created_at,
        edited_at=post.edited_at,
        is_hidden=post.is_hidden,
        hidden_reason=post.hidden_reason,
        reply_to_pk=reply_to.pk if reply_to else None,
        reply_to_author=str(reply_to.author.public_name) if reply_to else "",
        reply_to_number=reply_to.number if reply_to else None,
        html=post.html,
        attachments=tuple(
            AttachmentShown(a.token, a.name, a.size, a.is_image) for a in post.attachments.all()
        ),
        language=get_language() or "",
        time_zone=timezone.get_current_timezone_name(),
    )


def post_fragment(post) -> PostFragment:
    return _render(post_shown(post))


@lru_cache(maxsize=FRAGMENTS_KEPT)
def _render(shown: PostShown) -> PostFragment:
    labels = dict(Role.Code.choices)
    context = {
        "post": shown,
        "roles": [str(labels.get(code, code)) for code in shown.role_codes],
        "html": mark_safe(sanitize_html(shown.html)),
    }
    pk = shown.pk
    return PostFragment(
        byline=_rendered("community/includes/post_byline.html", context),
        content=_rendered("community/includes/post_content.html", context),
        react_url=reverse("community:post_react", args=[pk]),
        edit_url=reverse("community:post_edit", args=[pk]),
        flag_url=reverse("community:post_flag", args=[pk]),
        accept_url=reverse("community:post_accept", args=[pk]),
        moderate_url=reverse(
            "community:post_moderate", args=[pk, "show" if shown.is_hidden else "hide"]
        ),
    )


def _rendered(template_name: str, context: dict) -> SafeString:
    return mark_safe(get_template(template_name).render(context).strip())
