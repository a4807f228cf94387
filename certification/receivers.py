"""Where certification listens to lower rooms: a course completed (courses) and a scored
learning record (lms.records). Each receiver only hands over to a service."""

from courses.signals import course_completed
from lms.records.activities import activity_id
from lms.records.signals import statements_recorded

# Learning records about ``urn:betterwork:assessment:<key>`` are certification assessments
# (e.g. an H5P or SCORM test a requirement names); a scored one becomes a result.
ASSESSMENT_KIND = "assessment"


def authorise_assessments(user, keys: set[str]) -> set[str]:
    """A person may record results of the assessments of programmes they are a candidate
    for."""
    from certification.models import Candidacy, Requirement

    wanted = {activity_id(ASSESSMENT_KIND, key): key for key in keys}
    allowed = Requirement.objects.filter(
        kind=Requirement.Kind.ASSESSMENT,
        assessment_activity__in=wanted,
        programme__candidacies__candidate=user,
        programme__candidacies__status=Candidacy.Status.IN_PROGRESS,
    ).values_list("assessment_activity", flat=True)
    return {wanted[a] for a in allowed}


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
