"""Who may work on a factory's improvement plan, advisory visits, training and figures.

Built on :mod:`compliance.permissions` (who sees a factory):

- the factory's managers and its bipartite committee write their own plan (actions, status
  up to "done", evidence), their committee and their monthly figures, and take up training;
- the factory's enterprise advisors do all of that, log their visits and verify actions;
- country programme staff (their country) and global staff may do everything.
"""

from compliance.permissions import (
    can_view_factory,
    is_advisor_for,
    is_country_staff_for,
    is_factory_member,
    is_global,
)


def is_programme_staff_for(user, factory) -> bool:
    return is_global(user) or is_country_staff_for(user, factory)


def can_view_plan(user, factory) -> bool:
    return can_view_factory(user, factory)


def can_edit_plan(user, factory) -> bool:
    """Write actions, move them up to "done", attach evidence, keep the committee list,
    record figures and take up recommended training."""
    return (
        is_programme_staff_for(user, factory)
        or is_advisor_for(user, factory)
        or is_factory_member(user, factory)
    )


def can_verify(user, factory) -> bool:
    """Confirm that an action is done (or take the confirmation back): the advisor's word."""
    return is_programme_staff_for(user, factory) or is_advisor_for(user, factory)


def can_log_visit(user, factory) -> bool:
    return is_programme_staff_for(user, factory) or is_advisor_for(user, factory)
