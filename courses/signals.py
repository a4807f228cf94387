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

# A seat on a session's waiting list was given to the next person. Keyword argument:
#   registration -- the courses SessionRegistration that now holds a seat
waitlist_seat_given = Signal()
# A required (possibly recurring) training falls due soon, or is now overdue. Keyword arguments:
#   learner -- accounts.User; course -- the specific course page; due_on -- a date
training_due_soon = Signal()
training_overdue = Signal()
# Enrolments changed by a ``QuerySet.update()``, which sends no model signal (a completion
# recorded by ``services.completion_evaluate``); sent inside the writing transaction so a
# receiver's own writes commit or roll back with it. Keyword argument:
#   learner_ids -- the ids of the people whose enrolments changed
enrolments_updated = Signal()
