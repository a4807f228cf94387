"""Partial indexes on the few statements that target another (a StatementRef object), for
both walks of the query rule of xAPI 1.0.3 Part Three §2.1.3: from a statement to its
target, and from a statement to those targeting it (lms.records.xapi_query). Other
statements do not enter them, nor cost them a write."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_statement_ref_for_statementref_filters"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("statement_ref__isnull", False)),
                fields=["id", "statement_ref"],
                name="records_targeting_id",
            ),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("statement_ref__isnull", False)),
                fields=["statement_ref", "id"],
                name="records_targeted_by",
            ),
        ),
    ]
