"""Read-side queries of courses: course structure, progress, completion, cohorts.

How progress is derived from ``lms.records`` (the rule other rooms rely on):

* A **lesson** is done for a learner when a statement by that learner with verb
  ``completed`` or ``passed`` has the lesson's activity id (``urn:betterwork:lesson:<id>``)
  either as its object **or as its ``parent_activity``**. So an H5P or SCORM activity
  recorded by another room, with the lesson as its parent, completes the lesson. (The
  lesson's own knowledge-check questions also name the lesson as parent, for reports; they
  are the one exception and never complete the lesson by themselves.)
* A **knowledge check** is passed when a statement with verb ``passed`` (or ``answered``
  with ``success`` true) has the object ``urn:betterwork:question:<lesson id>.<block id>``.
* **Pre/post tests** are statements with verb ``completed`` on
  ``urn:betterwork:test:<course id>.pre`` / ``.post``; the score is the raw score, the
  answers per question are in the result extension ``urn:betterwork:ext:answers``.
* **Attendance** comes from ``Attendance`` rows (a trainer may correct a mark after the
  fact); each first presence is also written as an ``attended`` statement for reports.
* **Workbook steps and practice assignments** count when their ``Submission`` is approved.

Activity ids always use the id of the page in the default language, so a learner who
studies the Arabic translation progresses in the same course as one who studies English.
Completion is monotonic: ``Enrolment.completed_at`` is set once and never cleared.
"""

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Locale, Page

from courses.models import (
    Attendance,
    ClassSession,
    Cohort,
    CoursePage,
    Enrolment,
    InductionKitPage,
    LessonPage,
    ModulePage,
    ProgrammePage,
    SeminarPage,
    Submission,
    SupervisorTrainingPage,
    WorkbookPage,
    WorkbookStepPage,
)
from lms.accounts.selectors import country_scope
from lms.records import verbs
from lms.records.activities import activity_id
from lms.records.models import Statement
from lms.taxonomy import locales as taxonomy_locales
from lms.taxonomy.models import BasePage
from lms.taxonomy.routing import paths_from_root

STEPLEN = Page.steplen
DONE_VERBS = {verbs.COMPLETED, verbs.PASSED}
# The verbs of the statements progress counts: lessons done, checks answered or passed.
PROGRESS_VERBS = frozenset({*DONE_VERBS, verbs.ANSWERED})
# Every verb of the statements a learner's course and lesson pages read (progress, a
# lesson's checks, the tests' results): declared to the learner page cache, so a statement
# with another verb ("experienced") leaves their kept pages alone (decision 0630). A page
# reading statements of another verb must add it here.
PAGE_STATEMENT_VERBS = PROGRESS_VERBS
ANSWERS_EXTENSION = "urn:betterwork:ext:answers"
QUESTION_PREFIX = activity_id("question", "")


# --- pages and their course -------------------------------------------------------------


def default_locale() -> Locale:
    return taxonomy_locales.default_locale()


def canonical_page(page: Page) -> Page:
    """The version of ``page`` in the default language (the page itself when it has none)."""
    if taxonomy_locales.in_default_language(page):
        return page
    locale = default_locale()
    translation = (
        Page.objects.filter(translation_key=page.translation_key, locale=locale).specific().first()
    )
    return translation or page


def course_containing(
    page: Page, *, specific: bool = True, prerequisites: bool = False, learner=None
) -> CoursePage | None:
    """The course that contains ``page`` (or is ``page``), in the page's own language.
    Without ``specific``, the ``CoursePage`` row alone (one query instead of two): enough
    for its id, translation key, title and address. With ``prerequisites``, whether it has
    any is read with it, and its locale: a course in the default language that has none is
    kept as having none for the content generation (``progression.selectors.
    required_courses``). With ``learner``, ``learner_enrolled``: whether they are enrolled
    in it (in any language, as ``enrolment_for`` finds it)."""
    courses = CoursePage.objects.filter(path__in=paths_from_root(page.path))
    if prerequisites:
        from courses.progression.models import CoursePrerequisite
        from courses.progression.selectors import required_courses_kept

        kept = required_courses_kept()  # before the rows are read (see kept_for_generation)
        courses = courses.select_related("locale").annotate(
            has_prerequisites=Exists(CoursePrerequisite.objects.filter(course_id=OuterRef("pk")))
        )
    if learner is not None:
        enrolments = Enrolment.objects.filter(
            learner_id=learner.pk if learner.is_authenticated else None,
            course__translation_key=OuterRef("translation_key"),
        )
        courses = courses.annotate(learner_enrolled=Exists(enrolments))
    course = courses.first()
    if (
        course is not None
        and prerequisites
        and not course.has_prerequisites
        and taxonomy_locales.in_default_language(course)
    ):
        kept.setdefault(course.pk, [])
    if course is None or not specific:
        return course
    found = course.specific
    if learner is not None:
        found.learner_enrolled = course.learner_enrolled
    return found


def course_of_page(
    page: Page, *, specific: bool = True, prerequisites: bool = False, learner=None
) -> CoursePage | None:
    """The canonical course that contains ``page`` (or is ``page``); ``specific``,
    ``prerequisites`` and ``learner`` as for ``course_containing`` (a course in another
    language is read in the default one with its specific type either way)."""
    course = course_containing(
        page, specific=specific, prerequisites=prerequisites, learner=learner
    )
    if course is None:
        return None
    canonical = canonical_page(course)
    found = canonical.specific if specific else canonical
    if learner is not None:
        found.learner_enrolled = course.learner_enrolled  # the same in every language
    return found


def course_and_module_month(page: Page, *, along=None) -> tuple[CoursePage | None, int | None]:
    """The course containing ``page`` in its own language (as ``course_containing``) and the
    release month of the module directly above it (None when its parent is no module), in
    one query when ``along`` holds the pages above it that routing read
    (``lms.taxonomy.routing.route_ancestors``); otherwise as the two selectors do."""
    courses = [
        above
        for path, above in sorted((along or {}).items())
        if above.specific_class and issubclass(above.specific_class, CoursePage)
    ]
    if not courses:
        module = module_of_lesson(page)
        return course_containing(page), module.month if module else None
    kept = _course_and_module_month_kept(courses[0], page)
    if kept is None and kept_course_structure(course=courses[0]) is None:
        # A process's first request for this course in this content generation: its
        # structure (which the page reads next) with the course's own row, in one query.
        course_structure_of_route(course=courses[0])
        kept = _course_and_module_month_kept(courses[0], page)
    if kept is not None:
        return kept
    month = ModulePage.objects.filter(path=page.path[:-STEPLEN]).values("month")[:1]
    course = (
        courses[0]
        .specific_class.objects.filter(pk=courses[0].pk)
        .annotate(module_month=Subquery(month))
        .first()
    )
    return course, course.module_month if course else None


