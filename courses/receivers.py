"""Courses listens to the learning-record store: new statements may complete a course."""

from courses.signals import course_completed
from lms.records.signals import statements_recorded


def on_statements_recorded(sender, actor, statements, **kwargs):
    from courses.services import completion_after_statements

    completion_after_statements(actor=actor, statements=statements)


def on_course_completed(sender, learner, course, **kwargs):
    """A completed course closes the learner's open cycle of it, if it is required."""
    from courses.training import assignment_completions_sync

    assignment_completions_sync(learner=learner, course=course)


def connect():
    statements_recorded.connect(on_statements_recorded, dispatch_uid="courses_completion")
    course_completed.connect(on_course_completed, dispatch_uid="courses_training_cycles")
