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


def learner_may_record_in_course(user, package, context_page):
    """The interactive room's access check: an H5P or SCORM package embedded in a course's
    page records results only for learners enrolled in that course (in any language); pages
    outside courses are not ours to decide (None)."""
    from courses.selectors import course_translation_key_of, learner_is_enrolled_in_course_key

    if context_page is None:
        return None
    key = course_translation_key_of(context_page)
    if key is None:
        return None
    return learner_is_enrolled_in_course_key(learner=user, translation_key=key)