def _course_and_module_month_kept(course_above: Page, page: Page):
    """``course_and_module_month`` from the course structure this process keeps (no query),
    or None when it keeps none yet or the page's parent is not one of its parts. The
    structure is of the current content generation: publishing a module's new month starts
    a new one."""
    structure = kept_course_structure(course=course_above)
    if structure is None or not isinstance(structure.course, CoursePage):
        return None
    parent_path = page.path[:-STEPLEN]
    if parent_path == structure.course.path:
        return structure.course, None
    module = next((m for m in structure.modules if m.page.path == parent_path), None)
    if module is None:
        return None
    return structure.course, module.page.month


def module_of_lesson(page: Page) -> ModulePage | None:
    return ModulePage.objects.filter(path=page.path[:-STEPLEN]).first()


LIGHT_PAGE_FIELDS = ["id", "title", "slug", "path", "depth", "url_path", "locale_id", "live"]


def lesson_neighbours(*, course: CoursePage, lesson: Page):
    """The lessons before and after ``lesson`` in reading order: from the course's structure
    this process keeps (no query), else without their bodies."""
    lessons = course_structure(course=course).lessons
    position = next((i for i, other in enumerate(lessons) if other.pk == lesson.pk), None)
    if position is None:  # a kind of course whose structure lists no lessons
        lessons = list(
            LessonPage.objects.descendant_of(course)
            .live()
            .order_by("path")
            .only(*LIGHT_PAGE_FIELDS)
        )
        position = next((i for i, other in enumerate(lessons) if other.pk == lesson.pk), None)
    if position is None:
        return None, None
    previous = lessons[position - 1] if position > 0 else None
    following = lessons[position + 1] if position + 1 < len(lessons) else None
    return previous, following


def lesson_state(*, learner, lesson_id: int) -> tuple[bool, set[str]]:
    """Whether the learner completed this lesson, and which of its checks they passed."""
    lesson = activity_id("lesson", lesson_id)
    question_prefix = activity_id("question", f"{lesson_id}.")
    rows = (
        Statement.objects.filter(actor=learner, verb__in=sorted(PROGRESS_VERBS))
        .filter(Q(activity=lesson) | Q(parent_activity=lesson))
        .values_list("activity", "parent_activity", "verb", "success")
    )
    done, passed = False, set()
    for activity, parent, verb, success in rows:
        is_question = activity.startswith(question_prefix)
        if verb in DONE_VERBS and (activity == lesson or (parent == lesson and not is_question)):
            done = True
        if is_question and (verb == verbs.PASSED or (verb == verbs.ANSWERED and success)):
            passed.add(activity[len(question_prefix) :])
    return done, passed


def lesson_activity_id(page: Page) -> str:
    """The activity id of a lesson in any language (other rooms use it as the parent)."""
    return activity_id("lesson", canonical_page(page).pk)


@dataclass(frozen=True)
class PageAccess:
    """Of some pages: those in a course (in any language) the learner is enrolled in, and,
    of those, the ones in a module that has not opened for them yet, with the day it opens;
    ``in_courses``, those in a course at all, enrolled or not (the others are no course's to
    decide about)."""

    enrolled: set[int]
    opens_on: dict[int, dt.date]
    in_courses: set[int] = field(default_factory=set)


# ``page_standing``'s answer for a page of a course the learner is not enrolled in, and for
# a page no course contains.
NOT_ENROLLED = "not enrolled"
OUTSIDE_COURSES = "outside courses"


def page_access(*, learner, page_ids: set[int], today: dt.date | None = None) -> PageAccess:
    """Enrolment and monthly release for these pages, in two queries however many (see
    ``page_standing``)."""
    return access_on(page_standing(learner=learner, page_ids=page_ids), today=today)


def access_on(standing: dict, *, today: dt.date | None = None) -> PageAccess:
    """``page_standing``'s answer as it stands on ``today``."""
    today = today or timezone.localdate()
    release = {pk: day for pk, day in standing.items() if not isinstance(day, str)}
    return PageAccess(
        enrolled=set(release),
        opens_on={pk: day for pk, day in release.items() if day is not None and day > today},
        in_courses={pk for pk, day in standing.items() if day != OUTSIDE_COURSES},
    )


def page_standing(
    *, learner, page_ids: set[int], paths: dict[int, str] | None = None
) -> dict[int, dt.date | str | None]:
    """Where the learner stands with each of these pages: when the page is in a course (in
    any language) they are enrolled in, the day its module opens for them (None: no module
    month; open since they enrolled), whatever the date today; ``NOT_ENROLLED`` in a course
    they are not enrolled in; ``OUTSIDE_COURSES`` in no course. Pages that do not exist are
    left out. Two queries however many pages: their paths (none when the caller read them:
    ``paths``, page id to path), then the courses and modules above them, each course with
    the learner's enrolment in it.

    What it reads (``courses.record_access`` keeps the answer and must be told when any of
    it changes): the pages' paths, the courses' translation keys, the modules' months, the
    learner's enrolments (when, in which cohort) and their cohorts' start dates."""
    if not learner.is_authenticated or not page_ids:
        return {}
    if paths is None or not page_ids <= paths.keys():
        paths = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "path"))
    else:
        paths = {pk: paths[pk] for pk in page_ids}
    prefixes = {prefix for path in paths.values() for prefix in paths_from_root(path)}
    enrolments = Enrolment.objects.filter(
        learner=learner, course__translation_key=OuterRef("translation_key")
    ).order_by("pk")
    course_keys, months, starts = {}, {}, {}
    for path, key, month, course, enrolled_at, cohort_start in (
        BasePage.objects.filter(path__in=prefixes)
        .filter(Q(coursepage__isnull=False) | Q(modulepage__isnull=False))
        .annotate(
            enrolled_at=Subquery(enrolments.values("enrolled_at")[:1]),
            cohort_start=Subquery(enrolments.values("cohort__start_date")[:1]),
        )
        .values_list(
            "path",
            "translation_key",
            "modulepage__month",
            "coursepage__pk",
            "enrolled_at",
            "cohort_start",
        )
    ):
        if course is not None:
            course_keys[path] = key
            if enrolled_at is not None:
                starts[key] = release_start(cohort_start=cohort_start, enrolled_at=enrolled_at)
        elif month is not None:
            months[path] = month
    standing = {}
    for pk, path in paths.items():
        chain = paths_from_root(path)
        key = next((course_keys[p] for p in chain if p in course_keys), None)
        if key is None:
            standing[pk] = OUTSIDE_COURSES
        elif key not in starts:
            standing[pk] = NOT_ENROLLED
        else:
            month = next((months[p] for p in chain if p in months), None)
            standing[pk] = None if month is None else module_opens_on(starts[key], month)
    return standing


def page_release(
    *, learner, page_ids: set[int], paths: dict[int, str] | None = None
) -> dict[int, dt.date | None]:
    """Of these pages, those in a course (in any language) the learner is enrolled in, each
    with the day its module opens for them (see ``page_standing``)."""
    standing = page_standing(learner=learner, page_ids=page_ids, paths=paths)
    return {pk: day for pk, day in standing.items() if not isinstance(day, str)}


