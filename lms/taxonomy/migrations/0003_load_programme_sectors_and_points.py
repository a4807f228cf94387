"""The sectors the programme names beyond the garment family (textile and apparel,
agribusiness, light manufacturing, transport, construction, electronics) and two compliance
points the assessment instrument needs (unconditional worst forms of child labour; violence
and harassment, ILO C190), with Vietnamese and Arabic names for the sectors."""

import uuid

from django.db import migrations

SECTORS = [
    ("textile-apparel", "Textile and apparel", "Dệt may", "المنسوجات والملابس"),
    ("agribusiness", "Agribusiness", "Kinh doanh nông nghiệp", "الأعمال الزراعية"),
    ("light-manufacturing", "Light manufacturing", "Công nghiệp nhẹ", "الصناعات الخفيفة"),
    ("transport", "Transport", "Giao thông vận tải", "النقل"),
    ("construction", "Construction", "Xây dựng", "البناء والتشييد"),
    ("electronics", "Electronics", "Điện tử", "الإلكترونيات"),
]

# cluster code, point code, English name
POINTS = [
    ("child-labour", "unconditional-worst-forms", "Unconditional Worst Forms"),
    ("discrimination", "violence-harassment", "Violence and Harassment"),
]


def load(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Sector = apps.get_model("taxonomy", "Sector")
    Cluster = apps.get_model("taxonomy", "Cluster")
    CompliancePoint = apps.get_model("taxonomy", "CompliancePoint")
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "vi", "ar")
    }
    for code, *names in SECTORS:
        if Sector.objects.filter(code=code).exists():
            continue
        key = uuid.uuid4()
        for language, name in zip(("en", "vi", "ar"), names, strict=True):
            Sector.objects.create(
                translation_key=key, locale=locales[language], code=code, name=name
            )
    for cluster_code, code, name in POINTS:
        cluster = Cluster.objects.filter(code=cluster_code, locale=locales["en"]).first()
        if cluster is None or CompliancePoint.objects.filter(code=code).exists():
            continue
        CompliancePoint.objects.create(
            translation_key=uuid.uuid4(), locale=locales["en"], code=code, name=name,
            cluster=cluster,
        )


def unload(apps, schema_editor):
    apps.get_model("taxonomy", "Sector").objects.filter(
        code__in=[code for code, *_ in SECTORS]
    ).delete()
    apps.get_model("taxonomy", "CompliancePoint").objects.filter(
        code__in=[code for _, code, _ in POINTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0002_load_programme_taxonomy")]

    operations = [migrations.RunPython(load, unload)]
