"""Who may see and do what in the compliance room, declared next to the models.

- global staff: everything;
- country programme staff: the factories of their country (and review their assessments);
- an enterprise advisor: the factories assigned to them;
- a factory's managers and its bipartite committee: their own factory, and only published
  assessments of it (plus the self-assessments they fill in);
- an assessment's assessors: that assessment while they work on it.
"""

from django.db.models import Exists, IntegerField, OuterRef, Q, Value

from lms.accounts.exposure import has_confirmed_second_factor, require_second_factor
from lms.accounts.models import Role


def is_global(user) -> bool:
    return user.is_authenticated and user.is_global_admin


def is_country_staff_for(user, factory) -> bool:
    return (
        user.is_authenticated
        and user.is_country_staff
        and user.country_id is not None
        and user.country_id == factory.organisation.country_id
    )


def _remembered(user, kind: str, factory, lookup) -> bool:
    """A lookup about ``user`` and ``factory`` kept on the user object, which lives for one
    request: a page asks the same question from its view, its selectors and its panels. A
    factory read with :func:`with_relations_of` brings the answers along."""
    memo = getattr(user, "_factory_relations", None)
    if memo is None:
        memo = user._factory_relations = {}
    key = (kind, factory.pk)
    if key not in memo:
        known = getattr(factory, f"_user_is_{kind}", None)
        memo[key] = lookup() if known is None or factory._relations_of != user.pk else known
    return memo[key]


def with_relations_of(factories, user):
    """``factories`` (a queryset) with ``user``'s relations to each read in the same query:
    advisor, committee member. The permission checks then ask nothing more."""
    from compliance.models import CommitteeMember, Factory

    if not user.is_authenticated:
        return factories
    return factories.annotate(
        _user_is_advisor=Exists(
            Factory.advisors.through.objects.filter(factory_id=OuterRef("pk"), user_id=user.pk)
        ),
        _user_is_member=Exists(
            CommitteeMember.objects.filter(
                factory_id=OuterRef("pk"), user_id=user.pk, left_on__isnull=True
            )
        ),
        _relations_of=Value(user.pk, output_field=IntegerField()),
    )


def is_advisor_for(user, factory) -> bool:
    if not user.is_authenticated or not user.has_role(Role.Code.ENTERPRISE_ADVISOR):
        return False
    return _remembered(
        user, "advisor", factory, lambda: factory.advisors.filter(pk=user.pk).exists()
    )


def is_factory_member(user, factory) -> bool:
    """A manager of the factory, or an active member of its bipartite committee."""
    if not user.is_authenticated:
        return False
    if user.organisation_id == factory.organisation_id and user.has_role(Role.Code.MANAGER):
        return True
    return _remembered(
        user,
        "member",
        factory,
        lambda: factory.committee_members.filter(user=user, left_on__isnull=True).exists(),
    )


def factory_visibility_filter(user) -> Q | None:
    """A filter on Factory for what ``user`` may see; ``None`` means everything."""
    if is_global(user):
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(committee_members__user=user, committee_members__left_on__isnull=True)
    if user.has_role(Role.Code.MANAGER) and user.organisation_id:
        condition |= Q(organisation_id=user.organisation_id)
    if user.has_role(Role.Code.ENTERPRISE_ADVISOR):
        condition |= Q(advisors=user)
    if user.is_country_staff and user.country_id:
        condition |= Q(organisation__country_id=user.country_id)
    return condition


def can_view_factory(user, factory) -> bool:
    return (
        is_global(user)
        or is_country_staff_for(user, factory)
        or is_advisor_for(user, factory)
        or is_factory_member(user, factory)
    )


def can_manage_factory(user, factory) -> bool:
    """Edit the profile, assign advisors, start assessments: programme staff."""
    return is_global(user) or is_country_staff_for(user, factory)


def can_answer(user, assessment) -> bool:
    """Write answers: the assessment's assessors while it is a draft (for a
    self-assessment, the committee members are its assessors)."""
    if not user.is_authenticated or not assessment.is_editable:
        return False
    return assessment.assessors.filter(pk=user.pk).exists()


def can_review(user, assessment) -> bool:
    return is_global(user) or is_country_staff_for(user, assessment.factory)


def can_view_assessment(user, assessment) -> bool:
    """Staff and assigned advisors see every state; assessors their own; the factory sees
    what was published to it and its own self-assessments."""
    factory = assessment.factory
    if can_review(user, assessment) or is_advisor_for(user, factory):
        return True
    if user.is_authenticated and assessment.assessors.filter(pk=user.pk).exists():
        return True
    if is_factory_member(user, factory):
        return (
            assessment.state == assessment.State.PUBLISHED
            or assessment.kind == assessment.Kind.SELF
        )
    return False


def require_second_factor_for_outsiders(request, factory=None) -> None:
    """Whoever reads other people's factories (staff, advisors) must have confirmed a second
    factor in this session (lms.accounts.exposure); a factory's own managers and committee
    members reading their factory need not. Raises SecondFactorRequired, which the
    middleware turns into the set-up or confirmation step."""
    user = request.user
    if has_confirmed_second_factor(request):
        return  # whoever they are, there is nothing left to ask
    if factory is not None and is_factory_member(user, factory):
        return
    if user.needs_two_factor or user.has_role(Role.Code.ENTERPRISE_ADVISOR):
        require_second_factor(request)
