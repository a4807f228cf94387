"""Courses listens to the learning-record store: new statements may complete a course."""

from lms.records.signals import statements_recorded


def on_statements_recorded(sender, actor, statements, **kwargs):
    from courses.services import completion_after_statements

    completion_after_statements(actor=actor, statements=statements)


def connect():
    statements_recorded.connect(on_statements_recorded, dispatch_uid="courses_completion")
