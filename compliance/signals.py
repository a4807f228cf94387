"""Signals other rooms (and the portal) may receive without this room importing them."""

from django.dispatch import Signal

# Sent after commit when an assessment is published to its factory; ``assessment=``.
assessment_published = Signal()
