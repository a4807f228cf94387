"""Demo content of the foundation: organisations, one person per role (and a few more),
the home page in English, Vietnamese and Arabic, sections and country programme pages.

Every loader here and in the rooms' ``demo`` modules is idempotent: it looks for what it
made last time before it makes anything.
"""

from dataclasses import dataclass

from django.db import transaction

from lms.accounts.demo import demo_password_hash
from lms.accounts.models import Organisation, User
from lms.accounts.services import organisation_create, user_create
from lms.demo_translations import phrasebook_add, translate_all
from lms.portal.models import HomePage, SectionPage
from lms.portal.services import country_page_create
from lms.taxonomy.models import Country, Sector


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    roles: tuple[str, ...]
    country: str
    organisation: str | None = None
    email: bool = True
    language: str = "en"
    gender: str = ""
    migrant_status: str = ""
    # For text messages (lms.notifications): workers without email get them instead.
    phone: str = ""


ORGANISATIONS = [
    # name, kind, country, sector, city, workers, training days
    ("Saigon Garment Co.", "factory", "vn", "garment", "Ho Chi Minh City", 2400, 12),
    ("Dong Nai Footwear Ltd.", "factory", "vn", "footwear", "Bien Hoa", 5100, 16),
    ("Hanoi Stitch Workshop", "enterprise", "vn", "garment", "Hanoi", 85, 4),
    ("Al-Hassan Apparel", "factory", "jo", "garment", "Irbid", 1800, 10),
    ("Amman Plastics Industries", "factory", "jo", "plastics", "Sahab", 420, 6),
    ("Dhaka Knitwear Ltd.", "factory", "bd", "garment", "Gazipur", 3200, 14),
    ("Phnom Penh Textiles", "factory", "kh", "garment", "Phnom Penh", 2900, 12),
]

PEOPLE = [
    DemoPerson(
        "worker",
        "Nguyễn Thị Lan",
        ("worker",),
        "vn",
        "Saigon Garment Co.",
        email=False,
        language="vi",
        gender="woman",
        migrant_status="local",
        phone="+84901234567",
    ),
    DemoPerson(
        "supervisor",
        "Trần Văn Minh",
        ("supervisor",),
        "vn",
        "Saigon Garment Co.",
        language="vi",
        gender="man",
        migrant_status="local",
    ),
    DemoPerson(
        "manager",
        "Phạm Thu Hà",
        ("manager",),
        "vn",
        "Dong Nai Footwear Ltd.",
        language="vi",
        gender="woman",
    ),
    DemoPerson(
        "hr.vn",
        "Lý Thị Phương",
        ("hr",),
        "vn",
        "Dong Nai Footwear Ltd.",
        language="vi",
        gender="woman",
    ),
    DemoPerson("trainer", "Lê Quang Huy", ("trainer",), "vn", language="vi", gender="man"),
    DemoPerson(
        "advisor", "Rania Haddad", ("enterprise_advisor",), "jo", language="ar", gender="woman"
    ),
    DemoPerson("assessor", "Sokha Chan", ("assessor", "trainer"), "kh", gender="woman"),
    DemoPerson("staff.vn", "Đỗ Minh Anh", ("country_staff",), "vn", language="vi"),
    DemoPerson("staff.jo", "Omar Khalil", ("country_staff",), "jo", language="ar"),
    DemoPerson("admin", "Global Administrator", ("global_admin",), "vn"),
    DemoPerson(
        "worker.jo",
        "Shirin Akter",
        ("worker",),
        "jo",
        "Al-Hassan Apparel",
        email=False,
        language="bn",
        gender="woman",
        migrant_status="migrant",
    ),
]