def page_ids_in_enrolled_courses(*, learner, page_ids: set[int]) -> set[int]:
    """Which of these pages lie in a course (in any language) the learner is enrolled in."""
    return page_access(learner=learner, page_ids=page_ids).enrolled


def learner_is_enrolled_in_page(*, learner, page) -> bool:
    """Is the learner enrolled in the course that contains this page (in any language)?"""
    return bool(page_ids_in_enrolled_courses(learner=learner, page_ids={page.pk}))


def enrolment_for(*, learner, course: CoursePage) -> Enrolment | None:
    if not learner.is_authenticated:
        return None
    return (
        Enrolment.objects.select_related("cohort")
        .filter(learner=learner, course__translation_key=course.translation_key)
        .first()
    )


# --- structure --------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    days_in_month = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28]
    days_in_month += [31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return dt.date(year, month, min(day.day, days_in_month[month - 1]))


def release_start(*, cohort_start: dt.date | None, enrolled_at: dt.datetime) -> dt.date:
    """The day a learner's modules count from: their cohort's start, else the day they
    enrolled."""
    return cohort_start or timezone.localdate(enrolled_at)


def enrolment_release_start(enrolment: Enrolment | None) -> dt.date | None:
    if enrolment is None:
        return None
    cohort_start = enrolment.cohort.start_date if enrolment.cohort_id else None
    return release_start(cohort_start=cohort_start, enrolled_at=enrolment.enrolled_at)


def module_opens_on(start: dt.date, month: int) -> dt.date:
    """Month 1 opens on the start date, month 2 a month later, and so on."""
    return add_months(start, month - 1)


@dataclass
class Module:
    page: ModulePage
    lessons: list[LessonPage] = field(default_factory=list)

    def opens_on(self, start: dt.date | None) -> dt.date | None:
        if start is None:
            return None
        return module_opens_on(start, self.page.month)


@dataclass
class CourseStructure:
    """A course's parts in reading order, in one language. ``ids`` maps each part to the
    id of its default-language version, which activity ids use."""

    course: CoursePage
    modules: list[Module]
    lessons: list[LessonPage]
    steps: list[WorkbookStepPage]
    practice_items: list[tuple[str, int]]  # (item key, number of the gap)
    canonical_ids: dict[int, int]

    def lesson_key(self, lesson) -> int:
        return self.canonical_ids.get(lesson.pk, lesson.pk)

    @property
    def lesson_ids(self) -> list[int]:
        return [self.lesson_key(lesson) for lesson in self.lessons]

    @property
    def question_ids(self) -> list[str]:
        return [
            activity_id("question", f"{self.lesson_key(lesson)}.{block_id}")
            for lesson in self.lessons
            for block_id in lesson.knowledge_check_ids
        ]

    @property
    def submission_items(self) -> list[str]:
        steps = [str(self.canonical_ids.get(step.pk, step.pk)) for step in self.steps]
        return steps + [key for key, _title in self.practice_items]


# Course structures kept by each process for the current content generation (lms.page_cache:
# publishing, moving, deleting or saving any live page starts a new one), so a learner's
# course page does not read and build every lesson of the course on each request. One
# generation's entries at a time; an entry built while a newer generation started goes into
# the older one's dictionary, which is dropped.
_STRUCTURES: dict[str, dict] = {}


def forget_course_structures() -> None:
    """Drop the structures this process keeps (tests that measure a process's first
    request)."""
    _STRUCTURES.clear()


def course_structure(*, course: CoursePage, locale: Locale | None = None) -> CourseStructure:
    """Modules, lessons and steps of ``course`` in ``locale`` (default: the course's own),
    read once per process and content generation. The pages it holds are shared by the
    requests that follow: read them, never change them."""
    return kept_course_structures(courses=[course], locale=locale)[course.pk]


def kept_course_structure(*, course) -> CourseStructure | None:
    """The structure this process keeps for ``course`` in its own language in the current
    content generation, as it was built (its ``course`` the specific page it was built
    from); None when none is kept yet. Reads nothing."""
    from lms.page_cache import current_generation

    entries = _STRUCTURES.get(current_generation()) or {}
    return entries.get((course.pk, course.locale_id))


def kept_course_structures(*, courses, locale: Locale | None = None) -> dict[int, CourseStructure]:
    """``course_structures`` of several courses (bodies included) through the process's
    store above: the ones not kept yet are read together, in the fixed number of queries of
    ``course_structures``; once kept, none. Keyed by the id of each course given."""
    from lms.page_cache import kept_for_generation

    entries = kept_for_generation(_STRUCTURES)

    def key(course):
        return (course.pk, locale.pk if locale is not None else course.locale_id)

    courses = list(courses)
    missing = [c for c in courses if key(c) not in entries]
    by_locale = {}
    for course in missing:
        shown_in = locale or taxonomy_locales.locale_by_pk(course.locale_id)
        by_locale.setdefault(shown_in, []).append(course)
    for shown_in, group in by_locale.items():
        read = course_structures(courses=group, locale=shown_in)
        for course in group:
            entries[key(course)] = read[course.pk]
    found = {}
    for course in courses:
        structure = entries[key(course)]
        if structure.course.pk == course.pk and structure.course is not course:
            structure = replace(structure, course=course)  # the caller's own instance
        found[course.pk] = structure
    return found


def course_structure_of_route(*, course: Page) -> CourseStructure:
    """``course_structure`` of a course routing read as a plain page (its specific type
    not read yet), kept the same way; when this process keeps none yet, the course's own
    row (as its specific type) is read with its parts in one query, and with whether it has
    prerequisites: a course in the default language that has none is kept as having none
    (``courses.progression.selectors.required_courses``), so its first lesson does not ask."""
    from courses.progression.selectors import required_courses_kept
    from lms.page_cache import kept_for_generation

    entries = kept_for_generation(_STRUCTURES)
    required = required_courses_kept()
    key = (course.pk, course.locale_id)
    if key not in entries:
        structure = course_structures(courses=[course], read_courses=True)[course.pk]
        if structure.course.has_no_prerequisites and taxonomy_locales.in_default_language(
            structure.course
        ):
            required.setdefault(course.pk, [])
        entries[key] = structure
    return entries[key]


# The parts of a course's structure, and the kinds of course each is read in.
PART_KINDS = {
    LessonPage: (ProgrammePage, SeminarPage, SupervisorTrainingPage, InductionKitPage),
    ModulePage: (ProgrammePage,),
    WorkbookStepPage: (WorkbookPage,),
}


def _course_parts(
    courses, *, bodies: bool, read_courses: bool = False
) -> tuple[list, list, list, dict]:
    """The live lessons, modules and workbook steps inside ``courses`` (each in its course's
    language, as the course's kind has them), in path order, in one query: each part read
    through its own table, joined to the pages' (Django fills a joined child page's
    inherited fields from the parent's row). With ``read_courses`` (``courses`` given as
    plain pages), the courses' own rows too, each as its specific type with
    ``has_no_prerequisites``: the fourth value, by id (empty otherwise)."""
    from courses.progression.models import CoursePrerequisite

    names = {part: part._meta.model_name for part in PART_KINDS}
    course_links = {}
    if read_courses:
        for course in courses:
            link, model = [], course.specific_class
            while model is not BasePage:
                link.insert(0, model._meta.model_name)
                model = next(iter(model._meta.parents))  # the direct parent
            course_links[course.pk] = link
    wanted = Q(pk__in=list(course_links))
    for part, kinds in PART_KINDS.items():
        for course in courses:
            if issubclass(course.specific_class, kinds):
                wanted |= Q(
                    path__startswith=course.path,
                    depth__gt=course.depth,
                    locale=course.locale_id,
                    **{f"{names[part]}__isnull": False},
                )
    found = {part: [] for part in PART_KINDS}
    read = {}
    if not wanted:
        return found[LessonPage], found[ModulePage], found[WorkbookStepPage], read
    links = {"__".join(link) for link in course_links.values()}
    rows = BasePage.objects.live().filter(wanted).select_related(*names.values(), *links)
    if course_links:
        rows = rows.annotate(
            has_no_prerequisites=Case(
                When(
                    pk__in=list(course_links),
                    then=~Exists(CoursePrerequisite.objects.filter(course_id=OuterRef("pk"))),
                ),
                default=Value(value=False),
                output_field=BooleanField(),
            )
        )
    if not bodies:
        rows = rows.defer(f"{names[LessonPage]}__body")
    for row in rows.order_by("path"):
        if row.pk in course_links:
            page = row
            for name in course_links[row.pk]:
                page = getattr(page, name)
            page.has_no_prerequisites = row.has_no_prerequisites
            read[row.pk] = page
            continue
        for part, name in names.items():
            if (page := getattr(row, name, None)) is not None:
                found[part].append(page)
                break
    return found[LessonPage], found[ModulePage], found[WorkbookStepPage], read


def course_structures(
    *, courses, locale: Locale | None = None, bodies: bool = True, read_courses: bool = False
) -> dict[int, CourseStructure]:
    """The structures of several courses, keyed by the id of each course given, each in
    ``locale`` (the course's translation there, else the course itself; default: each
    course's own language). ``structure.course`` is that version, as a ``CoursePage``.

    A fixed number of queries however many courses: their translations, their live lessons
    (without their bodies unless ``bodies``), modules and workbook steps together, the
    default-language ids of translated parts and the practice assignments of supervisor
    trainings (each only when some course has such parts)."""
    courses = list(courses)
    shown = {course.pk: course for course in courses}
    elsewhere = [c for c in courses if locale is not None and c.locale_id != locale.pk]
    if elsewhere:
        translations = {
            t.translation_key: t
            for t in CoursePage.objects.filter(
                translation_key__in={c.translation_key for c in elsewhere}, locale=locale
            )
        }
        for course in elsewhere:
            shown[course.pk] = translations.get(course.translation_key, course)
    structures = {
        course.pk: CourseStructure(
            course=course, modules=[], lessons=[], steps=[], practice_items=[], canonical_ids={}
        )
        for course in shown.values()
    }
    if not structures:
        return {}

    lessons, modules, steps, read = _course_parts(
        [s.course for s in structures.values()], bodies=bodies, read_courses=read_courses
    )
    if read_courses:
        # The courses were given as plain pages (``course_structure_of_route``, in their own
        # language): each structure holds the course as read, as its specific type.
        for structure in structures.values():
            structure.course = read[structure.course.pk]

    # Each part belongs to the course whose path starts its own.
    course_at = {s.course.path: s for s in structures.values()}

    def structure_of(page) -> CourseStructure:
        return next(
            (course_at[p] for p in reversed(paths_from_root(page.path)) if p in course_at), None
        )

    modules_at = {}
    for module in modules:
        modules_at[module.path] = Module(page=module)
        structure_of(module).modules.append(modules_at[module.path])
    for lesson in lessons:
        structure_of(lesson).lessons.append(lesson)
        if lesson.path[:-STEPLEN] in modules_at:
            modules_at[lesson.path[:-STEPLEN]].lessons.append(lesson)
    for step in steps:
        structure_of(step).steps.append(step)

    supervisor = [
        s.course
        for s in structures.values()
        if issubclass(s.course.specific_class, SupervisorTrainingPage)
    ]
    # Parts are read in their course's language: courses in the default one have no
    # translated parts (and need no locale looked up on a process's first request).
    translated, canonical = [], {}
    if not all(taxonomy_locales.in_default_language(s.course) for s in structures.values()):
        default = default_locale()
        translated = [p for p in [*modules, *lessons, *steps] if p.locale_id != default.pk]
        keys = {p.translation_key for p in [*translated, *supervisor] if p.locale_id != default.pk}
        if keys:
            canonical = dict(
                Page.objects.filter(translation_key__in=keys, locale=default).values_list(
                    "translation_key", "pk"
                )
            )
    for page in translated:
        if page.translation_key in canonical:
            structure_of(page).canonical_ids[page.pk] = canonical[page.translation_key]
    if supervisor:
        pages = SupervisorTrainingPage.objects.in_bulk(
            {c.pk for c in supervisor}
            | {canonical.get(c.translation_key, c.pk) for c in supervisor}
        )
        for course in supervisor:
            # Keys come from the default-language blocks, matched by position.
            key_blocks = pages[
                canonical.get(course.translation_key, course.pk)
            ].practice_assignments()
            for number, block in enumerate(pages[course.pk].practice_assignments()):
                key_block = key_blocks[number] if number < len(key_blocks) else block
                structures[course.pk].practice_items.append(
                    (f"practice-{key_block.id}", number + 1)
                )
    return {given.pk: structures[shown[given.pk].pk] for given in courses}


# --- progress ---------------------------------------------------------------------------


@dataclass
class Progress:
    lessons_done: set[int]
    lessons_total: int
    checks_passed: set[str]
    checks_total: int
    sessions_attended: int
    sessions_total: int
    submissions_approved: set[str]
    submissions_total: int
    completed_at: dt.datetime | None = None

    def parts(self, course: CoursePage) -> list[tuple[int, int]]:
        """(done, total) of each part the course's completion rule asks for."""
        parts = []
        if course.complete_lessons:
            parts.append((len(self.lessons_done), self.lessons_total))
        if course.complete_knowledge_checks:
            parts.append((len(self.checks_passed), self.checks_total))
        if course.complete_attendance_percent:
            needed = -(-self.sessions_total * course.complete_attendance_percent // 100)
            parts.append((min(self.sessions_attended, needed), needed))
        if course.complete_submissions:
            parts.append((len(self.submissions_approved), self.submissions_total))
        return parts

    def percent(self, course: CoursePage) -> int:
        parts = [p for p in self.parts(course) if p[1]]
        if not parts:
            return 100 if self.completed_at else 0
        return round(100 * sum(d for d, _t in parts) / sum(t for _d, t in parts))

    def rule_met(self, course: CoursePage) -> bool:
        parts = self.parts(course)
        return any(total for _done, total in parts) and all(done >= total for done, total in parts)


def _statement_step(
    done: set[int],
    passed: set[str],
    statement: tuple,
    lesson_keys: dict[str, int],
    question_ids: dict[str, str],
) -> None:
    """One statement's part in a learner's progress (the rule above): the key of the lesson
    it completes goes into ``done``, the knowledge check it passes into ``passed``.
    ``statement``: (activity, parent activity, verb, success); ``lesson_keys`` maps each
    lesson's activity id to the lesson's key, ``question_ids`` each question's activity id
    to itself (the one string kept, not each statement's copy)."""
    activity, parent, verb, success = statement
    if verb in DONE_VERBS:
        if activity in lesson_keys:
            done.add(lesson_keys[activity])
        elif parent in lesson_keys and not activity.startswith(QUESTION_PREFIX):
            done.add(lesson_keys[parent])
    if activity in question_ids and (verb == verbs.PASSED or (verb == verbs.ANSWERED and success)):
        passed.add(question_ids[activity])


def _statement_progress(statements, lesson_keys: dict[str, int], question_ids: dict[str, str]):
    """The keys of the lessons done and the knowledge checks passed in these statements,
    rows of (activity, parent activity, verb, success)."""
    done, passed = set(), set()
    for statement in statements:
        _statement_step(done, passed, statement, lesson_keys, question_ids)
    return done, passed


def _lesson_keys(structure: "CourseStructure") -> dict[str, int]:
    """Each lesson's activity id and the lesson's key (``parse_activity_id`` read back)."""
    return {activity_id("lesson", key): key for key in structure.lesson_ids}


def _question_ids(structure: "CourseStructure") -> dict[str, str]:
    return {question: question for question in structure.question_ids}


PROGRESS_COLUMNS = ("actor_id", "activity", "parent_activity", "verb", "success", "timestamp")


def _progress_filter(*, lesson_ids: set[str], question_ids: set[str]) -> Q:
    return Q(
        Q(activity__in=lesson_ids | question_ids) | Q(parent_activity__in=lesson_ids),
        verb__in=sorted(PROGRESS_VERBS),
    )


def _progress_statements(*, learners, lesson_ids: set[str], question_ids: set[str]):
    return (
        Statement.objects.filter(actor__in=learners)
        .filter(_progress_filter(lesson_ids=lesson_ids, question_ids=question_ids))
        .values_list(*PROGRESS_COLUMNS)
    )


def _canonical_course(course: CoursePage) -> CoursePage:
    if taxonomy_locales.in_default_language(course):
        return course
    return canonical_page(course).specific


def progress_for_learners(
    *,
    course: CoursePage,
    learners,
    cohort: Cohort | None = None,
    structure=None,
    enrolments: list[Enrolment] | None = None,
    sessions_per_cohort: dict[int, int] | None = None,
    statements=None,
    statement_progress: dict[int, tuple[set[int], set[str]]] | None = None,
    rule_only: bool = False,
) -> dict[int, Progress]:
    """Progress of several learners in one course, in a fixed number of queries (fewer when
    the caller has the enrolments, or the number of sessions of their cohorts, already).
    ``statement_progress``: each learner's lessons done and checks passed when the caller
    has counted them from the statements (``_grid_statements``), instead of reading them.

    ``rule_only``: only the parts the course's completion rule asks for are read (attendance
    and submissions are left at zero when it does not count them), enough for
    ``Progress.rule_met``, not for showing progress."""
    course = _canonical_course(course)
    structure = structure or course_structure(course=course, locale=course.locale)
    learner_ids = [getattr(learner, "pk", learner) for learner in learners]
    table = _progress_table(
        learner_ids=learner_ids,
        structures={course.pk: structure},
        fallback_cohort_id=cohort.pk if cohort else None,
        enrolments=enrolments,
        sessions_per_cohort=sessions_per_cohort,
        statements=statements,
        statement_progress=None
        if statement_progress is None
        else {(pk, course.pk): counted for pk, counted in statement_progress.items()},
        attendance=not rule_only or bool(course.complete_attendance_percent),
        submissions=not rule_only or course.complete_submissions,
    )
    return {pk: table[pk, course.pk] for pk in learner_ids}


def _in_cycle(enrolment: Enrolment | None, when) -> bool:
    """Whether learning done ``when`` counts in the enrolment's current cycle: everything
    counts in the first; a recurring training's later cycle counts only what came after it
    began (``courses.training``)."""
    start = getattr(enrolment, "cycle_started_at", None)
    return start is None or when is None or when >= start


def _progress_table(
    *,
    learner_ids: list[int],
    structures: dict[int, CourseStructure],
    fallback_cohort_id: int | None = None,
    enrolments: list[Enrolment] | None = None,
    sessions_per_cohort: dict[int, int] | None = None,
    statements=None,
    statement_progress: dict[tuple[int, int], tuple[set[int], set[str]]] | None = None,
    attendance: bool = True,
    submissions: bool = True,
) -> dict[tuple[int, int], Progress]:
    """Progress of each learner in each course (keyed by the default-language course's id,
    with its structure), in five queries however many learners and courses (one fewer
    each when the caller has the enrolments, the sessions of every cohort counted, or the
    learners' progress statements, rows of ``PROGRESS_COLUMNS``, read, or counted in
    ``statement_progress``: (lessons done, checks passed) by (learner, course); without the
    sessions, attendance and submissions when ``attendance`` or ``submissions`` is false)."""
    courses = list(structures)
    lessons = {pk: _lesson_keys(s) for pk, s in structures.items()}
    questions = {pk: _question_ids(s) for pk, s in structures.items()}
    items = {pk: set(s.submission_items) for pk, s in structures.items()}
    rows: dict[int, list] = {pk: [] for pk in learner_ids}
    if statements is None and statement_progress is None:
        statements = _progress_statements(
            learners=learner_ids,
            lesson_ids=set().union(*lessons.values()),
            question_ids=set().union(*questions.values()),
        )
    for actor_id, *row in () if statements is None else statements:
        rows[actor_id].append(row)

    if enrolments is None:
        enrolments = _enrolments_in(course_ids=courses, learner_ids=learner_ids)
    enrolments = {(e.learner_id, e.course_id): e for e in enrolments}
    cohort_ids = {e.cohort_id for e in enrolments.values() if e.cohort_id}
    if fallback_cohort_id:
        cohort_ids.add(fallback_cohort_id)
    sessions_per_cohort = dict(sessions_per_cohort or {})
    if attendance and (uncounted := cohort_ids - sessions_per_cohort.keys()):
        sessions_per_cohort.update(
            ClassSession.objects.filter(cohort_id__in=uncounted)
            .order_by()
            .values("cohort_id")
            .annotate(sessions=Count("pk"))
            .values_list("cohort_id", "sessions")
        )
    attended: dict[tuple[int, int], int] = {}
    present = Attendance.objects.filter(
        learner_id__in=learner_ids, present=True, session__cohort__course_id__in=courses
    )
    for learner_id, course_id, starts_at in (
        present.values_list("learner_id", "session__cohort__course_id", "session__starts_at")
        if attendance
        else ()
    ):
        if _in_cycle(enrolments.get((learner_id, course_id)), starts_at):
            attended[learner_id, course_id] = attended.get((learner_id, course_id), 0) + 1
    approved: dict[tuple[int, int], set[str]] = {}
    for course_id, learner_id, organisation_member, item, reviewed_at in (
        ()
        if not submissions
        else Submission.objects.filter(
            course_id__in=courses,
            status=Submission.Status.APPROVED,
            item__in=set().union(*items.values()),
        )
        .filter(Q(learner_id__in=learner_ids) | Q(organisation__people__in=learner_ids))
        .values_list("course_id", "learner_id", "organisation__people", "item", "reviewed_at")
    ):
        if item in items[course_id]:
            for pk in {learner_id, organisation_member} & rows.keys():
                if _in_cycle(enrolments.get((pk, course_id)), reviewed_at):
                    approved.setdefault((pk, course_id), set()).add(item)

    table = {}
    for course_id in courses:
        for pk in learner_ids:
            enrolment = enrolments.get((pk, course_id))
            if statement_progress is None:
                done, passed = _statement_progress(
                    (row[:-1] for row in rows[pk] if _in_cycle(enrolment, row[-1])),
                    lessons[course_id],
                    questions[course_id],
                )
            else:
                done, passed = statement_progress.get((pk, course_id)) or (set(), set())
            cohort_id = (enrolment.cohort_id if enrolment else None) or fallback_cohort_id
            table[pk, course_id] = Progress(
                lessons_done=done,
                lessons_total=len(lessons[course_id]),
                checks_passed=passed,
                checks_total=len(questions[course_id]),
                sessions_attended=attended.get((pk, course_id), 0),
                sessions_total=sessions_per_cohort.get(cohort_id, 0),
                submissions_approved=approved.get((pk, course_id), set()),
                submissions_total=len(items[course_id]),
                completed_at=enrolment.completed_at if enrolment else None,
            )
    return table


def _enrolments_in(*, course_ids, learner_ids) -> QuerySet[Enrolment]:
    """The learners' enrolments in these courses, with what progress reads of them."""
    return Enrolment.objects.filter(course_id__in=course_ids, learner_id__in=learner_ids).only(
        "learner_id", "course_id", "cohort_id", "completed_at", "cycle_started_at"
    )


def progress_for_course(
    *,
    learner,
    course: CoursePage,
    structure=None,
    enrolment: Enrolment | None = None,
    sessions_per_cohort: dict[int, int] | None = None,
    rule_only: bool = False,
) -> Progress:
    """``enrolment``: the learner's enrolment when the caller read it already (and
    ``sessions_per_cohort`` the number of sessions of its cohort); ``rule_only`` as for
    ``progress_for_learners``."""
    return progress_for_learners(
        course=course,
        learners=[learner],
        structure=structure,
        enrolments=[enrolment] if enrolment else None,
        sessions_per_cohort=sessions_per_cohort,
        rule_only=rule_only,
    )[learner.pk]


def courses_completed_by(*, learner) -> set[int]:
    """Ids of the course pages the learner has completed, in every language they exist in."""
    keys = Enrolment.objects.filter(learner=learner, completed_at__isnull=False).values(
        "course__translation_key"
    )
    return set(CoursePage.objects.filter(translation_key__in=keys).values_list("pk", flat=True))


# --- learners and trainers --------------------------------------------------------------


def enrolments_of(*, learner) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(learner=learner)
        .select_related("course", "cohort")
        .order_by("completed_at", "-enrolled_at")
    )


def is_trainer(user) -> bool:
    return user.is_authenticated and (
        user.has_role("trainer", "enterprise_advisor") or country_scope(user) is not False
    )


def cohorts_visible_to(*, user) -> QuerySet[Cohort]:
    """Global staff see every cohort, country staff their country's, trainers their own."""
    cohorts = Cohort.objects.select_related("course", "country", "organisation")
    if not user.is_authenticated:
        return cohorts.none()
    scope = country_scope(user)
    if scope is None:
        return cohorts
    if scope is not False:
        return cohorts.filter(Q(country_id=scope) | Q(trainers=user)).distinct()
    return cohorts.filter(trainers=user)


def cohort_learners_queryset(*, cohort: Cohort):
    from lms.accounts.models import User

    return (
        User.objects.filter(enrolments__cohort=cohort)
        .select_related("organisation")
        .order_by("display_name", "username")
    )


def cohort_learners(*, cohort: Cohort):
    return list(cohort_learners_queryset(cohort=cohort))


def sessions_for_learner(*, learner) -> QuerySet[ClassSession]:
    return ClassSession.objects.filter(cohort__enrolments__learner=learner).select_related("cohort")


def submissions_to_review(*, user) -> QuerySet[Submission]:
    """Workbook evidence and practice reports a trainer or advisor may review."""
    submissions = Submission.objects.select_related("course", "learner", "organisation")
    scope = country_scope(user)
    if scope is None:
        return submissions
    if scope is not False:
        return submissions.filter(learner__country_id=scope)
    if user.has_role("enterprise_advisor", "trainer"):
        mine = Cohort.objects.filter(trainers=user).values("enrolments__learner")
        same_country = (
            Q(learner__country_id=user.country_id)
            if user.has_role("enterprise_advisor")
            else Q(pk__in=[])
        )
        return submissions.filter(Q(learner__in=mine) | same_country)
    return submissions.none()


# --- pre/post tests ---------------------------------------------------------------------


@dataclass
class TestResult:
    score: float
    out_of: float
    answers: dict[str, bool]


def _test_filter(course: CoursePage) -> Q:
    """The statements of the (canonical) course's pre and post tests."""
    return Q(activity__in=_test_activities(course).values(), verb=verbs.COMPLETED)


def _test_activities(course: CoursePage) -> dict[str, str]:
    return {phase: activity_id("test", f"{course.pk}.{phase}") for phase in ("pre", "post")}


TEST_COLUMNS = ("actor_id", "activity", "score_raw", "score_max", "data")


def test_results(*, course: CoursePage, learner_ids) -> dict[str, dict[int, TestResult]]:
    """The latest pre and post result of each learner: ``{"pre": {id: result}, "post": ...}``."""
    course = _canonical_course(course)
    rows = (
        Statement.objects.filter(actor_id__in=learner_ids)
        .filter(_test_filter(course))
        .values_list(*TEST_COLUMNS)
    )
    return _results_from_rows(course=course, rows=rows)


def _test_result(raw, maximum, data) -> TestResult:
    """A test statement's result: its raw score, its maximum and the answers' marks."""
    answers = ((data.get("result") or {}).get("extensions") or {}).get(ANSWERS_EXTENSION, {})
    return TestResult(score=raw or 0, out_of=maximum or 0, answers=answers)


def _results_from_rows(*, course: CoursePage, rows) -> dict[str, dict[int, TestResult]]:
    """Test results from the learners' test statements (rows of ``TEST_COLUMNS``)."""
    phase_of = {v: k for k, v in _test_activities(course).items()}
    results = {"pre": {}, "post": {}}
    for actor_id, activity, raw, maximum, data in rows:  # ordered by timestamp: last wins
        results[phase_of[activity]][actor_id] = _test_result(raw, maximum, data)
    return results


@dataclass
class KnowledgeGain:
    per_learner: dict[int, tuple[float | None, float | None, float | None]]
    per_question: list[tuple[str, float | None, float | None]]  # (question, pre %, post %)


def knowledge_gain(*, course: CoursePage, learner_ids, results=None) -> KnowledgeGain:
    """``results``: the learners' test results (as ``test_results`` returns them) when the
    caller has read them already."""
    course = _canonical_course(course)
    if results is None:
        results = test_results(course=course, learner_ids=learner_ids)
    per_learner = {}
    for pk in learner_ids:
        pre, post = results["pre"].get(pk), results["post"].get(pk)
        pre_pct = 100 * pre.score / pre.out_of if pre and pre.out_of else None
        post_pct = 100 * post.score / post.out_of if post and post.out_of else None
        gain = post_pct - pre_pct if pre_pct is not None and post_pct is not None else None
        per_learner[pk] = (pre_pct, post_pct, gain)
    per_question = []
    for block in course.test_questions:
        rates = []
        for phase in ("pre", "post"):
            marks = [r.answers[block.id] for r in results[phase].values() if block.id in r.answers]
            rates.append(100 * sum(marks) / len(marks) if marks else None)
        per_question.append((block.value["question"], *rates))
    return KnowledgeGain(per_learner=per_learner, per_question=per_question)


def courses_containing(*, page_ids: set[int], learner) -> list[CoursePage]:
    """The canonical courses the learner is enrolled in that contain any of these pages."""
    paths = Page.objects.filter(pk__in=page_ids).values_list("path", flat=True)
    prefixes = {prefix for path in paths for prefix in paths_from_root(path)}
    keys = CoursePage.objects.filter(path__in=prefixes).values("translation_key")
    return list(
        CoursePage.objects.filter(enrolments__learner=learner, translation_key__in=keys).specific()
    )


def enrolments_containing(*, page_ids: set[int], learner) -> list[Enrolment]:
    """The learner's enrolments in the courses (in any language) containing any of these
    pages, in one query: each with its course and that course's locale read, and
    ``cohort_sessions``, the number of sessions of its cohort (0 without one)."""
    containing = CoursePage.objects.filter(
        Exists(Page.objects.filter(pk__in=page_ids, path__startswith=OuterRef("path")))
    ).values("translation_key")
    sessions = (
        ClassSession.objects.filter(cohort_id=OuterRef("cohort_id"))
        .order_by()
        .values("cohort_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return list(
        Enrolment.objects.filter(learner=learner, course__translation_key__in=containing)
        .select_related("course__locale")
        .annotate(cohort_sessions=Coalesce(Subquery(sessions), 0))
    )


def team_submissions(*, learner, course: CoursePage) -> QuerySet[Submission]:
    """The learner's own submissions and their team's (same organisation), newest first."""
    course = _canonical_course(course)
    mine = Q(learner=learner)
    if learner.organisation_id:
        mine |= Q(organisation_id=learner.organisation_id)
    return Submission.objects.filter(mine, course=course).select_related("learner", "reviewer")


def may_see_submission(*, user, submission: Submission) -> bool:
    if submission.learner_id == user.pk:
        return True
    if submission.organisation_id and submission.organisation_id == user.organisation_id:
        return True
    return submissions_to_review(user=user).filter(pk=submission.pk).exists()


def organisations_for_adoption(*, user):
    """Organisations for which this person may record a policy adoption."""
    from lms.accounts.models import Organisation
    from lms.accounts.selectors import organisations_visible_to

    if not user.is_authenticated:
        return Organisation.objects.none()
    scope = country_scope(user)
    if scope is not False:
        return organisations_visible_to(user=user)
    if user.has_role("enterprise_advisor") and user.country_id:
        return Organisation.objects.filter(country_id=user.country_id)
    if user.has_role("manager") and user.organisation_id:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()


def locale_for_request(request) -> Locale:
    from django.utils.translation import get_language

    return taxonomy_locales.locale_for_language(get_language()) or default_locale()


@dataclass
class LearningRow:
    enrolment: Enrolment
    course: CoursePage
    percent: int
    next_lesson: Page | None
    opens_on: dt.date | None


def learning_overview(*, learner, locale: Locale) -> list[LearningRow]:
    """The learner's courses, each with progress and the lesson to open next, in a fixed
    number of queries however many courses they take."""
    enrolments = list(enrolments_of(learner=learner))
    structures = kept_course_structures(courses=[e.course for e in enrolments], locale=locale)
    progress = _progress_table(
        learner_ids=[learner.pk],
        structures={e.course_id: structures[e.course_id] for e in enrolments},
        enrolments=enrolments,
    )
    today = timezone.localdate()
    rows = []
    for enrolment in enrolments:
        structure = structures[enrolment.course_id]
        course_progress = progress[learner.pk, enrolment.course_id]
        start = enrolment_release_start(enrolment)
        next_lesson, opens_on = None, None
        module_of = {lesson.pk: module for module in structure.modules for lesson in module.lessons}
        for lesson in structure.lessons:
            if structure.lesson_key(lesson) in course_progress.lessons_done:
                continue
            module = module_of.get(lesson.pk)
            if module and module.opens_on(start) > today:
                opens_on = opens_on or module.opens_on(start)
                continue
            next_lesson = lesson
            break
        rows.append(
            LearningRow(
                enrolment=enrolment,
                course=structure.course,
                percent=course_progress.percent(enrolment.course),
                next_lesson=next_lesson,
                opens_on=opens_on if next_lesson is None else None,
            )
        )
    return rows


def person_for_cohort(*, cohort: Cohort, identifier: str):
    from lms.accounts.models import User

    identifier = identifier.strip()
    return (
        User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
        .exclude(email="", username="")
        .filter(Q(country_id=cohort.country_id) | Q(country__isnull=True))
        .first()
    )


def submission_title(submission: Submission) -> str:
    if submission.item.isdigit():
        step = Page.objects.filter(pk=int(submission.item)).first()
        return step.title if step else submission.item
    return str(submission.course.title)


# --- the trainer's grid -----------------------------------------------------------------


@dataclass
class GridColumn:
    title: str
    lesson_keys: list[int]


@dataclass
class GridRow:
    learner: object
    cells: list[tuple[int, int]]  # (done, total) per column
    progress: Progress
    percent: int
    pre: float | None
    post: float | None
    gain: float | None


@dataclass
class CohortGrid:
    cohort: Cohort
    columns: list[GridColumn]
    rows: list[GridRow]
    sessions: list[ClassSession]
    gain: KnowledgeGain

    @property
    def sessions_total(self) -> int:
        return len(self.sessions)

    def header(self) -> list[str]:
        from django.utils.translation import gettext as _

        return [
            _("Learner"),
            _("Username"),
            *[c.title for c in self.columns],
            _("Sessions attended"),
            _("Pre-test %"),
            _("Post-test %"),
            _("Gain (points)"),
            _("Progress %"),
            _("Completed"),
        ]

    def table(self) -> list[list]:
        def number(value):
            return None if value is None else round(value, 1)

        return [
            [
                str(row.learner),
                row.learner.get_username(),
                *[f"{done}/{total}" for done, total in row.cells],
                row.progress.sessions_attended,
                number(row.pre),
                number(row.post),
                number(row.gain),
                row.percent,
                row.progress.completed_at.date().isoformat() if row.progress.completed_at else "",
            ]
            for row in self.rows
        ]


# Rows read from the database at a time by the grid: its statements are counted as they
# arrive, never all held at once (decision 0632).
GRID_CHUNK = 500


def _grid_statements(
    *, learner_ids, course: CoursePage, structure: CourseStructure, enrolments: list[Enrolment]
):
    """The learners' progress statements and their test results in the (canonical) course,
    read in one query and counted as they arrive: each learner's (lessons done, checks
    passed), as ``_progress_table`` counts them in the cycle of their enrolment among
    ``enrolments``, and the tests' results, as ``test_results`` returns them."""
    lesson_keys = _lesson_keys(structure)
    question_ids = _question_ids(structure)
    progress = _progress_filter(lesson_ids=set(lesson_keys), question_ids=set(question_ids))
    tests = _test_filter(course)
    phase_of = {v: k for k, v in _test_activities(course).items()}
    enrolment_of = {e.learner_id: e for e in enrolments if e.course_id == course.pk}
    # A statement's moment counts only against a later cycle's start: read only then.
    cycles = any(e.cycle_started_at for e in enrolment_of.values())
    counted: dict[int, tuple[set[int], set[str]]] = {}
    results = {"pre": {}, "post": {}}
    rows = (
        Statement.objects.filter(actor_id__in=learner_ids)
        .filter(progress | tests)
        .values_list(
            "actor_id",
            "activity",
            "parent_activity",
            "verb",
            "success",
            F("timestamp") if cycles else Value(None, output_field=DateTimeField()),
            "score_raw",
            "score_max",
            # A statement's whole document only where the test needs its answers.
            Case(When(tests, then=F("data")), default=None, output_field=JSONField()),
        )
    )
    for actor_id, activity, parent, verb, success, when, raw, maximum, data in rows.iterator(
        chunk_size=GRID_CHUNK
    ):  # ordered by timestamp: the last test of each phase wins
        # A test as its own query finds it (``_test_filter``); a progress statement as
        # ``_progress_table`` counts it (its rule finds nothing outside ``progress``).
        if verb == verbs.COMPLETED and activity in phase_of:
            results[phase_of[activity]][actor_id] = _test_result(raw, maximum, data)
        if verb in PROGRESS_VERBS and _in_cycle(enrolment_of.get(actor_id), when):
            if actor_id not in counted:
                counted[actor_id] = (set(), set())
            done, passed = counted[actor_id]
            _statement_step(
                done, passed, (activity, parent, verb, success), lesson_keys, question_ids
            )
    return counted, results


def cohort_grid(*, cohort: Cohort, locale: Locale | None = None) -> CohortGrid:
    """Learners x modules (or lessons, for courses without modules), and the cohort's
    sessions, in a fixed number of queries."""
    # Completion rules and tests are the CoursePage's own fields: no need for the specific page.
    course = cohort.course
    structure = course_structure(course=course, locale=locale or course.locale)
    if structure.modules:
        columns = [
            GridColumn(
                title=module.page.title,
                lesson_keys=[structure.lesson_key(lesson) for lesson in module.lessons],
            )
            for module in structure.modules
        ]
    else:
        columns = [
            GridColumn(title=lesson.title, lesson_keys=[structure.lesson_key(lesson)])
            for lesson in structure.lessons
        ]
    # The learners come with their enrolments in this cohort: when these are all in the
    # course itself (not a translation of it), they are the learners' enrolments in it.
    # (Not their organisations: nothing on the grid or in its export shows them.)
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("learner")
        .order_by("learner__display_name", "learner__username")
    )
    learners = [enrolment.learner for enrolment in enrolments]
    learner_ids = [learner.pk for learner in learners]
    canonical = _canonical_course(course)
    sessions = list(cohort.sessions.all())
    if all(enrolment.course_id == canonical.pk for enrolment in enrolments):
        in_course, sessions_counted = enrolments, {cohort.pk: len(sessions)}
    else:  # read before the statements, whose count depends on their cycles
        in_course = list(_enrolments_in(course_ids=[canonical.pk], learner_ids=learner_ids))
        sessions_counted = None
    counted, results = _grid_statements(
        learner_ids=learner_ids, course=canonical, structure=structure, enrolments=in_course
    )
    progress = progress_for_learners(
        course=course,
        learners=learners,
        cohort=cohort,
        structure=structure,
        enrolments=in_course,
        sessions_per_cohort=sessions_counted,
        statement_progress=counted,
    )
    gain = knowledge_gain(course=course, learner_ids=learner_ids, results=results)
    # Each lesson's columns (one, unless a key is repeated), and one tuple per distinct cell.
    columns_of: dict[int, set[int]] = {}
    for index, column in enumerate(columns):
        for key in column.lesson_keys:
            columns_of.setdefault(key, set()).add(index)
    totals = [len(column.lesson_keys) for column in columns]
    cell_of: dict[tuple[int, int], tuple[int, int]] = {}
    rows = []
    for learner in learners:
        learner_progress = progress[learner.pk]
        done = [0] * len(columns)
        for key in learner_progress.lessons_done:
            for index in columns_of.get(key, ()):
                done[index] += 1
        rows.append(
            GridRow(
                learner=learner,
                cells=[cell_of.setdefault(cell, cell) for cell in zip(done, totals, strict=True)],
                progress=learner_progress,
                percent=learner_progress.percent(course),
                pre=gain.per_learner[learner.pk][0],
                post=gain.per_learner[learner.pk][1],
                gain=gain.per_learner[learner.pk][2],
            )
        )
    return CohortGrid(
        cohort=cohort,
        columns=columns,
        rows=rows,
        sessions=sessions,
        gain=gain,
    )
