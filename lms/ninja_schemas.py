"""Django Ninja's schemas build their validators when first used, not when a process starts.

Wagtail builds its v3 API when its images, documents, snippets and redirects apps are ready:
a read, a create and a patch schema for every page type, and unions of them for the API's
operations. The site does not route that API, but each of those pydantic models compiled
its validator and serializer at start: about 9 MB a web worker for the site's page types
(issue 14, a worker's memory; decision 0624). Pydantic's ``defer_build`` option leaves that
work to a model's first validation, serialisation or JSON schema, so models that are never
used never build it. Ninja's ``Schema`` is the base of every schema of Wagtail's v3 API
and of the buyers' API (``compliance.api``), whose schemas are then built by its first call
in each process.

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