HOME_TEXT = {
    "en": {
        "title": "Better Work Learning",
        "tagline": "Training for better workplaces in garment and export factories",
        "intro": "<p>Courses for managers, supervisors and workers, videos and comics about "
        "your rights, and a community of trainers and advisors.</p>",
    },
    "vi": {
        "title": "Better Work Học tập",
        "tagline": "Đào tạo vì nơi làm việc tốt hơn trong các nhà máy may mặc và xuất khẩu",
        "intro": "<p>Các khóa học cho quản lý, tổ trưởng và công nhân, phim và truyện tranh về "
        "quyền của bạn, và cộng đồng giảng viên và chuyên gia tư vấn.</p>",
    },
    "ar": {
        "title": "بيتر وورك للتعلّم",
        "tagline": "تدريب من أجل أماكن عمل أفضل في مصانع الملابس والتصدير",
        "intro": "<p>دورات للمديرين والمشرفين والعمال، ومسلسلات وقصص مصورة عن حقوقك، "
        "ومجتمع من المدربين والمستشارين.</p>",
    },
    "km": {
        "title": "Better Work ការសិក្សា",
        "tagline": "ការបណ្តុះបណ្តាលដើម្បីកន្លែងធ្វើការល្អប្រសើរ នៅក្នុងរោងចក្រកាត់ដេរ និងរោងចក្រនាំចេញ",
        "intro": "<p>វគ្គសិក្សាសម្រាប់អ្នកគ្រប់គ្រង ប្រធានក្រុម និងកម្មករ វីដេអូ និងរឿងគំនូរ"
        "អំពីសិទ្ធិរបស់អ្នក និងសហគមន៍គ្រូបង្វឹក និងទីប្រឹក្សា។</p>",
    },
    "bn": {
        "title": "Better Work শিক্ষা",
        "tagline": "পোশাক ও রপ্তানি কারখানায় আরও ভালো কর্মস্থলের জন্য প্রশিক্ষণ",
        "intro": "<p>ব্যবস্থাপক, সুপারভাইজার ও শ্রমিকদের জন্য কোর্স, আপনার অধিকার নিয়ে "
        "ভিডিও ও কমিক, আর প্রশিক্ষক ও উপদেষ্টাদের একটি কমিউনিটি।</p>",
    },
}

# The languages the demo's content is translated into, through wagtail-localize.
CONTENT_LANGUAGES = ("vi", "ar", "km", "bn")

SECTIONS = [
    # slug, {language: (title, summary)}
    (
        "training",
        {
            "en": (
                "Training",
                "The 12-month programme, seminars, supervisor training and induction kits.",
            ),
            "vi": (
                "Đào tạo",
                "Chương trình 12 tháng, hội thảo chuyên đề, đào tạo giám sát viên "
                "và bộ tài liệu định hướng.",
            ),
            "ar": (
                "التدريب",
                "برنامج الاثني عشر شهرًا والندوات وتدريب المشرفين وحقائب التوجيه.",
            ),
            "km": (
                "ការបណ្តុះបណ្តាល",
                "កម្មវិធីរយៈពេល ១២ ខែ សិក្ខាសាលា ការបណ្តុះបណ្តាលប្រធានក្រុម និងកញ្ចប់ឯកសារណែនាំសម្រាប់កម្មករថ្មី។",
            ),
            "bn": (
                "প্রশিক্ষণ",
                "১২ মাসের কর্মসূচি, সেমিনার, সুপারভাইজার প্রশিক্ষণ ও নতুন শ্রমিকদের পরিচিতি কিট।",
            ),
        },
    ),
    (
        "worker-awareness",
        {
            "en": (
                "Know your rights",
                "Soap-opera episodes and comics for workers, to watch and read offline.",
            ),
            "vi": (
                "Hiểu quyền của bạn",
                "Phim truyền hình ngắn và truyện tranh cho người lao động, "
                "xem và đọc cả khi không có mạng.",
            ),
            "ar": (
                "اعرف حقوقك",
                "حلقات درامية وقصص مصورة للعمال، للمشاهدة والقراءة دون اتصال.",
            ),
            "km": (
                "ស្គាល់សិទ្ធិរបស់អ្នក",
                "ភាគរឿងភាគ និងរឿងគំនូរសម្រាប់កម្មករ ដើម្បីមើល និងអានដោយគ្មានអ៊ីនធឺណិត។",
            ),
            "bn": (
                "আপনার অধিকার জানুন",
                "শ্রমিকদের জন্য ধারাবাহিক নাটকের পর্ব ও কমিক, ইন্টারনেট ছাড়াই দেখা ও পড়ার জন্য।",
            ),
        },
    ),
    (
        "resources",
        {
            "en": (
                "Policies and guides",
                "Model policies, good-practice guides and workbooks for small enterprises.",
            ),
            "vi": (
                "Chính sách và hướng dẫn",
                "Chính sách mẫu, hướng dẫn thực hành tốt và sổ tay cho doanh nghiệp nhỏ.",
            ),
            "ar": (
                "السياسات والأدلة",
                "سياسات نموذجية وأدلة الممارسات الجيدة وكتيبات عمل للمؤسسات الصغيرة.",
            ),
            "km": (
                "គោលនយោបាយ និងមគ្គុទ្ទេសក៍",
                "គោលនយោបាយគំរូ មគ្គុទ្ទេសក៍អនុវត្តល្អ និងសៀវភៅការងារសម្រាប់សហគ្រាសតូចៗ។",
            ),
            "bn": (
                "নীতিমালা ও নির্দেশিকা",
                "ছোট প্রতিষ্ঠানের জন্য আদর্শ নীতিমালা, ভালো চর্চার নির্দেশিকা ও কর্মপুস্তিকা।",
            ),
        },
    ),
    (
        "countries",
        {
            "en": ("Country programmes", "What each country programme offers, in its languages."),
            "vi": ("Chương trình quốc gia", "Những gì mỗi chương trình quốc gia cung cấp."),
            "ar": ("البرامج القطرية", "ما يقدمه كل برنامج قطري، بلغاته."),
            "km": ("កម្មវិធីតាមប្រទេស", "អ្វីដែលកម្មវិធីនីមួយៗតាមប្រទេសផ្តល់ជូន ជាភាសារបស់ខ្លួន។"),
            "bn": ("দেশভিত্তিক কর্মসূচি", "প্রতিটি দেশের কর্মসূচি কী দেয়, তার নিজের ভাষায়।"),
        },
    ),
]

