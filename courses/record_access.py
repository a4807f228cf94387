"""Which of a course's pages a learner may record learning about, kept per learner
(docs/decisions/0123-record-access-kept-per-learner.md).

Every statement a learner sends about a lesson, a question, a test or a step asks
``courses.selectors.page_standing`` whether they are enrolled in its course and when its
module opens for them: two queries, about two fifths of a statement write; so does the
interactive room's access check (may they record an H5P or SCORM result on this page?) and
the completion receiver (which of these pages are in courses they take?). The answer
changes only when one of the rows it reads changes, so it is kept in the page cache's store
(Redis when there is one, shared by every app server) in one entry per learner, a map of
page id to the day the page opens for them (or that they may not record about it, or that
no course contains it), with the two versions it was computed under:

- the learner's *enrolment version*, replaced when one of their enrolments is saved or
  deleted (enrolling, leaving, moving to another cohort);
- the *structure version*, replaced when any page is saved, deleted or moved (a module's
  month, a course's pages) or a cohort is saved or deleted (its start date), for every
  learner: these are rare staff edits.

The date is not in the entry: the day a module opens is kept, and compared with today on
each read. As with the learner's kept pages (decision 0608), each version is replaced at
once and again when the writing transaction commits, and both are read before the rows, so
an answer computed from rows older than a write is never used after it. A write that
bypasses model signals (``QuerySet.update()`` of an enrolment's ``enrolled_at`` or
``cohort``, a cohort's ``start_date``, a page's path) must call ``record_access_changed``.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import caches

from courses.selectors import OUTSIDE_COURSES, PageAccess, access_on, page_standing
from lms.accounts.sessions import read_ahead_register, read_ahead_taken
from lms.learner_page_cache import current_versions, versions_replaced

logger = logging.getLogger(__name__)

PREFIX = "course-access:"
STRUCTURE_KEY = f"{PREFIX}structure"
# v2: (structure version, enrolment version, {page id: page_standing's answer}); v1 did not
# tell a page outside courses from one the learner is not enrolled in.
ENTRY_PREFIX = f"{PREFIX}entry:v2:"
# A learner records about the pages of the courses they take; past this many pages the
# entry starts again from the pages of the request.
MAX_PAGES = 2000
ENTRY_SECONDS = 24 * 3600


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def enrolment_key(learner_id) -> str:
    return f"{PREFIX}enrolments:{learner_id}"


def entry_key(learner_id) -> str:
    return f"{ENTRY_PREFIX}{learner_id}"


def record_access_changed(*, learner_ids=(), everyone=False) -> None:
    """What these learners (with ``everyone``, all learners) may record about has changed:
    their kept answers are void, now and again when the transaction commits."""
    keys = {enrolment_key(pk) for pk in learner_ids if pk}
    if everyone:
        keys.add(STRUCTURE_KEY)
    versions_replaced(keys)


def read_keys(learner_id) -> list[str]:
    """The keys an answer is read from: the two versions and the learner's entry."""
    return [STRUCTURE_KEY, enrolment_key(learner_id), entry_key(learner_id)]


def _versions(cache, learner) -> tuple[tuple[str, str], object]:
    """The two versions (started where none is stored, as the learner page cache starts
    its own) and the learner's entry, in one round trip to the store when the versions are
    there; none when the request read them with its session (a statement sent to the
    record store: ``lms.accounts.sessions``, decision 0630)."""
    keys = read_keys(learner.pk)
    found = read_ahead_taken(learner, keys)
    if found is None:
        found = cache.get_many(keys)
    return tuple(current_versions(keys[:2], found)), found.get(keys[2])


def page_access_kept(
    *,
    learner,
    page_ids: set[int],
    today: dt.date | None = None,
    paths: dict[int, str] | None = None,
) -> PageAccess:
    """``courses.selectors.page_access``, from the learner's kept entry when it holds every
    page and was computed under the current versions; the pages it lacks are computed (two
    queries, one when the caller read their ``paths`` in this request) and added to it."""
    if not learner.is_authenticated or not page_ids:
        return PageAccess(enrolled=set(), opens_on={})
    cache = _cache()
    try:
        versions, entry = _versions(cache, learner)
    except Exception:  # the store down must not stop a learner's records
        logger.exception("record access: could not read the kept answers")
        return access_on(
            page_standing(learner=learner, page_ids=page_ids, paths=paths), today=today
        )
    kept = entry[1] if entry is not None and entry[0] == versions else {}
    missing = page_ids - kept.keys()
    if missing:
        found = page_standing(learner=learner, page_ids=missing, paths=paths)
        # A page that does not exist is in no course.
        computed = {pk: found.get(pk, OUTSIDE_COURSES) for pk in missing}
        kept = {**kept, **computed} if len(kept) + len(computed) <= MAX_PAGES else computed
        try:
            cache.set(entry_key(learner.pk), (versions, kept), timeout=ENTRY_SECONDS)
        except Exception:
            logger.exception("record access: could not keep an answer")
    return access_on({pk: kept[pk] for pk in page_ids}, today=today)


_WATCHED: dict[str, type] = {}


def _watched() -> dict[str, type]:
    if not _WATCHED:
        from wagtail.models import Page

        from courses.models import Cohort, Enrolment

        _WATCHED.update(enrolment=Enrolment, everyone=(Page, Cohort))
    return _WATCHED


def _on_written(sender, instance, **kwargs) -> None:
    watched = _watched()
    if isinstance(instance, watched["enrolment"]):
        record_access_changed(learner_ids=[instance.learner_id])
    elif isinstance(instance, watched["everyone"]):
        record_access_changed(everyone=True)


def _on_page_moved(sender, **kwargs) -> None:
    record_access_changed(everyone=True)


def connect() -> None:
    """Listen for every write the kept answers depend on, and read a learner's answers with
    their session when they send statements (called from courses' ready())."""
    read_ahead_register(method="POST", path="/api/records/statements", keys=read_keys)
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import post_page_move

    post_save.connect(_on_written, dispatch_uid="record_access.saved")
    post_delete.connect(_on_written, dispatch_uid="record_access.deleted")
    post_page_move.connect(_on_page_moved, dispatch_uid="record_access.moved")
