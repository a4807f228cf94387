"""A signed-in learner's own pages (a course, a lesson), rendered once and served again to
the same session until something they show changes (docs/decisions/0608-learner-page-cache.md).

What is kept: a GET of a page whose context opted in (``mark_cacheable``), answered 200 to
a signed-in person who is not staff, with no message waiting, a CSRF secret that came with
the request (so the tokens in the page stay valid for this session), nothing written to
the session or set as a cookie while rendering. It is kept in the page cache's store
(Redis when there is one, shared by every app server) under a key made of:

- the person and their session (a new sign-in, another person, a session ended or cycled,
  another CSRF secret: another key; nothing is ever shared between sessions, let alone
  between people);
- host, address and language; today's date (modules open on a date);
- the unread count the header shows;

and it is served only while these are the ones it was rendered under (kept in the entry,
read with it in one round trip):

- the page cache's content generation (any page, snippet or image edited);
- the person's *learning state version* and their organisation's (a team's submissions),
  and the *delivery version* (cohorts, class sessions, packages: rare staff edits), each
  replaced by every write that changes what the pages show (``learning_state_changed``, the
  model signals of ``LEARNER_STATE_MODELS``, and the learning-record store's
  ``statements_recorded``).

Each value is read before the page is rendered, and each version is replaced again when
the writing transaction commits, so a page rendered from data older than a write is never
served after it. The browser is told ``private, no-store``; the form token lesson pages
carry (a statement id's seed) is made afresh for each answer served from here.
"""

import datetime as dt
import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

STATE_PREFIX = "learner-pages:state:"
DELIVERY_KEY = f"{STATE_PREFIX}delivery"
# v2: (expires, the state versions it was rendered under, status, headers, body, has the
# form token), keyed without the versions (v1 held them in its key).
ENTRY_PREFIX = "learner-pages:page:v2:"
HIT_HEADER = "X-Learner-Cache"
# Stands for the page's form token in a kept body; 36 characters, like a UUID's text.
FORM_ID_PLACEHOLDER = "00000000-form-token-placeholder-0000"
# Headers the response middleware sets again on every answer.
UNKEPT_HEADERS = {"set-cookie", "content-length", HIT_HEADER.lower()}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _new_version() -> str:
    return f"{time.time_ns():x}"


def learner_key(learner_id) -> str:
    return f"{STATE_PREFIX}learner:{learner_id}"


def organisation_key(organisation_id) -> str:
    return f"{STATE_PREFIX}organisation:{organisation_id}"


# --- what changes a learner's pages -------------------------------------------------------


def learning_state_changed(*, learner_ids=(), organisation_ids=(), delivery=False) -> None:
    """What these learners (the people of these organisations; with ``delivery``, every
    learner) see on their course and lesson pages has changed: their kept pages are void.
    Again when the transaction commits: a page rendered in between read the data from
    before the change, under the new version."""
    keys = {learner_key(pk) for pk in learner_ids if pk}
    keys.update(organisation_key(pk) for pk in organisation_ids if pk)
    if delivery:
        keys.add(DELIVERY_KEY)
    versions_replaced(keys)


def versions_replaced(keys) -> None:
    """Replace these state versions (any page keyed on one of them is void), now and again
    when the transaction commits."""
    keys = set(keys)
    if not keys:
        return
    _replace_versions(keys)
    transaction.on_commit(lambda: _replace_versions(keys))


def _replace_versions(keys) -> None:
    version = _new_version()
    try:
        if len(keys) == 1:  # a statement's learner: one SET, not a MULTI/EXEC of one
            _cache().set(next(iter(keys)), version, timeout=None)
        else:
            _cache().set_many(dict.fromkeys(keys, version), timeout=None)
    except Exception:  # the cache down must not stop a write; kept pages expire by themselves
        logger.exception("learner page cache: could not replace a learning state version")


