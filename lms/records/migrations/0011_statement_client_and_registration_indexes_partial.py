"""The client's and the registration's indexes of the statements table hold only the rows
where the column is set (decision 0126): statements sent with a session or a recording key
name no client, and most name no registration, so each costs two index entries fewer.
Every lookup compares the column with a value (the LRS's registration filter, a client's
own statements, the check before a client is deleted), which implies the condition on
PostgreSQL and SQLite alike.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0010_statement_indexes_no_query_needs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="statement", name="records_registration_stored"),
        migrations.AlterField(
            model_name="statement",
            name="client",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statements",
                to="records.xapiclient",
                verbose_name="client",
            ),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("registration__isnull", False)),
                fields=["registration", "stored"],
                name="records_registration_stored",
            ),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("client__isnull", False)),
                fields=["client"],
                name="records_client",
            ),
        ),
    ]
