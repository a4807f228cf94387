"""Who may do what in certification. Candidates act on their own candidacy; assessors
review the programmes they assess (never their own evidence); country staff manage their
country's candidates and certificates; global staff everyone's."""

from lms.accounts.selectors import country_scope


def can_enrol(user, programme) -> bool:
    return bool(user.is_authenticated and programme.is_open and user.has_role(programme.audience))


def is_assessor_of(user, programme) -> bool:
    if not user.is_authenticated:
        return False
    return programme.assessors.filter(pk=user.pk).exists()


def can_assess(user, candidacy) -> bool:
    """Record results and review evidence: an assessor of the programme, not the candidate."""
    return candidacy.candidate_id != user.pk and is_assessor_of(user, candidacy.programme)


def can_review(user, submission) -> bool:
    return can_assess(user, submission.candidacy)


def _in_scope(user, person) -> bool:
    scope = country_scope(user)
    if scope is None:
        return True
    return scope is not False and person.country_id == scope


def can_manage_candidacy(user, candidacy) -> bool:
    """Staff of the candidate's country (or global staff) approve the issue."""
    return _in_scope(user, candidacy.candidate)


def can_manage_person(user, person) -> bool:
    return _in_scope(user, person)


def can_manage_certificate(user, certificate) -> bool:
    return _in_scope(user, certificate.holder)


def can_view_candidacy(user, candidacy) -> bool:
    if not user.is_authenticated:
        return False
    return (
        candidacy.candidate_id == user.pk
        or can_manage_candidacy(user, candidacy)
        or can_assess(user, candidacy)
    )
