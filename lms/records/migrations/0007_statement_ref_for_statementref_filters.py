"""``voids`` becomes ``statement_ref``: the target of any statement whose object is a
StatementRef, not only of voiding ones, for the query rule of xAPI 1.0.3 Part Three §2.1.3
("Filter Conditions for StatementRefs"). Statements stored before keep their targets: the
column is filled from the statement's own object."""

import uuid

from django.db import migrations, models


def object_id_statistics(apps, schema_editor):
    """PostgreSQL: statistics on ``data->'object'->>'id'``, which a client's scope filters
    by prefix. Without them the planner takes the filter to keep 0.5 % of the rows, thinks
    every page small and sorts instead of reading an index in order (a filtered page on
    1,000,000 statements: 41 ms instead of 1 ms)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS IF NOT EXISTS records_statement_object_id "
            "ON ((data #>> '{object,id}')) FROM records_statement"
        )


def drop_object_id_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS records_statement_object_id")


def fill_statement_refs(apps, schema_editor):
    Statement = apps.get_model("records", "Statement")
    rows = (
        Statement.objects.filter(
            statement_ref__isnull=True, data__object__objectType="StatementRef"
        )
        .values_list("pk", "data__object__id")
        .iterator()
    )
    for pk, target in rows:
        try:
            target = uuid.UUID(str(target))
        except ValueError:
            continue
        # Append-only model: a queryset update, not save().
        Statement.objects.filter(pk=pk).update(statement_ref=target)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_merge_xapi_clients_and_documents"),
    ]

    operations = [
        # The migration state does not carry an index's fields through a renamed field:
        # the index is dropped and made again on the new name.
        migrations.RemoveIndex(model_name="statement", name="records_voids"),
        migrations.RenameField(model_name="statement", old_name="voids", new_name="statement_ref"),
        migrations.AlterField(
            model_name="statement",
            name="statement_ref",
            field=models.UUIDField(blank=True, null=True, verbose_name="targeted statement"),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["statement_ref"], name="records_statement_ref"),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("statement_ref__isnull", False)),
                fields=["stored", "id", "statement_ref"],
                name="records_targeting_stored",
            ),
        ),
        migrations.RunPython(fill_statement_refs, migrations.RunPython.noop),
        migrations.RunPython(object_id_statistics, drop_object_id_statistics),
    ]
