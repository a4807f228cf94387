"""Make the next request a process's first: what each process keeps between requests
(locales, taxonomy terms, sites, routing roots, course structures and prerequisites) and
the shared caches are forgotten, so a query budget measured after this holds for a cold
server too."""

from django.core.cache import cache, caches


def forget_what_processes_keep(*, course_structures: bool = True) -> None:
    """``course_structures=False`` keeps the course structures and prerequisites, which
    are keyed by the content's generation and so cannot leak from one test into the next
    (the suite's autouse fixture forgets the rest around every test)."""
    from courses.progression.selectors import forget_required_courses
    from courses.selectors import forget_course_structures
    from lms.portal.page_routing import forget_roots
    from lms.portal.site_lookup import forget_sites
    from lms.taxonomy.locales import forget_locales
    from lms.taxonomy.selectors import forget_terms

    cache.clear()
    caches["pages"].clear()
    forget_locales()
    forget_terms()
    forget_sites()
    forget_roots()
    if course_structures:
        forget_course_structures()
        forget_required_courses()
