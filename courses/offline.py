"""Learning offline (issue 23): what a phone stores to learn a course or a module without the
network, the answer key it may use to check answers itself, and the sync of the results it
queued while offline.

``offline_manifest`` lists every address a kept course or module needs (its pages, the
images and the lightest video and audio renditions its lessons embed, its H5P content and
the libraries that content needs, the scripts and styles of its pages), each with its size
in bytes and a version hash, so the phone fetches only what changed when the course changes.

``offline_results_sync`` records a batch of results queued on a phone. Each result carries
the id the phone made for it; the statement stored for it is derived from that id, so a
result sent twice is stored once. Results are recorded one by one through the courses'
services (which score answers on the server), so one refused result (a module that has not
opened, a question removed from the lesson) is reported with its reason and never blocks the
others.
"""

import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import Page

from courses import selectors, services
from courses.models import CoursePage, LessonPage, ModulePage
from courses.record_access import page_access_kept
from lms.records import verbs
from lms.records.activities import activity_id
from lms.records.models import Statement
from lms.records.services import StatementError, statements_record

MAX_SYNC_ITEMS = 50
# The scripts and styles a kept lesson, course or test page loads beyond the site's shell
# (which the service worker keeps at install: see media_library.views.SHELL_ASSETS).
PAGE_ASSETS = [
    "css/site.css",
    "vendor/fonts.css",
    "css/courses.css",
    "img/icon.svg",
    "js/media_library/register-sw.js",
    "js/courses/lesson.js",
    "js/courses/offline-store.js",
    "js/courses/offline-learn.js",
]
# The interactive players' scripts and styles: those of the page, then those of the H5P
# frame (its own document: not part of the page shell; offline the page posts them to it).
INTERACTIVE_ASSETS = [
    "css/interactive.css",
    "js/interactive/player.js",
    "js/interactive/h5p-offline.js",
]
H5P_FRAME_ASSETS = [
    "css/interactive-frame.css",
    "js/interactive/storage-shim.js",
    "js/interactive/h5p-frame.js",
    "vendor/h5p-standalone/main.bundle.js",
    "vendor/h5p-standalone/frame.bundle.js",
    "vendor/h5p-standalone/styles/h5p.css",
]
IMAGE_FILTER = "width-800"  # what courses/blocks/image.html shows


@dataclass
class ManifestItem:
    url: str
    bytes: int
    hash: str
    kind: str
    estimated: bool = False

    def as_json(self) -> dict:
        data = {"url": self.url, "bytes": self.bytes, "hash": self.hash, "kind": self.kind}
        if self.estimated:
            data["estimated"] = True
        return data


@dataclass
class Manifest:
    course: CoursePage
    scope: Page
    cache: str
    local_scoring: bool
    items: list[ManifestItem] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(item.bytes for item in self.items)

    @property
    def version(self) -> str:
        digest = hashlib.sha256()
        for item in sorted(self.items, key=lambda i: i.url):
            digest.update(f"{item.url} {item.hash}\n".encode())
        return digest.hexdigest()[:16]

    def as_json(self) -> dict:
        return {
            "course": self.course.pk,
            "scope": self.scope.pk,
            "title": self.scope.title,
            "language": self.scope.locale.language_code,
            "cache": self.cache,
            "key": f"page-{self.scope.pk}",
            "version": self.version,
            "local_scoring": self.local_scoring,
            "bytes": self.bytes,
            "items": [item.as_json() for item in self.items],
        }


def _short_hash(*parts) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:16]


@lru_cache(maxsize=256)
def _static_file(name: str, mtime_key: float) -> tuple[int, str]:
    path = finders.find(name)
    with open(path, "rb") as file:
        data = file.read()
    return len(data), hashlib.sha256(data).hexdigest()[:16]


def _static_item(name: str, kind: str = "static") -> ManifestItem | None:
    path = finders.find(name)
    if not path:
        return None
    size, digest = _static_file(name, os.path.getmtime(path))
    return ManifestItem(url=static(name), bytes=size, hash=digest, kind=kind)


