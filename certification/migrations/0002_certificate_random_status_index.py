"""Each certificate gets a random, unique position in the revocation status list (the
Bitstring Status List asks for random indexes; before, the position was the row id).
Non-atomic so that the rows are filled before PostgreSQL adds the constraints."""

import secrets

from django.db import migrations, models

STATUS_LIST_MIN_BITS = 131072


def assign_indexes(apps, schema_editor):
    Certificate = apps.get_model("certification", "Certificate")
    pks = list(Certificate.objects.filter(status_index__isnull=True).values_list("pk", flat=True))
    total = Certificate.objects.count()
    length = max(1, -(-2 * total // STATUS_LIST_MIN_BITS)) * STATUS_LIST_MIN_BITS
    taken = set(
        Certificate.objects.filter(status_index__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    for pk in pks:
        index = secrets.randbelow(length)
        while index in taken:
            index = secrets.randbelow(length)
        taken.add(index)
        Certificate.objects.filter(pk=pk).update(status_index=index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("certification", "0001_programmes_candidacies_certificates"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(assign_indexes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="Its random position in the public revocation status list.",
                unique=True,
                verbose_name="status list index",
            ),
        ),
    ]
