"""Signals of the learning-record store. Rooms connect to them to derive progress."""

from django.dispatch import Signal

# Sent after new statements are stored, with ``actor`` and ``statements`` (the new ones only:
# a retried statement is not sent twice).
statements_recorded = Signal()
