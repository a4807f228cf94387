"""The activity kinds courses owns in ``lms.records`` and who may record about them: only
learners enrolled in the course the activity belongs to, and, inside a modular programme,
only once the activity's module has opened for them (their cohort's start date plus the
module's month). A module not open yet is refused with its opening day as the reason, code
``not_open``; the record store then also refuses statements that name such a lesson as their
parent (an H5P or SCORM result inside it).

=========  =============================  ==========================================
kind       key                            what
=========  =============================  ==========================================
lesson     <lesson page id>               a lesson viewed / completed
question   <lesson page id>.<block id>    a knowledge check question in a lesson
test       <course page id>.pre|post      a course's pre- or post-test
session    <classroom session id>         a classroom session attended
step       <course page id>.<item>        a workbook step or practice assignment
=========  =============================  ==========================================
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from courses.models import ClassSession
from courses.record_access import page_access_kept
from lms.records.activities import (
    Authorisation,
    Refusal,
    register_activity_kind,
    register_statement_group,
)

NOT_OPEN = "not_open"


def _page_keys(user, keys: set[str], *, head_of=lambda key: key) -> Authorisation:
    heads = {}
    for key in keys:
        head = head_of(key)
        if head.isdigit():
            heads[key] = int(head)
    access = page_access_kept(learner=user, page_ids=set(heads.values()))
    refusals = {
        page_id: Refusal(
            reason=_(
                "This module opens for you on %(date)s. Your learning in it can be recorded "
                "from that day."
            )
            % {"date": date_format(opens_on, "DATE_FORMAT")},
            code=NOT_OPEN,
        )
        for page_id, opens_on in access.opens_on.items()
    }
    return Authorisation(
        allowed={
            key
            for key, page_id in heads.items()
            if page_id in access.enrolled and page_id not in refusals
        },
        refused={key: refusals[page_id] for key, page_id in heads.items() if page_id in refusals},
    )


def authorise_lessons(user, keys):
    return _page_keys(user, keys)


def authorise_questions(user, keys):
    return _page_keys(user, {k for k in keys if "." in k}, head_of=lambda key: key.split(".", 1)[0])


def authorise_tests(user, keys):
    wellformed = {k for k in keys if k.rpartition(".")[2] in ("pre", "post")}
    return _page_keys(user, wellformed, head_of=lambda key: key.rpartition(".")[0])


def authorise_steps(user, keys):
    return _page_keys(user, {k for k in keys if "." in k}, head_of=lambda key: key.split(".")[0])


def authorise_sessions(user, keys):
    ids = {int(k) for k in keys if k.isdigit()}
    if not user.is_authenticated or not ids:
        return set()
    allowed = ClassSession.objects.filter(pk__in=ids, cohort__enrolments__learner=user).values_list(
        "pk", flat=True
    )
    return {str(pk) for pk in allowed}


def register():
    register_activity_kind("lesson", authorise_lessons)
    # Marked or decided by this site only (issue 16): answers are scored on the server, a
    # presence is marked by the trainer, a step counts when its submission is approved. A
    # learner posting a score or a presence for themselves is refused.
    register_activity_kind("question", authorise_questions, server_scored=True)
    register_activity_kind("test", authorise_tests, server_scored=True)
    register_activity_kind("step", authorise_steps, server_scored=True)
    register_activity_kind("session", authorise_sessions, server_scored=True)
    register_statement_group("course", statements_of_course)
    register_statement_group("cohort", statements_of_cohort)


def _course_activities(course_id: int):
    """Statements about a course's lessons, or inside them (their parent is one)."""
    from django.db.models import Q

    from courses.models import CoursePage, LessonPage
    from lms.records.activities import activity_id

    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return None
    lessons = [
        activity_id("lesson", pk)
        for pk in LessonPage.objects.descendant_of(course).values_list("pk", flat=True)
    ]
    return Q(activity__in=lessons) | Q(parent_activity__in=lessons)


def statements_of_course(key: str):
    """The learning records of a course (lms.records.xapi_staff): its lessons'."""
    return _course_activities(int(key)) if key.isdigit() else None


def statements_of_cohort(key: str):
    """A cohort's: its learners' records about its course."""
    from django.db.models import Q

    from courses.models import Cohort, Enrolment

    cohort = Cohort.objects.filter(pk=int(key)).first() if key.isdigit() else None
    if cohort is None:
        return None
    learners = Enrolment.objects.filter(cohort=cohort).values("learner_id")
    return _course_activities(cohort.course_id) & Q(actor_id__in=learners)
