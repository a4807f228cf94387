from django.db import migrations

ROLES = [
    "worker", "supervisor", "manager", "trainer", "enterprise_advisor", "assessor",
    "country_staff", "global_admin",
]


def load(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code in ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_profile_taxonomy_links")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