COUNTRY_PAGES = [
    ("vn", "Better Work Vietnam", "About 400 factories and 700,000 workers, 78% of them women."),
    (
        "jo",
        "Better Work Jordan",
        "Garment, plastics, chemicals and engineering; most workers are "
        "migrants from South and South-East Asia.",
    ),
    ("bd", "Better Work Bangladesh", "About 450 factories and 1.3 million workers."),
    ("kh", "Better Factories Cambodia", "The programme's beginning, in 2001."),
]


def load_organisations():
    countries = {c.code: c for c in Country.objects.canonical()}
    sectors = {s.code: s for s in Sector.objects.canonical()}
    for name, kind, country, sector, city, workers, days in ORGANISATIONS:
        if not Organisation.objects.filter(name=name).exists():
            organisation_create(
                name=name,
                kind=kind,
                country=countries[country],
                sector=sectors[sector],
                city=city,
                workers_count=workers,
                training_days_allocation=days,
            )


def load_people():
    countries = {c.code: c for c in Country.objects.canonical()}
    organisations = {o.name: o for o in Organisation.objects.all()}
    for person in PEOPLE:
        if User.objects.filter(username=person.username).exists():
            continue
        organisation = organisations.get(person.organisation) if person.organisation else None
        user_create(
            username=person.username,
            password_hash=demo_password_hash(),
            email=f"{person.username}@demo.betterwork.test" if person.email else "",
            display_name=person.display_name,
            roles=list(person.roles),
            country=countries[person.country],
            sector=organisation.sector if organisation else None,
            organisation=organisation,
            preferred_language=person.language,
            gender=person.gender,
            migrant_status=person.migrant_status,
            phone=person.phone,
        )
    _verify_demo_emails()


def _verify_demo_emails():
    """Demo people have verified addresses, so the demo does not stop at verification."""
    from allauth.account.models import EmailAddress

    for user in User.objects.exclude(email="").filter(emailaddress__isnull=True):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def home_phrasebooks() -> dict[str, dict[str, str]]:
    """English segment -> translation, per language, of the home page and the sections."""
    books = {}
    for language in CONTENT_LANGUAGES:
        book = phrasebook_add({}, HOME_TEXT["en"], HOME_TEXT[language])
        for _slug, texts in SECTIONS:
            phrasebook_add(book, texts["en"], texts[language])
        books[language] = book
    return books


@transaction.atomic
def load_pages() -> HomePage:
    home = HomePage.objects.get(locale__language_code="en")
    stale = {name: value for name, value in HOME_TEXT["en"].items() if getattr(home, name) != value}
    for name, value in stale.items():
        setattr(home, name, value)
    if stale or not home.live:
        home.save_revision().publish()
    books = home_phrasebooks()
    translate_all(home, books, CONTENT_LANGUAGES)

    countries = {c.code: c for c in Country.objects.canonical()}
    for slug, texts in SECTIONS:
        title, summary = texts["en"]
        section = home.get_children().filter(slug=slug).first()
        if section is None:
            section = SectionPage(title=title, slug=slug, summary=summary, show_in_menus=True)
            home.add_child(instance=section)
            section.save_revision().publish()
        section = section.specific
        translate_all(section, books, CONTENT_LANGUAGES)
        if slug == "countries":
            for code, title, country_summary in COUNTRY_PAGES:
                page = section.get_children().filter(slug=code).first()
                if page is None:
                    page = country_page_create(
                        parent=section,
                        country=countries[code],
                        title=title,
                        slug=code,
                        summary=country_summary,
                    )
                page.specific.countries.add(countries[code])
    return home


def load():
    load_organisations()
    load_people()
    load_pages()
