"""Signals through which higher rooms (certification, reports) react to courses without
courses importing them.

``course_completed``: sent once when a learner first completes a course, after the
transaction that recorded it commits. Keyword arguments:
    learner  -- the accounts.User who completed it
    course   -- the specific course page (a Wagtail page) that was completed
    completed_at -- when (an aware datetime)
"""

from django.dispatch import Signal

course_completed = Signal()
