from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses import activities, record_access
        from courses.calendar_sources import register_course_sources
        from courses.receivers import connect

        activities.register()
        connect()
        record_access.connect()
        register_course_sources()

        from courses import notifications

        notifications.register()
        notifications.connect()

        from media_library.interactive.access import register_access_check

        register_access_check(learner_may_record_in_course)

        from courses.selectors import PAGE_STATEMENT_VERBS
        from lms.learner_page_cache import statement_verbs_shown

        statement_verbs_shown(PAGE_STATEMENT_VERBS)


def learner_may_record_in_course(user, package, context_page):
    """The interactive room's access check: an H5P or SCORM package embedded in a course's
    page records results only for learners enrolled in that course (in any language); pages
    outside courses are not ours to decide (None). Answered from the learner's kept record
    access (``courses.record_access``), which the record store then asks about the same page
    as the results' parent lesson, and the completion receiver after it."""
    from courses.record_access import page_access_kept

    if context_page is None:
        return None
    access = page_access_kept(
        learner=user, page_ids={context_page.pk}, paths={context_page.pk: context_page.path}
    )
    if context_page.pk not in access.in_courses:
        return None
    return context_page.pk in access.enrolled