def _page_item(page, request, kind="page") -> ManifestItem:
    """A page's size is estimated from its content (the page is rendered for each learner,
    with their progress); its hash changes whenever it is published again."""
    body = getattr(page, "body", None)
    content = json.dumps(list(body.raw_data), default=str) if body is not None else ""
    return ManifestItem(
        url=page.get_url(request=request),
        bytes=PAGE_SHELL_BYTES + len(content.encode()) + len(page.title.encode()),
        hash=_short_hash(page.pk, page.latest_revision_id, page.last_published_at),
        kind=kind,
        estimated=True,
    )


# The HTML around a page's own content (header, navigation, footer), measured on a lesson
# page; tests/courses/test_offline.py checks it stays close.
PAGE_SHELL_BYTES = 9000


def _stored_files(storage, prefix: str):
    """(name, size) of every file under ``prefix`` in ``storage``, depth first."""
    try:
        directories, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return
    for name in sorted(files):
        yield f"{prefix}/{name}", storage.size(f"{prefix}/{name}")
    for directory in sorted(directories):
        yield from _stored_files(storage, f"{prefix}/{directory}")


def _h5p_items(content, language) -> list[ManifestItem]:
    from media_library.interactive import package_files
    from media_library.interactive.selectors import h5p_content_for_language

    content = h5p_content_for_language(content=content, language=language)
    if not content.is_ready:
        return []
    storage = package_files.storage()
    items = [
        ManifestItem(
            url=package_files.player_url("h5p_player", uuid=content.uuid) + f"?lang={language}",
            bytes=4000,
            hash=_short_hash(content.uuid, content.pk),
            kind="h5p",
            estimated=True,
        )
    ]
    folders = [content.storage_prefix] + [
        f"{package_files.LIBRARIES}/{library.folder}" for library in content.libraries.all()
    ]
    for folder in folders:
        for name, size in _stored_files(storage, folder):
            relative = name.removeprefix(f"{package_files.ROOT}/")
            items.append(
                ManifestItem(
                    url=package_files.file_url(relative),
                    bytes=size,
                    hash=_short_hash(name, size, content.pk),
                    kind="h5p",
                )
            )
    return items


def _h5p_offline_player_items() -> list[ManifestItem]:
    """The document the page frames to play H5P offline (decision 0205): one for all content.
    None when packages have an origin of their own: H5P is then online only."""
    from django.template.loader import render_to_string

    from media_library.interactive import package_files

    if package_files.is_separate_origin():
        return []
    body = render_to_string("interactive/h5p_offline_player.html").encode()
    return [
        ManifestItem(
            url=reverse("interactive_api:h5p_offline_player"),
            bytes=len(body),
            hash=hashlib.sha256(body).hexdigest()[:16],
            kind="h5p",
        )
    ]


def _video_items(video, language) -> list[ManifestItem]:
    """The lightest video rendition, the audio-only track, captions and poster."""
    from media_library.selectors import player_for_video

    player = player_for_video(video=video, language=language)
    if player is None:
        return []
    items = []
    for option in (player.default_option, player.audio_option):
        if option is not None:
            items.append(
                ManifestItem(
                    url=option.url,
                    bytes=option.size,
                    hash=_short_hash(option.url, option.size),
                    kind="audio" if option.is_audio else "video",
                )
            )
    for caption in player.captions:
        if caption.language == language:
            items.append(
                ManifestItem(
                    url=caption.url, bytes=2000, hash=_short_hash(caption.url), kind="captions"
                )
            )
            items[-1].estimated = True
    return items


def _image_item(image) -> ManifestItem:
    rendition = image.get_rendition(IMAGE_FILTER)
    try:
        size = rendition.file.size
    except (OSError, ValueError):
        size = 0
    return ManifestItem(
        url=rendition.url, bytes=size, hash=_short_hash(rendition.file.name), kind="image"
    )


