"""The locales the programme works in, its countries and sectors, and the compliance
taxonomy: 8 clusters with their compliance points, with Vietnamese and Arabic names."""

import uuid

from django.db import migrations

LANGUAGES = ["en", "vi", "ar", "km", "bn", "id", "es", "fr", "am", "ur", "ht", "st"]

# code, ISO, English, languages, Vietnamese, Arabic
COUNTRIES = [
    ("vn", "VN", "Vietnam", ["vi", "en"], "Việt Nam", "فيتنام"),
    ("jo", "JO", "Jordan", ["ar", "en", "bn", "si", "hi", "fil", "zh"], "Jordan", "الأردن"),
    ("bd", "BD", "Bangladesh", ["bn"], "Bangladesh", "بنغلاديش"),
    ("kh", "KH", "Cambodia", ["km", "zh"], "Campuchia", "كمبوديا"),
    ("id", "ID", "Indonesia", ["id"], "Indonesia", "إندونيسيا"),
    ("ht", "HT", "Haiti", ["ht", "fr"], "Haiti", "هايتي"),
    ("ni", "NI", "Nicaragua", ["es"], "Nicaragua", "نيكاراغوا"),
    ("et", "ET", "Ethiopia", ["am"], "Ethiopia", "إثيوبيا"),
    ("eg", "EG", "Egypt", ["ar"], "Ai Cập", "مصر"),
    ("pk", "PK", "Pakistan", ["ur"], "Pakistan", "باكستان"),
    ("ls", "LS", "Lesotho", ["st", "en"], "Lesotho", "ليسوتو"),
]

SECTORS = [
    ("garment", "Garment", "May mặc", "الملابس الجاهزة"),
    ("footwear", "Footwear", "Da giày", "الأحذية"),
    ("travel-goods", "Travel goods", "Túi xách và đồ du lịch", "حقائب ومستلزمات السفر"),
    ("home-textiles", "Home textiles", "Dệt may gia dụng", "المنسوجات المنزلية"),
    ("plastics", "Plastics", "Nhựa", "البلاستيك"),
    ("chemicals", "Chemicals", "Hóa chất", "الكيماويات"),
    ("engineering", "Engineering", "Cơ khí", "الصناعات الهندسية"),
]

# code, kind, English, Vietnamese, Arabic, compliance points (code, English)
CLUSTERS = [
    ("child-labour", "core", "Child Labour", "Lao động trẻ em", "عمل الأطفال", [
        ("child-labourers", "Child Labourers"),
        ("hazardous-work", "Hazardous Work and Other Worst Forms"),
        ("young-workers", "Documentation and Protection of Young Workers"),
    ]),
    ("discrimination", "core", "Discrimination", "Phân biệt đối xử", "التمييز", [
        ("race-origin", "Race and Origin"),
        ("religion-opinion", "Religion and Political Opinion"),
        ("gender", "Gender"),
        ("other-grounds", "Other Grounds"),
    ]),
    ("forced-labour", "core", "Forced Labour", "Lao động cưỡng bức", "العمل الجبري", [
        ("coercion", "Coercion"),
        ("bonded-labour", "Bonded Labour"),
        ("forced-overtime", "Forced Labour and Overtime"),
        ("prison-labour", "Prison Labour"),
    ]),
    ("freedom-of-association", "core",
     "Freedom of Association and Collective Bargaining",
     "Tự do hiệp hội và thương lượng tập thể",
     "حرية تكوين الجمعيات والمفاوضة الجماعية", [
        ("freedom-to-associate", "Freedom to Associate"),
        ("interference", "Interference and Discrimination"),
        ("collective-bargaining", "Collective Bargaining"),
        ("strikes", "Strikes"),
        ("union-operations", "Union Operations"),
    ]),
    ("compensation", "conditions", "Compensation", "Tiền lương và phúc lợi", "الأجور والتعويضات", [
        ("minimum-wages", "Minimum Wages / Piece Rate Wages"),
        ("overtime-wages", "Overtime Wages"),
        ("premium-pay", "Premium Pay"),
        ("paid-leave", "Paid Leave"),
        ("wage-information", "Wage Information, Use and Deduction"),
        ("social-security", "Social Security and Other Benefits"),
        ("method-of-payment", "Method of Payment"),
    ]),
    ("contracts-hr", "conditions", "Contracts and Human Resources",
     "Hợp đồng và quản lý nhân sự", "العقود والموارد البشرية", [
        ("employment-contracts", "Employment Contracts"),
        ("contracting-procedures", "Contracting Procedures"),
        ("termination", "Termination"),
        ("dialogue-discipline-disputes", "Dialogue, Discipline and Disputes"),
    ]),
    ("osh", "conditions", "Occupational Safety and Health (OSH)",
     "An toàn và sức khỏe nghề nghiệp", "السلامة والصحة المهنية", [
        ("osh-management", "OSH Management Systems"),
        ("chemicals", "Chemicals and Hazardous Substances"),
        ("worker-protection", "Worker Protection"),
        ("working-environment", "Working Environment"),
        ("health-first-aid", "Health Services and First Aid"),
        ("welfare-facilities", "Welfare Facilities"),
        ("accommodation", "Worker Accommodation"),
        ("emergency-preparedness", "Emergency Preparedness"),
    ]),
    ("working-time", "conditions", "Working Time", "Thời giờ làm việc", "ساعات العمل", [
        ("regular-hours", "Regular Hours"),
        ("overtime", "Overtime"),
        ("leave", "Leave"),
    ]),
]


def load(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Country = apps.get_model("taxonomy", "Country")
    Sector = apps.get_model("taxonomy", "Sector")
    Cluster = apps.get_model("taxonomy", "Cluster")
    CompliancePoint = apps.get_model("taxonomy", "CompliancePoint")

    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
    en, vi, ar = locales["en"], locales["vi"], locales["ar"]

    def translated(model, code, names, **fields):
        key = uuid.uuid4()
        rows = {}
        for locale, name in zip((en, vi, ar), names, strict=True):
            rows[locale.language_code] = model.objects.create(
                translation_key=key, locale=locale, code=code, name=name, **fields
            )
        return rows

    for code, iso, name, languages, name_vi, name_ar in COUNTRIES:
        translated(Country, code, (name, name_vi, name_ar), iso_code=iso, languages=languages)
    for code, name, name_vi, name_ar in SECTORS:
        translated(Sector, code, (name, name_vi, name_ar))
    for order, (code, kind, name, name_vi, name_ar, points) in enumerate(CLUSTERS, start=1):
        clusters = translated(Cluster, code, (name, name_vi, name_ar), kind=kind, sort_order=order)
        for point_code, point_name in points:
            CompliancePoint.objects.create(
                translation_key=uuid.uuid4(), locale=en, code=point_code, name=point_name,
                cluster=clusters["en"],
            )


def unload(apps, schema_editor):
    for name in ("CompliancePoint", "Cluster", "Sector", "Country"):
        apps.get_model("taxonomy", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(load, unload)]
