"""Three indexes of the statements table that no query needs, each one more entry written
with every statement (docs/decisions/0125-statement-write-round-trips-and-indexes.md):

- the actor's own foreign-key index: every lookup by actor starts one of
  ``records_actor_activity_verb`` and ``records_actor_stored``, which serve it;
- ``records_statement_ref``: every lookup by ``statement_ref`` compares it with a value,
  which implies the condition of the partial ``records_targeted_by`` (statement_ref, id),
  which serves it; the full index also held an entry for each of the (many) statements
  that target none;
- ``records_kind_time`` (activity_kind, timestamp): no query filters or sorts on the kind.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0009_client_permissions_cover_documents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="statement", name="records_statement_ref"),
        migrations.RemoveIndex(model_name="statement", name="records_kind_time"),
        migrations.AlterField(
            model_name="statement",
            name="actor",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statements",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
    ]