def _lesson_media(lesson, language) -> tuple[list[ManifestItem], bool]:
    items, interactive = [], False
    for block in lesson.body:
        if block.block_type == "image" and block.value:
            items.append(_image_item(block.value))
        elif block.block_type == "video" and block.value.get("video"):
            items.extend(_video_items(block.value["video"], language))
        elif block.block_type == "h5p" and block.value.get("content"):
            interactive = True
            items.extend(_h5p_items(block.value["content"], language))
    return items, interactive


def course_and_scope(*, page_id: int) -> tuple[CoursePage, Page]:
    """The course (as served, in the page's language) and the kept part: the course itself
    or one of its modules. Only live pages can be kept."""
    page = Page.objects.live().filter(pk=page_id).specific().first()
    if isinstance(page, CoursePage):
        return page, page
    if isinstance(page, ModulePage):
        parent = page.get_parent().specific
        if isinstance(parent, CoursePage) and parent.live:
            return parent, page
    raise Http404


def _enrolled_course(*, learner, course: CoursePage) -> CoursePage:
    canonical = selectors.canonical_page(course).specific
    if selectors.enrolment_for(learner=learner, course=canonical) is None:
        raise PermissionDenied
    return canonical


def offline_manifest(*, learner, page_id: int, request) -> Manifest:
    """What to store to learn ``page_id`` (a course or a module) offline; only for learners
    enrolled in its course."""
    course_here, scope = course_and_scope(page_id=page_id)
    canonical = _enrolled_course(learner=learner, course=course_here)
    structure = selectors.course_structure(course=canonical, locale=course_here.locale)
    language = course_here.locale.language_code
    if isinstance(scope, ModulePage):
        modules = [m for m in structure.modules if m.page.pk == scope.pk]
        lessons = [lesson for m in modules for lesson in m.lessons]
    else:
        modules = structure.modules
        lessons = structure.lessons
    manifest = Manifest(
        course=canonical,
        scope=scope,
        cache=f"bw-course-{canonical.pk}",
        local_scoring=canonical.offline_scoring,
    )
    items = manifest.items
    items.append(_page_item(course_here, request, kind="course"))
    items.extend(_page_item(m.page, request, kind="module") for m in modules)
    interactive = False
    for lesson in lessons:
        items.append(_page_item(lesson, request, kind="lesson"))
        media, has_interactive = _lesson_media(lesson, language)
        items.extend(media)
        interactive = interactive or has_interactive
    with override(language):
        if scope.pk == course_here.pk and course_here.test_questions:
            for phase in ("pre", "post"):
                items.append(
                    ManifestItem(
                        url=reverse("courses:test", args=[course_here.pk, phase]),
                        bytes=PAGE_SHELL_BYTES
                        + len(json.dumps(list(course_here.test_questions.raw_data)).encode()),
                        hash=_short_hash(course_here.pk, course_here.latest_revision_id, phase),
                        kind="test",
                        estimated=True,
                    )
                )
        kept_page = reverse("courses:offline_kept")
        catalogue = reverse("javascript-catalog")
    items.append(
        ManifestItem(
            url=kept_page, bytes=PAGE_SHELL_BYTES, hash=_short_hash("kept", language), kind="page"
        )
    )
    items.append(
        ManifestItem(
            url=catalogue,
            bytes=4000,
            hash=_short_hash("catalogue", language),
            kind="static",
            estimated=True,
        )
    )
    if interactive:
        items.extend(_h5p_offline_player_items())
    for name in PAGE_ASSETS + (INTERACTIVE_ASSETS if interactive else []):
        item = _static_item(name)
        if item is not None:
            items.append(item)
    for name in H5P_FRAME_ASSETS if interactive else []:
        item = _static_item(name, kind="h5p")
        if item is not None:
            items.append(item)
    if manifest.local_scoring:
        key = answer_key(learner=learner, page_id=page_id)
        data = json.dumps(key, sort_keys=True).encode()
        items.append(
            ManifestItem(
                url=reverse("courses_api:offline_answers", args=[scope.pk]),
                bytes=len(data),
                hash=hashlib.sha256(data).hexdigest()[:16],
                kind="answers",
            )
        )
    seen, unique = set(), []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            unique.append(item)
    manifest.items = unique
    return manifest


