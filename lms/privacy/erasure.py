"""Erasing a person: their identity leaves every table, the figures reports are made of stay.

The person's row is kept, under a pseudonym, because everything the programme counts points
at it (enrolments, attendance, learning records, certificates, the snapshots of their
reporting attributes). What identifies them is removed (decision 0011):

1. rows that only serve the person's sign-in are deleted (email addresses, second factors,
   recording keys, account notices);
2. the person's row loses its username (replaced by the pseudonym), email, names, free-text
   gender description and password, and is deactivated; the attributes reports group by
   (country, sector, organisation, roles, gender, migrant status) stay, without identity;
3. learning records are append-only for everyone else: here, and only here, the actor a
   client sent inside a statement is replaced by the pseudonymous account, through a
   queryset update (``Statement.save`` refuses changes on purpose);
4. every text and JSON column of every table is searched for the person's username, email
   addresses and names, and each occurrence is replaced by the pseudonym: the audit trail's
   entries about them (auditlog), Wagtail's revisions and log entries, certificates' printed
   names, posts that mention them, and whatever a later room adds, without a list to keep.

The search reads whole tables, so it runs in a Celery worker after staff approved the
request, never in a web request.
"""

import json
import re
import secrets

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models.functions import Cast

TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}
JSON_TYPES = {"JSONField"}
# Shorter strings than this are too common to replace everywhere ("An", "Li").
MIN_IDENTIFIER_LENGTH = 3


def pseudonym_new() -> str:
    return f"erased-{secrets.token_hex(6)}"


def identifiers_of(person) -> list[str]:
    """What identifies ``person`` in text: username, every email address, names."""
    from allauth.account.models import EmailAddress

    found = {
        person.username,
        person.email,
        getattr(person, "phone", ""),
        person.display_name,
        person.first_name,
        person.last_name,
        person.get_full_name(),
        *EmailAddress.objects.filter(user=person).values_list("email", flat=True),
    }
    found = {value.strip() for value in found if value and value.strip()}
    found = {value for value in found if len(value) >= MIN_IDENTIFIER_LENGTH}
    # Longest first, so "Lan Nguyen" is replaced whole before "Lan" alone.
    return sorted(found, key=len, reverse=True)


def text_columns(model) -> tuple[list, list]:
    """The model's own concrete text and JSON columns."""
    texts, jsons = [], []
    for field in model._meta.concrete_fields:
        if field.is_relation:
            continue
        kind = field.get_internal_type()
        if kind in TEXT_TYPES:
            texts.append(field)
        elif kind in JSON_TYPES:
            jsons.append(field)
    return texts, jsons


def searchable_models():
    """Every table once (no proxies, no unmanaged models, each multi-table child holds its
    own columns only)."""
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        yield model


def _json_forms(identifier: str) -> set[str]:
    """The identifier as JSON text may hold it (SQLite stores non-ASCII escaped)."""
    return {
        identifier,
        json.dumps(identifier)[1:-1],
        json.dumps(identifier, ensure_ascii=False)[1:-1],
    }


class _Replacer:
    def __init__(self, identifiers, replacement):
        self.replacement = replacement
        self.pattern = (
            re.compile(
                r"(?<!\w)(" + "|".join(re.escape(v) for v in identifiers) + r")(?!\w)",
                re.IGNORECASE,
            )
            if identifiers
            else None
        )

    def text(self, value):
        if not isinstance(value, str) or self.pattern is None:
            return value
        return self.pattern.sub(self.replacement, value)

    def tree(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.tree(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.tree(item) for key, item in value.items()}
        return value


def table_scrub(model, identifiers, replacer) -> int:
    """Replace the identifiers in every text and JSON column of ``model``; rows changed."""
    texts, jsons = text_columns(model)
    if not (texts or jsons) or not identifiers:
        return 0
    manager = model._base_manager
    condition = models.Q()
    annotations = {}
    for field in texts:
        for identifier in identifiers:
            condition |= models.Q(**{f"{field.attname}__icontains": identifier})
    for field in jsons:
        alias = f"_privacy_{field.attname}_text"
        annotations[alias] = Cast(field.attname, models.TextField())
        for identifier in identifiers:
            for form in _json_forms(identifier):
                condition |= models.Q(**{f"{alias}__icontains": form})
    rows = manager.annotate(**annotations).filter(condition)
    names = [field.attname for field in texts] + list(annotations)
    changed = 0
    for row in rows.values("pk", *names).iterator(chunk_size=500):
        updates = {}
        for field in texts:
            value = row[field.attname]
            new = replacer.text(value)
            if new != value:
                updates[field.attname] = new
        for field in jsons:
            raw = row[f"_privacy_{field.attname}_text"]
            if raw is None:
                continue
            try:
                decoded = json.loads(raw)
            except ValueError:
                decoded = raw
            new = replacer.tree(decoded)
            if new != decoded:
                updates[field.attname] = (
                    field.to_python(json.dumps(new))
                    if field.__class__.__name__ == "StreamField"
                    else new
                )
        if updates:
            manager.filter(pk=row["pk"]).update(**updates)
            changed += 1
    return changed


def _statements_pseudonymise(person, pseudonym) -> None:
    """The actor a client named inside each statement becomes the pseudonymous account."""
    from lms.records.models import Statement

    agent = {"objectType": "Agent", "account": {"homePage": "urn:erased", "name": pseudonym}}
    rows = Statement.objects.filter(actor=person).values_list("pk", "data")
    for pk, data in rows.iterator(chunk_size=1000):
        if isinstance(data, dict) and "actor" in data and data["actor"] != agent:
            Statement.objects.filter(pk=pk).update(data={**data, "actor": agent})


@transaction.atomic
def person_erase(*, person, pseudonym: str) -> dict:
    """Erase ``person`` (see the module's docstring); returns rows changed per table.
    Run again on the same person it finds nothing left to change."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    from community.kept_pages import people_changed
    from lms.accounts.models import AccountNotice
    from lms.learner_page_cache import learning_state_changed
    from lms.records.models import AccessToken

    identifiers = [value for value in identifiers_of(person) if value != pseudonym]
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    AccountNotice.objects.filter(user=person).delete()
    AccessToken.objects.filter(user=person).delete()
    learning_state_changed(learner_ids=[person.pk])
    people_changed()  # their name leaves every thread they wrote in
    get_user_model().objects.filter(pk=person.pk).update(
        username=pseudonym,
        email="",
        phone="",
        first_name="",
        last_name="",
        display_name="",
        gender_description="",
        password=make_password(None),
        is_active=False,
        is_staff=False,
        is_superuser=False,
    )
    _statements_pseudonymise(person, pseudonym)
    replacer = _Replacer(identifiers, pseudonym)
    report = {}
    for model in searchable_models():
        changed = table_scrub(model, identifiers, replacer)
        if changed:
            report[model._meta.label] = changed
    if report:
        # The scrub wrote with QuerySet.update(), which no signal follows: pages kept for
        # anyone (a teammate's course page, a public page) may show what it replaced.
        from lms.page_cache import invalidate

        learning_state_changed(delivery=True)
        invalidate()
    person.refresh_from_db()
    return report
