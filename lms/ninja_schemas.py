"""Django Ninja's schemas build their validators when first used, not when defined.

Pydantic's ``defer_build`` option leaves the building of a model's validator and serializer
to its first validation, serialisation or JSON schema, so models that are never used never
build it (decision 0624). Ninja's ``Schema`` is the base of every schema of the buyers' API
(``compliance.api``): a process that serves one of its endpoints builds the schemas that
endpoint uses, not all of them. (Decision 0624 set it first for Wagtail's v3 API, which
defined schemas for every page type in every process; the site no longer imports that API,
decision 0635, nor the buyers' API before its first call, decision 0636.)

Pydantic builds a deferred model once, under its own lock (``pydantic.main._rebuild_lock``),
so the threads of a gthread worker that meet it together wait for one build.
"""


def build_schemas_on_first_use() -> None:
    """Set ``defer_build`` on Ninja's ``Schema``. Subclasses read their base's configuration
    when they are defined, so a module calls this before it defines its schemas, as
    ``compliance.api`` does."""
    from ninja import Schema

    Schema.model_config["defer_build"] = True