def answer_key(*, learner, page_id: int) -> dict:
    """The right answers of the knowledge checks (and the course's test) of a kept part,
    so the phone can check answers offline: only for enrolled learners, and only when the
    course allows it (otherwise answers are checked when they reach the site)."""
    course_here, scope = course_and_scope(page_id=page_id)
    canonical = _enrolled_course(learner=learner, course=course_here)
    if not canonical.offline_scoring:
        raise PermissionDenied
    structure = selectors.course_structure(course=canonical, locale=course_here.locale)
    if isinstance(scope, ModulePage):
        lessons = [
            lesson for m in structure.modules if m.page.pk == scope.pk for lesson in m.lessons
        ]
    else:
        lessons = structure.lessons

    def key_of(block):
        choices = block.value["choices"]
        return {
            "correct": [i for i, choice in enumerate(choices) if choice["correct"]],
            "answers": [choice["text"] for choice in choices if choice["correct"]],
            "explanation": block.value.get("explanation") or "",
        }

    checks = {
        str(lesson.pk): {
            block.id: key_of(block)
            for block in lesson.body
            if block.block_type == "knowledge_check"
        }
        for lesson in lessons
    }
    tests = {}
    if scope.pk == course_here.pk:
        tests = {block.id: key_of(block) for block in course_here.test_questions}
    return {"checks": checks, "tests": tests}


# --- sync -----------------------------------------------------------------------------------


@dataclass
class SyncOutcome:
    id: str
    status: str  # "stored", "duplicate" or "refused"
    reason: str = ""
    code: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = {"id": self.id, "status": self.status}
        if self.reason:
            data["reason"] = self.reason
            data["code"] = self.code or "refused"
        data.update(self.extra)
        return data


class SyncInvalid(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _item_id(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw.get("id")))
    except (ValueError, AttributeError):
        return None


def _derived_ids(item: dict, token: uuid.UUID) -> list[uuid.UUID]:
    """The statement id the services store for this result (see courses.services)."""
    kind = item.get("kind")
    if kind == "lesson":
        return [services.derived_statement_id(token, "completed")]
    if kind == "check":
        return [services.derived_statement_id(token, item.get("block", ""))]
    if kind == "test":
        return [services.derived_statement_id(token, item.get("phase", ""))]
    if kind in ("statement", "h5p"):
        return [token]
    return []


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _record_one(
    *, learner, item: dict, token: uuid.UUID, pages: dict, contents: dict | None = None
) -> dict:
    kind = item.get("kind")
    if kind == "lesson":
        lesson = pages.get(_int(item.get("lesson")))
        if not isinstance(lesson, LessonPage):
            raise services.CourseActionError(_("This lesson is no longer published."))
        services.lesson_complete(learner=learner, lesson=lesson, form_token=token)
        return {}
    if kind == "check":
        lesson = pages.get(_int(item.get("lesson")))
        choice = _int(item.get("choice"))
        if not isinstance(lesson, LessonPage):
            raise services.CourseActionError(_("This lesson is no longer published."))
        if choice is None or not isinstance(item.get("block"), str):
            raise SyncInvalid(_("A knowledge check result needs its question and answer."))
        outcome = services.knowledge_check_answer(
            learner=learner, lesson=lesson, block_id=item["block"], choice=choice, form_token=token
        )
        return {"correct": outcome.correct, "explanation": outcome.explanation}
    if kind == "test":
        course = pages.get(_int(item.get("course")))
        answers = item.get("answers")
        if not isinstance(course, CoursePage):
            raise services.CourseActionError(_("This course is no longer published."))
        if not isinstance(answers, dict) or not all(
            isinstance(k, str) and _int(v) is not None for k, v in answers.items()
        ):
            raise SyncInvalid(_("A test result needs an answer to each question."))
        score, out_of = services.test_submit(
            learner=learner,
            course=course,
            phase=item.get("phase"),
            answers=answers,
            form_token=token,
        )
        return {"score": score, "out_of": out_of}
    if kind == "statement":
        statement = item.get("statement")
        if not isinstance(statement, dict):
            raise SyncInvalid(_("A learning record is missing."))
        statements_record(actor=learner, statements={**statement, "id": str(token)})
        return {}
    if kind == "h5p":
        _record_h5p(learner=learner, entries=[(item, token)], pages=pages, contents=contents)
        return {}
    raise SyncInvalid(_("This kind of result is not one this site knows."))


