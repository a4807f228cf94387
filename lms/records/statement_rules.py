"""Rules that rooms add to the statement store, checked before a batch is stored.

A room registers ``rule(batch)`` with :func:`register_statement_rule`; the store calls every
rule with a :class:`StatementBatch` before it stores anything, and a rule refuses the whole
batch by raising a ``StatementError`` (``lms.records.services``) with its reason. The cmi5
rules (``media_library.interactive.cmi5_rules``) are one: which verbs an assignable unit may
send, in which order, within its launch session.

Statements the LMS writes itself (a cmi5 launch, a waiver) are made inside
:func:`lms_authoring`; rules see ``batch.by_lms`` and let them through.
"""

import contextvars
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

_by_lms: contextvars.ContextVar[bool] = contextvars.ContextVar("records_by_lms", default=False)


@dataclass(frozen=True)
class StatementBatch:
    actor: object
    statements: list[dict]
    # The launch credential of the content that sent the batch (cmi5), if any.
    credential: object = None
    by_lms: bool = False


StatementRule = Callable[[StatementBatch], None]

_rules: list[StatementRule] = []


def register_statement_rule(rule: StatementRule) -> StatementRule:
    """Add a rule (usable as a decorator); registering the same rule twice is a no-op."""
    if rule not in _rules:
        _rules.append(rule)
    return rule


def registered_statement_rules() -> list[StatementRule]:
    return list(_rules)


@contextmanager
def lms_authoring():
    """Statements recorded inside this block are the LMS's own."""
    token = _by_lms.set(True)
    try:
        yield
    finally:
        _by_lms.reset(token)


def statement_rules_apply(*, actor, statements: list[dict], credential=None) -> None:
    batch = StatementBatch(
        actor=actor, statements=statements, credential=credential, by_lms=_by_lms.get()
    )
    for rule in _rules:
        rule(batch)
