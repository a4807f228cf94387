"""All of a person's data as a ZIP of JSON files (issue 21.4): their profile, and every row
of every table that points at them (learning records, enrolments, attendance, certificates,
CPD, community posts, compliance items they authored ...), found through the models'
relations, so a room added later is included without a list to keep."""

import json
import tempfile
import zipfile

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

# Rows that point at the person but are not their data, or hold secrets: pages they created
# or locked as editors, Wagtail's editing bookkeeping, the staff audit trail, second-factor
# secrets, Django's admin log.
EXCLUDED_APPS = {
    "wagtailcore",
    "wagtailadmin",
    "wagtail_localize",
    "wagtailusers",
    "auditlog",
    "mfa",
    "admin",
}
EXCLUDED_FIELDS = {"password", "key_hash"}
PROFILE_FIELDS = [
    "username",
    "email",
    "phone",
    "display_name",
    "first_name",
    "last_name",
    "preferred_language",
    "country",
    "sector",
    "organisation",
    "gender",
    "gender_description",
    "migrant_status",
    "date_joined",
    "last_login",
    "is_active",
]


def person_relations():
    """(model, field name) for every relation from a table to the user table."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in EXCLUDED_APPS or meta.proxy or issubclass(model, Page):
            continue
        for field in meta.get_fields():
            if (
                field.is_relation
                and field.concrete
                and field.related_model is user_model
                and (field.many_to_one or field.one_to_one or field.many_to_many)
            ):
                found.append((model, field.name))
    return found


def _rows(queryset) -> list[dict]:
    rows = []
    for item in serializers.serialize("python", queryset):
        fields = {k: v for k, v in item["fields"].items() if k not in EXCLUDED_FIELDS}
        rows.append({"id": item["pk"], **fields})
    return rows


def person_data_files(person):
    """(file name, JSON-able content) pairs: ``profile.json`` then one file per table."""
    profile = {name: getattr(person, name) for name in PROFILE_FIELDS}
    for name in ("country", "sector", "organisation"):
        value = profile[name]
        profile[name] = str(value) if value is not None else None
    profile["roles"] = [role.code for role in person.roles.all()]
    profile["consents"] = [
        {"field": c.field, "given_at": c.given_at, "withdrawn_at": c.withdrawn_at}
        for c in person.demographic_consents.all()
    ]
    yield "profile.json", profile
    by_model = {}
    for model, field in person_relations():
        by_model.setdefault(model, []).append(field)
    for model, fields in by_model.items():
        # One query a table, whichever of its fields point at the person (and one for each
        # of its many-to-many fields when the person has rows there): the same queries
        # however much the person has done.
        queryset = model._default_manager.filter(_pointing_at(model, fields, person))
        many = [
            f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created
        ]
        if many:
            queryset = queryset.prefetch_related(*many)
        rows = _rows(queryset.order_by("pk"))
        if rows:
            name = f"{model._meta.app_label}/{model._meta.model_name}.json"
            yield name, rows


def _pointing_at(model, fields, person) -> Q:
    """Rows of ``model`` that point at ``person`` through any of ``fields``, each once: a
    many-to-many field is matched in a subquery rather than a join, which would repeat a
    row once for each other person it holds."""
    found = Q()
    for name in fields:
        if model._meta.get_field(name).many_to_many:
            found |= Q(pk__in=model._default_manager.filter(**{name: person}).values("pk"))
        else:
            found |= Q(**{name: person})
    return found


def person_data_zip(person):
    """A spooled temporary file holding the ZIP, positioned at its start."""
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            _(
                "Everything Better Work Learning holds about you, made on %(when)s. "
                "profile.json holds your profile; each other file holds the rows of one kind "
                "of record that are yours (learning records, enrolments, attendance, "
                "certificates, CPD, posts ...), in JSON."
            )
            % {"when": timezone.now().isoformat(timespec="seconds")},
        )
        for name, content in person_data_files(person):
            archive.writestr(
                name, json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
            )
    out.seek(0)
    return out