def _h5p_contents(items) -> dict:
    """The ready H5P contents the batch's H5P results name, by their UUID (one query)."""
    from media_library.interactive.models import H5PContent, PackageStatus

    ids = set()
    for item in items:
        if item.get("kind") == "h5p":
            try:
                ids.add(uuid.UUID(str(item.get("content"))))
            except ValueError:
                continue
    if not ids:
        return {}
    ready = H5PContent.objects.filter(uuid__in=ids, status=PackageStatus.READY)
    return {str(content.uuid): content for content in ready}


def _record_h5p(*, learner, entries, pages, contents):
    """Record H5P results of one content on one page (the bridge's own service, which checks
    the enrolment, that the page embeds the content and that the actor is the learner); the
    store's outcome."""
    from media_library.interactive.services import PackageRefused, h5p_statements_record

    first = entries[0][0]
    content = contents.get(str(first.get("content")))
    page = pages.get(_int(first.get("page")))
    if content is None:
        raise services.CourseActionError(_("This exercise is no longer published."))
    if page is None:
        raise services.CourseActionError(_("This lesson is no longer published."))
    statements = []
    for item, token in entries:
        statement = item.get("statement")
        if not isinstance(statement, dict):
            raise SyncInvalid(_("A learning record is missing."))
        statements.append({**statement, "id": str(token)})
    try:
        return h5p_statements_record(
            learner=learner, content=content, page=page, statements=statements
        )
    except PackageRefused as refusal:
        raise services.CourseActionError(str(refusal)) from refusal


def _h5p_in_batches(*, learner, entries, pages, contents) -> dict[uuid.UUID, str]:
    """H5P results of the same content on the same page are recorded together (a fixed number
    of queries however many), the store telling which were new (``stored``) and which it had
    already (``duplicate``). A group the store or the bridge refuses is left out: its
    results are then looked up and recorded one by one, so each refusal comes back with its
    own reason (and a result stored before stays ``duplicate``)."""
    groups: dict[tuple, list] = {}
    for item, token in entries:
        groups.setdefault((str(item.get("content")), _int(item.get("page"))), []).append(
            (item, token)
        )
    done = {}
    for group in groups.values():
        try:
            outcome = _record_h5p(learner=learner, entries=group, pages=pages, contents=contents)
        except (services.CourseActionError, StatementError, SyncInvalid):
            continue
        created = {statement.id for statement in outcome.created}
        done.update((token, "stored" if token in created else "duplicate") for _i, token in group)
    return done


def _lessons_in_one_batch(*, learner, entries, pages) -> dict[uuid.UUID, str] | None:
    """Lesson completions are the bulk of a queue: they are recorded in one batch (a fixed
    number of queries however many), the store telling which were new (``stored``) and
    which it had already (``duplicate``). ``None`` when a lesson is gone or the store refuses
    one: they are then recorded one by one so each refusal comes back with its own reason."""
    statements, paths = [], {}
    for item, token in entries:
        lesson = pages.get(_int(item.get("lesson")))
        if not isinstance(lesson, LessonPage):
            return None
        activity = selectors.lesson_activity_id(lesson)
        if activity == activity_id("lesson", lesson.pk):
            paths[lesson.pk] = lesson.path
        statements.append(
            {
                "id": str(services.derived_statement_id(token, "completed")),
                "verb": {"id": verbs.COMPLETED},
                "object": {"id": activity},
                "result": {"completion": True},
            }
        )
    if not statements:
        return None
    # The lessons (in the default language: their own activities) were read with their
    # paths, so the learner's record access for them is kept from these (one query, not two)
    # and the store's authorisation finds it there.
    page_access_kept(learner=learner, page_ids=set(paths), paths=paths)
    try:
        outcome = statements_record(actor=learner, statements=statements, scored_by_server=True)
    except StatementError:
        return None
    created = {str(statement.id) for statement in outcome.created}
    return {
        token: "stored" if statement["id"] in created else "duplicate"
        for (_item, token), statement in zip(entries, statements, strict=True)
    }


