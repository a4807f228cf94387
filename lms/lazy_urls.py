"""A namespaced URLconf imported when it is first used, not when the site's URLconf loads.

``include()`` imports its module at once. Django's ``URLResolver`` also accepts the module's
dotted name, and imports it the first time it needs the patterns: to resolve a path under
its route (a path elsewhere never reaches it), or to reverse a name in its namespace
(``reverse()`` builds a resolver of its own over the patterns for that). One more thing
reads them: when the URLconf containing it builds its reverse-lookup table (on a process's
first ``reverse()`` in a language), Django 5.2 has every included resolver build its own
too, although it uses a namespaced one's only through that namespace. ``ResolverOnFirstUse``
builds its table only when something asks it for it directly.

So a section of the site that only some requests reach, and that imports libraries nothing
else needs, stays out of every web worker until one of those requests comes (issue 14, a
worker's memory; decision 0636): the buyers' API, whose Django Ninja and own modules cost a
process about 2 MB. Two consequences: an error in the section's modules shows at its first
use, not when the server starts (``manage.py check``, which reads every resolver's patterns,
imports and checks it; the deployment runs it), and the including resolver's list of view
paths (``_is_callback``, which only ``django.contrib.admindocs`` reads) lacks the section's.
``tests/test_lazy_urls.py`` checks the behaviour.
"""

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class ResolverOnFirstUse(URLResolver):
    """A namespaced resolver whose module and reverse-lookup tables are loaded when it is
    used, not when the resolver including it builds its own table."""

    in_use = False

    def _populate(self):
        # Called by the including resolver's ``_populate()`` for every resolver it holds,
        # and by the entry points below, which mark the resolver as used first (a
        # ``reverse()`` on this resolver reads ``reverse_dict``).
        if self.in_use:
            super()._populate()

    @property
    def reverse_dict(self):
        self.in_use = True
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self.in_use = True
        return super().namespace_dict

    @property
    def app_dict(self):
        self.in_use = True
        return super().app_dict

    def _is_callback(self, name):
        self.in_use = True
        return super()._is_callback(name)


def include_on_first_use(route: str, urlconf_module: str, *, app_name: str, namespace: str):
    """``path(route, include((urlconf_module, app_name), namespace=namespace))``, with the
    module imported on first use. The namespace (with its application name) is what lets
    the including URLconf's reverse-lookup table be built without the module's names."""
    if not (app_name and namespace):
        raise ValueError("A URLconf included on first use needs an app_name and a namespace.")
    return ResolverOnFirstUse(
        RoutePattern(route, is_endpoint=False),
        urlconf_module,
        app_name=app_name,
        namespace=namespace,
    )
