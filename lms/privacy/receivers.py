"""A withdrawn consent reaches the figures: the person's counted events move to snapshots
without the withdrawn field, so no report made from now on shows it (decision 0011)."""

from django.db import transaction
from django.dispatch import receiver

from lms.accounts.signals import consent_withdrawn

# Every table whose rows carry a PersonSnapshot, and the field naming whose it is.
# tests/privacy/test_consent.py fails when a table with a snapshot is missing here.
SNAPSHOT_HOLDERS = {
    "courses.Enrolment": ("learner", ["learner_profile", "completion_profile"]),
    "courses.Attendance": ("learner", ["learner_profile"]),
    "certification.Certificate": ("holder", ["holder_profile"]),
    # The learner's enrolments and presences rolled up (decision 0615): their snapshots move
    # with the events'.
    "reports.LearnerParticipation": ("learner", ["profile"]),
}


@receiver(consent_withdrawn, dispatch_uid="privacy.snapshots_without_withdrawn_field")
def snapshots_without_withdrawn_field(sender, user, field, **kwargs):
    from django.apps import apps

    from lms.records.snapshots import snapshot_without

    with transaction.atomic():
        replacements = {}
        for label, (person_field, snapshot_fields) in SNAPSHOT_HOLDERS.items():
            model = apps.get_model(label)
            rows = model._base_manager.filter(**{person_field: user})
            for snapshot_field in snapshot_fields:
                attname = f"{snapshot_field}_id"
                used = set(
                    rows.exclude(**{f"{snapshot_field}__isnull": True}).values_list(
                        attname, flat=True
                    )
                )
                for snapshot_id in used:
                    if snapshot_id not in replacements:
                        from lms.records.models import PersonSnapshot

                        snapshot = PersonSnapshot.objects.get(pk=snapshot_id)
                        replacements[snapshot_id] = snapshot_without(snapshot, fields={field}).pk
                    if replacements[snapshot_id] != snapshot_id:
                        rows.filter(**{attname: snapshot_id}).update(
                            **{attname: replacements[snapshot_id]}
                        )
