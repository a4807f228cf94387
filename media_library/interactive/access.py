"""Who may record results for a package embedded in a page.

media_library sits below courses and cannot ask it about enrolment, so it asks whatever a
higher room registered here: ``register_access_check(fn)`` with
``fn(user, package, context_page) -> bool | None``. ``True`` allows, ``False`` refuses,
``None`` means "not mine to decide" (a page outside that room). The first check that answers
``True`` or ``False`` decides. With no answer, only staff may record (they preview content).

courses registers its enrolment check from its ``AppConfig.ready``; the ready-to-use code is
in docs/rooms/interactive.md ("Registering the enrolment check").
"""

from collections.abc import Callable

AccessCheck = Callable[[object, object, object], bool | None]

_checks: list[AccessCheck] = []


def register_access_check(check: AccessCheck) -> AccessCheck:
    """Add a check (usable as a decorator). Registering the same function twice is a no-op."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister_access_check(check: AccessCheck) -> None:
    if check in _checks:
        _checks.remove(check)


def registered_access_checks() -> list[AccessCheck]:
    return list(_checks)


def is_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def learner_may_record(*, user, package, page) -> bool:
    """May ``user`` record results for ``package`` as embedded in ``page``?"""
    if not user.is_authenticated or not user.is_active:
        return False
    for check in _checks:
        answer = check(user, package, page)
        if answer is not None:
            return bool(answer) or is_staff(user)
    return is_staff(user)
