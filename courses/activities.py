"""The activity kinds courses owns in ``lms.records`` and who may record about them: only
learners enrolled in the course the activity belongs to.

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

from courses.models import ClassSession
from courses.selectors import page_ids_in_enrolled_courses
from lms.records.activities import register_activity_kind


def _page_keys(user, keys: set[str], *, head_of=lambda key: key) -> set[str]:
    heads = {}
    for key in keys:
        head = head_of(key)
        if head.isdigit():
            heads[key] = int(head)
    allowed = page_ids_in_enrolled_courses(learner=user, page_ids=set(heads.values()))
    return {key for key, page_id in heads.items() if page_id in allowed}


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
    register_activity_kind("question", authorise_questions)
    register_activity_kind("test", authorise_tests)
    register_activity_kind("step", authorise_steps)
    register_activity_kind("session", authorise_sessions)
