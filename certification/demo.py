"""Demo content of certification: the Better Work trainer and enterprise advisor
programmes (in English, Vietnamese and Arabic), and candidates at every stage — a
certified trainer, an advisor half-way, an expired and a revoked certificate.

Idempotent: it looks for what it made last time before it makes anything.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from certification import services
from certification.dates import add_months
from certification.models import (
    Candidacy,
    Certificate,
    CourseCompletion,
    CPDActivity,
    Programme,
    Requirement,
)
from lms.accounts.demo import demo_password_hash
from lms.accounts.models import User
from lms.accounts.services import user_create
from lms.demo_translations import phrasebook_add, translate_all
from lms.taxonomy.models import Country

Kind = Requirement.Kind

OBSERVATION_RUBRIC = "\n".join(
    [
        "Sets clear learning objectives",
        "Uses participatory, adult-centred methods",
        "Checks understanding and gives feedback",
        "Links the content to the factory's compliance findings",
        "Manages time and the group",
    ]
)

PROGRAMMES = [
    {
        "slug": "certified-trainer",
        "audience": Programme.Audience.TRAINER,
        "serial_prefix": "BWT",
        "validity_months": 36,
        "renewal_cpd_hours": Decimal("30"),
        "text": {
            "en": (
                "Certified Better Work Trainer",
                "For trainers who deliver Supervisory Skills Training and the worker "
                "courses in factories: the course, a knowledge test, two sessions observed "
                "by an assessor, a portfolio and continuing professional development.",
            ),
            "vi": (
                "Giảng viên Better Work được chứng nhận",
                "Dành cho giảng viên đào tạo Kỹ năng Giám sát và các khóa học cho công nhân "
                "tại nhà máy: khóa học, bài kiểm tra kiến thức, hai buổi dạy được đánh giá "
                "viên quan sát, hồ sơ năng lực và phát triển chuyên môn liên tục.",
            ),
            "ar": (
                "مدرّب بيتر وورك المعتمد",
                "للمدربين الذين يقدّمون تدريب مهارات الإشراف ودورات العمال في المصانع: "
                "الدورة، واختبار المعرفة، وجلستان يراقبهما مقيّم، وملف إنجاز، والتطوير "
                "المهني المستمر.",
            ),
        },
        "criteria": "Completed the trainer course, passed the knowledge test with 75% or "
        "more, delivered two sessions observed and signed off by an assessor, had a "
        "portfolio of lesson plans approved and logged 20 hours of CPD.",
        "requirements": [
            (
                Kind.COURSE,
                {
                    "en": "Complete the Supervisory Skills Training of trainers",
                    "vi": "Hoàn thành khóa đào tạo giảng viên Kỹ năng Giám sát",
                    "ar": "إكمال دورة تدريب المدربين على مهارات الإشراف",
                },
                {},
            ),
            (
                Kind.ASSESSMENT,
                {
                    "en": "Pass the trainer knowledge test (75%)",
                    "vi": "Đạt bài kiểm tra kiến thức giảng viên (75%)",
                    "ar": "اجتياز اختبار المعرفة للمدربين (75%)",
                },
                {
                    "minimum_score": 75,
                    "assessment_activity": "urn:betterwork:assessment:trainer-knowledge-test",
                },
            ),
            (
                Kind.OBSERVED_PRACTICE,
                {
                    "en": "Deliver two sessions observed by an assessor",
                    "vi": "Giảng dạy hai buổi có đánh giá viên quan sát",
                    "ar": "تقديم جلستين تدريبيتين بحضور مقيّم",
                },
                {"required_count": 2, "rubric": OBSERVATION_RUBRIC},
            ),
            (
                Kind.PORTFOLIO,
                {
                    "en": "Portfolio: lesson plans and participant feedback",
                    "vi": "Hồ sơ: giáo án và phản hồi của học viên",
                    "ar": "ملف الإنجاز: خطط الدروس وآراء المشاركين",
                },
                {"required_count": 1},
            ),
            (
                Kind.CPD_HOURS,
                {
                    "en": "20 hours of continuing professional development",
                    "vi": "20 giờ phát triển chuyên môn liên tục",
                    "ar": "20 ساعة من التطوير المهني المستمر",
                },
                {"hours": Decimal("20")},
            ),
        ],
    },
    {
        "slug": "certified-enterprise-advisor",
        "audience": Programme.Audience.ENTERPRISE_ADVISOR,
        "serial_prefix": "BWA",
        "validity_months": 24,
        "renewal_cpd_hours": Decimal("24"),
        "text": {
            "en": (
                "Certified Enterprise Advisor",
                "For enterprise advisors who guide, coach and consult factories' bipartite "
                "committees through the advisory cycle.",
            ),
            "vi": (
                "Chuyên gia tư vấn doanh nghiệp được chứng nhận",
                "Dành cho chuyên gia tư vấn hướng dẫn, huấn luyện và tư vấn cho ủy ban hai "
                "bên của nhà máy trong chu kỳ tư vấn.",
            ),
            "ar": (
                "مستشار المؤسسات المعتمد",
                "لمستشاري المؤسسات الذين يرشدون اللجان الثنائية في المصانع ويدربونها "
                "ويقدّمون لها المشورة خلال دورة الخدمات الاستشارية.",
            ),
        },
        "criteria": "Completed the advisory course, passed the case-study assessment, was "
        "observed facilitating a bipartite committee meeting and logged 15 hours of CPD.",
        "requirements": [
            (
                Kind.COURSE,
                {
                    "en": "Complete the enterprise advisory course",
                    "vi": "Hoàn thành khóa học tư vấn doanh nghiệp",
                    "ar": "إكمال دورة الخدمات الاستشارية للمؤسسات",
                },
                {},
            ),
            (
                Kind.ASSESSMENT,
                {
                    "en": "Pass the case-study assessment (70%)",
                    "vi": "Đạt bài đánh giá tình huống (70%)",
                    "ar": "اجتياز تقييم دراسة الحالة (70%)",
                },
                {
                    "minimum_score": 70,
                    "assessment_activity": "urn:betterwork:assessment:advisor-case-study",
                },
            ),
            (
                Kind.OBSERVED_PRACTICE,
                {
                    "en": "Facilitate a bipartite committee meeting, observed",
                    "vi": "Điều phối một cuộc họp ủy ban hai bên có quan sát",
                    "ar": "تيسير اجتماع للجنة الثنائية بحضور مقيّم",
                },
                {"required_count": 1, "rubric": OBSERVATION_RUBRIC},
            ),
            (
                Kind.CPD_HOURS,
                {
                    "en": "15 hours of continuing professional development",
                    "vi": "15 giờ phát triển chuyên môn liên tục",
                    "ar": "15 ساعة من التطوير المهني المستمر",
                },
                {"hours": Decimal("15")},
            ),
        ],
    },
]

# People of certification's own demo, beside lms/portal/demo.py's.
EXTRA_PEOPLE = [
    ("trainer.kh", "Sok Dara", ["trainer"], "kh", "km"),
    ("advisor.bd", "Farhana Rahman", ["enterprise_advisor"], "bd", "bn"),
    # Also a community moderator (community/demo.py finds her here).
    ("trainer.jo", "Lina Nasser", ["trainer"], "jo", "ar"),
]


def _course_page(keywords: tuple[str, ...]) -> Page:
    """A course page from the courses room's demo where there is one; otherwise the
    training section stands in (the requirement still works through the signal)."""
    from courses.models import CoursePage

    courses = CoursePage.objects.filter(locale=Locale.get_default()).live()
    for keyword in keywords:
        page = courses.filter(title__icontains=keyword).first()
        if page:
            return page
    return (
        courses.first()
        or Page.objects.filter(slug="training", locale=Locale.get_default()).first()
        or Page.objects.filter(depth=2).first()
    )


def _point_course_requirements(programme: Programme, keywords: tuple[str, ...]) -> None:
    """On a demo database made before the courses demo (or by an older loader), course
    requirements may point at a section or a module: point them at a real course page, in
    every language of the programme."""
    from courses.models import CoursePage

    stale = Requirement.objects.filter(
        programme__in=programme.get_translations(inclusive=True), kind=Kind.COURSE
    ).exclude(course_id__in=CoursePage.objects.values("pk"))
    if stale.exists():
        stale.update(course=_course_page(keywords))


@transaction.atomic
def load_programmes() -> dict[str, Programme]:
    locales = {code: Locale.objects.get(language_code=code) for code in ("en", "vi", "ar")}
    made = {}
    for spec in PROGRAMMES:
        keywords = (
            ("Supervisory", "trainer") if spec["audience"] == "trainer" else ("advis", "12-month")
        )
        programme = Programme.objects.filter(locale=locales["en"], slug=spec["slug"]).first()
        if programme is None:
            title, summary = spec["text"]["en"]
            programme = Programme(
                locale=locales["en"],
                slug=spec["slug"],
                title=title,
                summary=summary,
                criteria=spec["criteria"],
                audience=spec["audience"],
                serial_prefix=spec["serial_prefix"],
                validity_months=spec["validity_months"],
                renewal_cpd_hours=spec["renewal_cpd_hours"],
            )
            for order, (kind, titles, fields) in enumerate(spec["requirements"]):
                if kind == Kind.COURSE:
                    fields = {**fields, "course": _course_page(keywords)}
                programme.requirements.add(
                    Requirement(
                        locale=locales["en"],
                        kind=kind,
                        title=titles["en"],
                        sort_order=order,
                        **fields,
                    )
                )
            programme.full_clean()
            programme.save()
        books = {}
        for code in ("vi", "ar"):
            books[code] = phrasebook_add({}, spec["text"]["en"], spec["text"][code])
            for _kind, titles, _fields in spec["requirements"]:
                phrasebook_add(books[code], titles["en"], titles[code])
        translate_all(programme, books, books)
        _point_course_requirements(programme, keywords)
        made[spec["slug"]] = programme
    assessor = User.objects.filter(username="assessor").first()
    if assessor:
        for programme in made.values():
            programme.assessors.add(assessor)
    return made


def load_people():
    countries = {c.code: c for c in Country.objects.canonical()}
    for username, name, roles, country, language in EXTRA_PEOPLE:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                password_hash=demo_password_hash(),
                email=f"{username}@demo.betterwork.test",
                display_name=name,
                roles=roles,
                country=countries.get(country),
                preferred_language=language,
            )


def _meet_everything(candidacy: Candidacy, assessor, *, days_ago: int = 0) -> None:
    """Give a candidate the records that meet every requirement."""
    person = candidacy.candidate
    when = timezone.now() - timedelta(days=days_ago)
    for requirement in candidacy.programme.requirements.all():
        if requirement.kind == Kind.COURSE:
            CourseCompletion.objects.get_or_create(
                learner=person, course=requirement.course, defaults={"completed_at": when}
            )
        elif requirement.kind == Kind.ASSESSMENT:
            services.assessment_result_record(
                candidacy=candidacy, requirement=requirement, score=88, recorded_by=assessor
            )
        elif requirement.kind == Kind.CPD_HOURS:
            CPDActivity.objects.create(
                person=person,
                kind=CPDActivity.Kind.COURSE_ATTENDED,
                title="Better Work trainers' annual forum",
                date=timezone.localdate() - timedelta(days=min(days_ago, 300)),
                hours=requirement.hours,
            )
        else:
            scores = dict.fromkeys(requirement.rubric_criteria, 3)
            for number in range(requirement.required_count):
                submission = services.submission_create(
                    candidacy=candidacy,
                    requirement=requirement,
                    title=f"{requirement.title} ({number + 1})",
                    description="Observed at Saigon Garment Co., 24 participants.",
                    session_date=timezone.localdate() - timedelta(days=days_ago + number),
                )
                services.submission_review(
                    submission=submission,
                    reviewer=assessor,
                    decision="approved",
                    comment="Clear, participatory and well timed.",
                    rubric_scores=scores if requirement.rubric_criteria else None,
                )


def load_candidates(programmes: dict[str, Programme]) -> None:
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "trainer",
                "advisor",
                "assessor",
                "admin",
                "trainer.kh",
                "advisor.bd",
                "trainer.jo",
            ]
        )
    }
    assessor = people.get("assessor")
    if assessor is None or len(people) < 7:
        return
    trainer_programme = programmes["certified-trainer"]
    advisor_programme = programmes["certified-enterprise-advisor"]

    # A certified trainer, with a valid certificate and a working verification page.
    candidacy, created = Candidacy.objects.get_or_create(
        candidate=people["trainer"], programme=trainer_programme
    )
    if created:
        _meet_everything(candidacy, assessor, days_ago=40)
        services.certificate_issue(candidacy=candidacy)

    # An advisor half-way: course done, assessment passed, observation waiting for review.
    candidacy, created = Candidacy.objects.get_or_create(
        candidate=people["advisor"], programme=advisor_programme
    )
    if created:
        for requirement in advisor_programme.requirements.all():
            if requirement.kind == Kind.COURSE:
                services.completion_evidence_record(
                    candidate_user=people["advisor"],
                    course_page_id=requirement.course_id,
                    completed_at=timezone.now() - timedelta(days=20),
                )
            elif requirement.kind == Kind.ASSESSMENT:
                services.assessment_result_record(
                    candidacy=candidacy, requirement=requirement, score=76, recorded_by=assessor
                )
            elif requirement.kind == Kind.OBSERVED_PRACTICE:
                services.submission_create(
                    candidacy=candidacy,
                    requirement=requirement,
                    title="Bipartite committee meeting, Al-Hassan Apparel",
                    description="Agenda: overtime planning and the grievance procedure.",
                    session_date=timezone.localdate() - timedelta(days=3),
                )
        CPDActivity.objects.create(
            person=people["advisor"],
            kind=CPDActivity.Kind.PEER_LEARNING,
            title="Advisors' community of practice: dialogue in migrant workforces",
            date=timezone.localdate() - timedelta(days=12),
            hours=Decimal("6"),
        )

    # An expired trainer certificate (issued three years and a month ago, never renewed).
    candidacy, created = Candidacy.objects.get_or_create(
        candidate=people["trainer.kh"], programme=trainer_programme
    )
    if created:
        _meet_everything(candidacy, assessor, days_ago=300)
        certificate = services.certificate_issue(candidacy=candidacy)
        issued = timezone.localdate() - timedelta(days=365 * 3 + 30)
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=issued,
            issued_at=timezone.now() - timedelta(days=365 * 3 + 30),
            expires_on=add_months(issued, trainer_programme.validity_months),
        )
        certificate.refresh_from_db()
        services.certificate_pdf_store(certificate=certificate)

    # A trainer certificate running out in six weeks (renewal is due: it shows among the
    # certificates expiring within 90 days).
    candidacy, created = Candidacy.objects.get_or_create(
        candidate=people["trainer.jo"], programme=trainer_programme
    )
    if created:
        _meet_everything(candidacy, assessor, days_ago=200)
        certificate = services.certificate_issue(candidacy=candidacy)
        expires = timezone.localdate() + timedelta(weeks=6)
        issued = add_months(expires, -trainer_programme.validity_months)
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=issued,
            issued_at=timezone.make_aware(datetime.combine(issued, time(10, 0))),
            expires_on=expires,
        )
        certificate.refresh_from_db()
        services.certificate_pdf_store(certificate=certificate)

    # A revoked advisor certificate.
    candidacy, created = Candidacy.objects.get_or_create(
        candidate=people["advisor.bd"], programme=advisor_programme
    )
    if created:
        _meet_everything(candidacy, assessor, days_ago=90)
        certificate = services.certificate_issue(candidacy=candidacy)
        services.certificate_revoke(
            certificate=certificate,
            revoked_by=people["admin"],
            reason="The observed session was found to have been staged.",
        )


def load():
    load_people()
    programmes = load_programmes()
    load_candidates(programmes)
