"""Where certification listens to lower rooms: a course completed (courses) and a scored
learning record (lms.records). Each receiver only hands over to a service."""

from courses.signals import course_completed
from lms.records.signals import statements_recorded


def on_course_completed(sender, *, learner, course, completed_at, **kwargs):
    from certification.services import completion_evidence_record

    completion_evidence_record(
        candidate_user=learner, course_page_id=course.pk, completed_at=completed_at
    )


def on_statements_recorded(sender, *, actor, statements, **kwargs):
    from certification.services import assessment_statements_record

    assessment_statements_record(actor=actor, statements=statements)


def connect():
    course_completed.connect(on_course_completed, dispatch_uid="certification.course_completed")
    statements_recorded.connect(
        on_statements_recorded, dispatch_uid="certification.statements_recorded"
    )