def _live_pages(items) -> dict:
    """The live pages the batch names, by id: lessons in one query with their locale (the
    bulk of a queue, and the pages H5P results are given on); courses and other pages in
    two more, only when there are any."""
    named = {"lesson": set(), "page": set(), "course": set()}
    for item in items:
        for name, ids in named.items():
            page_id = _int(item.get(name))
            if page_id is not None:
                ids.add(page_id)
    pages = {}
    if maybe_lessons := named["lesson"] | named["page"]:
        lessons = LessonPage.objects.live().select_related("locale").filter(pk__in=maybe_lessons)
        pages.update((page.pk, page) for page in lessons)
    if others := (named["page"] | named["course"]) - pages.keys():
        pages.update(
            (page.pk, page) for page in Page.objects.live().filter(pk__in=others).specific()
        )
    return pages


def offline_results_sync(*, learner, items) -> list[SyncOutcome]:
    """Record the results a phone queued offline; one outcome per result, in order."""
    if not isinstance(items, list) or not items:
        raise SyncInvalid(_("Send a list of results."))
    if len(items) > MAX_SYNC_ITEMS:
        raise SyncInvalid(_("Send at most %(max)s results at a time.") % {"max": MAX_SYNC_ITEMS})
    tokens = []
    for item in items:
        token = _item_id(item) if isinstance(item, dict) else None
        if token is None:
            raise SyncInvalid(_("Each result needs an id that is a UUID made by the phone."))
        tokens.append(token)
    if len(set(tokens)) != len(tokens):
        raise SyncInvalid(_("The same result id appears twice in this batch."))
    pages = _live_pages(items)
    # Lesson completions and H5P results are recorded in batches first, the store telling
    # which it had already; the other results (and any refused batch's) are looked up
    # first, since their services score or refuse before storing.
    lessons = [
        (item, token)
        for item, token in zip(items, tokens, strict=True)
        if item.get("kind") == "lesson"
    ]
    known = _lessons_in_one_batch(learner=learner, entries=lessons, pages=pages) or {}
    h5p = [
        (item, token)
        for item, token in zip(items, tokens, strict=True)
        if item.get("kind") == "h5p"
    ]
    contents = _h5p_contents(item for item, _token in h5p)
    known.update(_h5p_in_batches(learner=learner, entries=h5p, pages=pages, contents=contents))
    rest = [(item, token) for item, token in zip(items, tokens, strict=True) if token not in known]
    derived = {token: _derived_ids(item, token) for item, token in rest}
    wanted = [i for ids in derived.values() for i in ids]
    stored = set(
        Statement.objects.filter(id__in=wanted, actor=learner).values_list("id", flat=True)
        if wanted
        else ()
    )
    for token, ids in derived.items():
        if ids and all(i in stored for i in ids):
            known[token] = "duplicate"
    outcomes = []
    for item, token in zip(items, tokens, strict=True):
        if token in known:
            outcomes.append(SyncOutcome(id=str(token), status=known[token]))
            continue
        try:
            extra = _record_one(
                learner=learner, item=item, token=token, pages=pages, contents=contents
            )
        except services.CourseActionError as error:
            outcomes.append(SyncOutcome(str(token), "refused", error.message, "refused"))
        except StatementError as error:
            outcomes.append(SyncOutcome(str(token), "refused", error.message, error.code))
        except SyncInvalid as error:
            outcomes.append(SyncOutcome(str(token), "refused", error.message, "invalid"))
        else:
            outcomes.append(SyncOutcome(id=str(token), status="stored", extra=extra))
    return outcomes
