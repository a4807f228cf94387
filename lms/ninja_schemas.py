"""Django Ninja's schemas build their validators when first used, not when a process starts.

Pydantic's ``defer_build`` option leaves the building of a model's validator and serializer
to its first validation, serialisation or JSON schema, so models that are never used never
build it. Ninja's ``Schema`` is the base of every schema of the buyers' API
(``compliance.api``), whose schemas are then built by its first call in each process, and
of Wagtail's v3 API, which defines a read, a create and a patch schema for every page type
and unions of them when imported (about 9 MB a web worker for the site's page types; issue
14, a worker's memory; decision 0624). The site no longer imports that API at all (decision
0635, ``lms.wagtail_apps``); a project that routes it keeps its schemas deferred.

Pydantic builds a deferred model once, under its own lock (``pydantic.main._rebuild_lock``),
so the threads of a gthread worker that meet it together wait for one build.
"""


def build_schemas_on_first_use() -> None:
    """Set ``defer_build`` on Ninja's ``Schema`` (once). Subclasses read their base's
    configuration when they are defined, so this must run before Wagtail's apps are ready
    and before anything defines a schema: ``lms.accounts`` (the first installed app) calls it
    from its ``ready()``."""
    from ninja import Schema

    Schema.model_config["defer_build"] = True