def current_versions(keys: list[str], found: dict | None = None) -> list[str]:
    """The current value of each version (the content generation's among them), starting
    one where none is stored (never stored, or evicted: pages kept under an evicted version
    are void). ``found``: what a read of these keys (with others) already returned; else
    one round trip to the store when they are all there."""
    cache = _cache()
    found = dict(cache.get_many(keys) if found is None else found)
    for key in keys:
        if found.get(key) is None:
            cache.add(key, _new_version(), timeout=None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def _spec_learners(instance, spec: tuple[str, ...]):
    learners, organisations, delivery = set(), set(), False
    for item in spec:
        if item == "delivery":
            delivery = True
            continue
        scope, _, path = item.partition(":")
        value = instance
        for name in path.split("."):
            value = getattr(value, name, None)
            if value is None:
                break
        if value is not None:
            (learners if scope == "learner" else organisations).add(value)
    return learners, organisations, delivery


def _on_model_written(sender, instance, **kwargs) -> None:
    spec = _state_models().get(sender)
    if spec is None:
        return
    learners, organisations, delivery = _spec_learners(instance, spec)
    if sender is get_user_model() and not _only_sign_in(kwargs.get("update_fields")):
        # A person's name shows on their teammates' pages too (a team's submissions).
        organisations.add(getattr(instance, "organisation_id", None))
    learning_state_changed(learner_ids=learners, organisation_ids=organisations, delivery=delivery)


def _only_sign_in(update_fields) -> bool:
    """A save of the sign-in time alone (every sign-in) shows nowhere on a learner's page."""
    return bool(update_fields) and set(update_fields) <= {"last_login"}


def _on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Groups decide which restricted pages a person may open."""
    if action == "pre_clear" and reverse:
        # Emptying a group names nobody: void its members while they are still in it.
        people = get_user_model().objects.filter(groups=instance).values_list("pk", flat=True)
        learning_state_changed(learner_ids=set(people))
        return
    if not action.startswith("post_"):
        return
    if reverse:  # people added to or removed from a group
        people = get_user_model().objects.filter(groups=instance).values_list("pk", flat=True)
        learning_state_changed(learner_ids={*(pk_set or ()), *people})
    else:
        learning_state_changed(learner_ids=[instance.pk])


def _on_group_deleted(sender, instance, **kwargs) -> None:
    """Its memberships go by cascade, which sends no m2m signal."""
    people = get_user_model().objects.filter(groups=instance).values_list("pk", flat=True)
    learning_state_changed(learner_ids=set(people))


def _on_restriction_groups_changed(sender, action, **kwargs) -> None:
    """Which groups may open a restricted page (saved after the restriction itself)."""
    if action.startswith("post_"):
        learning_state_changed(delivery=True)


# The statement verbs a learner's kept pages read (``statement_verbs_shown``); None until a
# room declares any: then every statement voids the learner's pages.
_VERBS_SHOWN: dict[str, set[str] | None] = {"verbs": None}


def statement_verbs_shown(verbs) -> None:
    """Declare that kept pages read statements with these verbs (a room whose pages read the
    learning-record store calls this from its ready()). Statements with none of the verbs
    declared then leave the learner's kept pages alone: the learner's version is not
    replaced, which spares the write a round trip to the store (decision 0630). A room whose
    pages read statements of any verb passes ``verbs=None``."""
    if verbs is None:
        _VERBS_SHOWN["every"] = True
        return
    _VERBS_SHOWN["verbs"] = {*(_VERBS_SHOWN["verbs"] or ()), *verbs}


def statements_shown(statements) -> bool:
    """Whether any of these statements may change what a learner's kept pages show."""
    shown = _VERBS_SHOWN["verbs"]
    if shown is None or _VERBS_SHOWN.get("every"):
        return True
    return any(statement.verb in shown for statement in statements)


def _on_statements_recorded(sender, actor, statements=None, **kwargs) -> None:
    if statements is not None and not statements_shown(statements):
        # Nothing a kept page reads: "experienced", "attempted", "interacted"... Writes the
        # rooms' receivers make in the same transaction are followed by their own models'
        # signals (LEARNER_STATE_MODELS) or call learning_state_changed.
        return
    keys = {learner_key(actor.pk)}
    if len(transaction.get_connection().atomic_blocks) > 1:
        versions_replaced(keys)  # an enclosing transaction goes on after the store's block
        return
    # The store's block is the outermost one (every statement sent to the API): it commits
    # right after its receivers, so the replacement on commit is the one that counts (a
    # page rendered in between read the records from before, under the version being
    # replaced). One round trip to the store on every write instead of two.
    transaction.on_commit(lambda: _replace_versions(keys))


_MODELS: dict[str, dict] = {}


def _state_models() -> dict:
    if "models" not in _MODELS:
        from django.apps import apps

        _MODELS["models"] = {
            apps.get_model(label): tuple(spec)
            for label, spec in settings.LEARNER_STATE_MODELS.items()
        }
    return _MODELS["models"]


def connect() -> None:
    """Listen for every write a learner's pages show (called from the portal's ready())."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
    from wagtail.models import PageViewRestriction

    from lms.records.signals import statements_recorded

    for model in _state_models():
        post_save.connect(_on_model_written, sender=model, dispatch_uid=f"learner_state.s.{model}")
        post_delete.connect(
            _on_model_written, sender=model, dispatch_uid=f"learner_state.d.{model}"
        )
    statements_recorded.connect(_on_statements_recorded, dispatch_uid="learner_state.statements")
    m2m_changed.connect(
        _on_groups_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="learner_state.groups",
    )
    pre_delete.connect(_on_group_deleted, sender=Group, dispatch_uid="learner_state.group_deleted")
    m2m_changed.connect(
        _on_restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="learner_state.restriction_groups",
    )


# --- the pages ----------------------------------------------------------------------------


def mark_cacheable(request, *, until: dt.datetime | None = None, form_token=None) -> None:
    """Let this page be kept for the learner, until ``until`` at the latest (something it
    shows ends then); ``form_token``: the page's one-time form token, made afresh for each
    answer."""
    expires = time.time() + settings.LEARNER_PAGE_CACHE_SECONDS
    if until is not None:
        expires = min(expires, until.timestamp())
    request.learner_page_cache = {"expires": expires, "form_token": form_token}


def _may_use(request) -> bool:
    if request.method != "GET" or not settings.LEARNER_PAGE_CACHE_ENABLED:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return False  # staff see the editing bar, and edits in progress
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return False
    # Tokens in a kept page are valid for the CSRF secret the request came with; a request
    # without one gets a new secret, set as a cookie on its answer.
    if not request.META.get("CSRF_COOKIE"):
        return False
    # A message waiting is shown once, on a page rendered for it.
    return not len(get_messages(request))


def _request_key(request, values=()) -> str | None:
    """The entry's key: whose page, in which session, which page. The state versions it
    was rendered under are kept in the entry and compared (``_state_keys``), so the page
    rendered again after a write replaces the entry it voided."""
    from lms.notifications.selectors import unread_count

    user = request.user
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    csrf_secret = hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest()
    source = "\n".join(
        [
            str(user.pk),
            request.session.session_key,
            csrf_secret,
            host,
            get_language() or "",
            request.get_full_path(),
            timezone.localdate().isoformat(),
            str(unread_count(user=user)),
            *values,
        ]
    )
    return ENTRY_PREFIX + hashlib.sha256(source.encode()).hexdigest()


def _state_keys(request, state_keys=()) -> list[str]:
    from lms.page_cache import GENERATION_KEY

    user = request.user
    keys = [GENERATION_KEY, learner_key(user.pk), DELIVERY_KEY, *state_keys]
    if getattr(user, "organisation_id", None):
        keys.append(organisation_key(user.organisation_id))
    return keys


def private(response):
    """For the browser and any cache on the way: this person's page, not to be kept."""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    patch_vary_headers(response, ["Cookie"])
    return response


def cached_response(request, *, state_keys=(), values=()):
    """The page kept for this request, or None (then the caller renders it and passes the
    answer to ``keep``). A page outside the learner's course pages names the other
    versions it shows (``state_keys``, replaced with ``versions_replaced``) and the values
    it read for its key (``values``: strings read before rendering)."""
    request.learner_page_cache_key = None
    if not _may_use(request):
        return None
    try:
        key = _request_key(request, values)
        if key is None:
            return None
        # The versions and the entry in one round trip: the entry holds the versions it
        # was rendered under, served only while they are all still current.
        keys = _state_keys(request, state_keys)
        found = _cache().get_many([*keys, key])
        versions = tuple(current_versions(keys, found))
    except Exception:
        logger.exception("learner page cache: lookup failed")
        return None
    request.learner_page_cache_key = key
    request.learner_page_cache_versions = versions
    request.learner_page_cache_csrf = request.META["CSRF_COOKIE"]
    stored = found.get(key)
    if stored is None:
        return None
    expires, rendered_under, status, headers, body, has_token = stored
    if rendered_under != versions or expires <= time.time():
        return None
    if has_token:
        body = body.replace(FORM_ID_PLACEHOLDER.encode(), str(uuid.uuid4()).encode())
    response = HttpResponse(body, status=status, headers=dict(headers))
    response[HIT_HEADER] = "hit"
    # As a page that used the token does: the cookie is sent again, its expiry renewed.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return private(response)


def keep(request, response):
    """Keep the answer of a page that opted in, when it may be served again."""
    marked = getattr(request, "learner_page_cache", None)
    key = getattr(request, "learner_page_cache_key", None)
    if marked is None or not request.user.is_authenticated:
        return response  # an anonymous visitor's page may be shared (lms.page_cache)
    private(response)
    if key is None or not _keepable(request, response):
        return response
    body = response.content
    token = marked["form_token"]
    has_token = bool(token) and str(token).encode() in body
    if has_token:
        body = body.replace(str(token).encode(), FORM_ID_PLACEHOLDER.encode())
    headers = [(k, v) for k, v in response.items() if k.lower() not in UNKEPT_HEADERS]
    timeout = marked["expires"] - time.time()
    if timeout < 1:
        return response
    try:
        _cache().set(
            key,
            (
                marked["expires"],
                request.learner_page_cache_versions,
                response.status_code,
                headers,
                body,
                has_token,
            ),
            timeout=int(timeout),
        )
    except Exception:
        logger.exception("learner page cache: store failed")
        return response
    response[HIT_HEADER] = "miss"
    return response


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE") != request.learner_page_cache_csrf:
        return False  # a new CSRF secret (the tokens in the page are for it alone)
    if getattr(request, "session", None) is not None and request.session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or not (storage.used or len(storage))
