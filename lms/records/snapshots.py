"""Snapshots of a person's reporting attributes (see ``PersonSnapshot``)."""

import hashlib

from django.db import IntegrityError, transaction

from lms.records.models import PersonSnapshot


def person_snapshot(person) -> PersonSnapshot:
    """The snapshot of ``person``'s attributes now (made once per distinct set of values).
    Two queries when it exists, a few more the first time."""
    roles = sorted(person.roles.values_list("pk", "code"))
    values = (
        person.country_id,
        person.sector_id,
        person.organisation_id,
        person.gender or "",
        person.migrant_status or "",
        tuple(code for _pk, code in roles),
    )
    key = snapshot_key(values)
    snapshot = PersonSnapshot.objects.filter(key=key).first()
    if snapshot:
        return snapshot
    try:
        with transaction.atomic():
            snapshot = PersonSnapshot.objects.create(
                key=key,
                country_id=values[0],
                sector_id=values[1],
                organisation_id=values[2],
                gender=values[3],
                migrant_status=values[4],
            )
            snapshot.roles.set([pk for pk, _code in roles])
    except IntegrityError:  # made a moment ago by another request
        snapshot = PersonSnapshot.objects.get(key=key)
    return snapshot


def snapshot_key(values) -> str:
    return hashlib.sha256(repr(values).encode()).hexdigest()


def snapshot_without(snapshot: PersonSnapshot, *, fields) -> PersonSnapshot:
    """The snapshot with the same attributes as ``snapshot`` except ``fields`` (``gender``,
    ``migrant_status``) left empty: where a person's events go when they withdraw consent
    to one of those fields."""
    roles = sorted(snapshot.roles.values_list("pk", "code"))
    values = (
        snapshot.country_id,
        snapshot.sector_id,
        snapshot.organisation_id,
        "" if "gender" in fields else snapshot.gender,
        "" if "migrant_status" in fields else snapshot.migrant_status,
        tuple(code for _pk, code in roles),
    )
    key = snapshot_key(values)
    existing = PersonSnapshot.objects.filter(key=key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            made = PersonSnapshot.objects.create(
                key=key,
                country_id=values[0],
                sector_id=values[1],
                organisation_id=values[2],
                gender=values[3],
                migrant_status=values[4],
            )
            made.roles.set([pk for pk, _code in roles])
    except IntegrityError:
        made = PersonSnapshot.objects.get(key=key)
    return made
