"""Demo content of courses: the 12-month modular programme (in English, with Vietnamese and
Arabic translations), a seminar on sexual-harassment prevention, Supervisory Skills
Training, an induction kit, a mini-project workbook, three model policies; cohorts in
Vietnam and Jordan with sessions, attendance, progress and pre/post tests.

Idempotent: every part looks for what it made last time before it makes anything. Demo
people come from ``lms/portal/demo.py`` (looked up by username) plus the class lists here.
"""

import datetime as dt
import io
import uuid
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page

from courses import selectors, services
from courses.models import (
    Attendance,
    Cohort,
    Enrolment,
    InductionKitPage,
    LessonPage,
    ModulePage,
    PolicyPage,
    PolicyVersion,
    ProgrammePage,
    SeminarPage,
    Submission,
    SupervisorTrainingPage,
    WorkbookPage,
    WorkbookStepPage,
)
from lms.accounts.demo import demo_password_hash
from lms.accounts.models import Organisation, User
from lms.accounts.services import user_create
from lms.demo_translations import phrasebook_add, translate_all
from lms.taxonomy.models import Cluster, Country, Sector

from .demo_phrases import course_phrasebooks

# The languages of the induction kit, the seminar and Supervisory Skills Training.
CONTENT_LANGUAGES = ("vi", "ar", "km", "bn")

# slug, cluster codes, en / vi / ar title, lessons: (title, text, question,
# answers (the first is correct), discuss in class, try at work)
MODULES = [
    (
        "workplace-cooperation",
        ["freedom-of-association"],
        "Workplace cooperation and the bipartite committee",
        "Hợp tác tại nơi làm việc và ủy ban hai bên",
        "التعاون في مكان العمل واللجنة الثنائية",
        [
            (
                "Why cooperation pays",
                "Factories where managers and workers talk regularly solve problems before "
                "they become disputes. A bipartite committee has equal numbers of worker and "
                "management representatives and meets at least once a month.",
                "How many worker representatives sit on a bipartite committee?",
                ["As many as management representatives", "One", "None: only managers"],
                "Think of a problem at your workplace that was solved by talking. Who was there?",
                "Ask a committee member when the next meeting is and what is on the agenda.",
            ),
            (
                "Running a good committee meeting",
                "A good meeting has an agenda shared in advance, minutes that everyone can read, "
                "and actions with a name and a date next to each one.",
                "What should every action in the minutes have?",
                ["A person responsible and a date", "A photo", "The factory owner's signature"],
                "What makes a meeting a waste of time? What makes it useful?",
                "Read the minutes of the last committee meeting and check one action.",
            ),
        ],
    ),
    (
        "osh",
        ["osh"],
        "Occupational safety and health",
        "An toàn và vệ sinh lao động",
        "السلامة والصحة المهنية",
        [
            (
                "Finding hazards on the line",
                "A hazard is anything that can hurt someone: unguarded needles, blocked exits, "
                "heat, chemicals, heavy loads. Walk the line and look, ask, and write down.",
                "Which of these is a hazard?",
                ["A blocked emergency exit", "A clean floor", "A first-aid box that is full"],
                "Which hazard in your section worries workers the most?",
                "Walk your section with a checklist and mark three hazards.",
            ),
            (
                "Personal protective equipment",
                "Protective equipment is the last line of defence: first remove the hazard or "
                "control it. Equipment must fit, be free of charge and be replaced when worn.",
                "Who pays for personal protective equipment?",
                ["The employer", "The worker", "The worker and employer share it"],
                "Why do some workers not wear their masks or gloves?",
                "Ask three workers whether their equipment fits and is comfortable.",
            ),
        ],
    ),
    (
        "compensation",
        ["compensation"],
        "Wages and compensation",
        "Tiền lương và phúc lợi",
        "الأجور والتعويضات",
        [
            (
                "Reading a pay slip",
                "A pay slip shows the hours worked, the basic wage, overtime at its higher rate, "
                "allowances and every deduction, so that a worker can check the total.",
                "What must a pay slip show?",
                ["Every deduction and why", "Only the total", "The manager's salary"],
                "Have you ever found a mistake in a pay slip? What happened?",
                "Check one pay slip against the hours on the time card.",
            ),
            (
                "Minimum wage and piece rates",
                "Workers paid by the piece must earn at least the minimum wage for the hours "
                "they work. If piece earnings fall short, the employer pays the difference.",
                "A piece-rate worker earns less than the minimum wage this month. What happens?",
                ["The employer pays the difference", "Nothing", "The worker works unpaid hours"],
                "How are piece rates set in your factory? Who is asked?",
                "Compare a piece-rate worker's earnings with the minimum wage for a week.",
            ),
        ],
    ),
    (
        "working-time",
        ["working-time"],
        "Working time and overtime",
        "Thời giờ làm việc và làm thêm giờ",
        "ساعات العمل والعمل الإضافي",
        [
            (
                "Overtime is voluntary",
                "Overtime must be voluntary, within the legal limit, and paid at the higher "
                "rate. A worker who refuses overtime must not be punished.",
                "A worker says no to overtime. What may the supervisor do?",
                ["Accept it and ask someone else", "Cut a day's pay", "Shout at the worker"],
                "How do you ask for overtime without pressure?",
                "Write down how overtime was asked for this week, and who said no.",
            ),
            (
                "Planning to avoid excessive hours",
                "Most excessive overtime comes from late orders and poor planning. Production "
                "planning, balanced lines and realistic targets keep hours within the law.",
                "What causes most excessive overtime?",
                ["Planning and late orders", "Lazy workers", "Public holidays"],
                "What would you change in planning to reduce Sunday work?",
                "Track the overtime hours of your line for two weeks.",
            ),
        ],
    ),
    (
        "grievance-handling",
        ["contracts-hr"],
        "Grievance handling",
        "Giải quyết khiếu nại",
        "معالجة الشكاوى",
        [
            (
                "A grievance procedure workers trust",
                "A grievance procedure has clear steps, time limits, a way to raise a complaint "
                "without going through your own supervisor, and protection from retaliation.",
                "Why should workers be able to bypass their supervisor?",
                [
                    "The complaint may be about the supervisor",
                    "Supervisors are always wrong",
                    "To save paper",
                ],
                "What stops workers from complaining in your factory?",
                "Find where the grievance procedure is posted and read it with a colleague.",
            ),
        ],
    ),
    (
        "harassment-prevention",
        ["discrimination"],
        "Preventing sexual harassment",
        "Phòng chống quấy rối tình dục",
        "الوقاية من التحرش الجنسي",
        [
            (
                "What sexual harassment is",
                "Sexual harassment is unwanted conduct of a sexual nature: comments, touching, "
                "requests for favours, images. It harms workers and productivity.",
                "Is a repeated unwanted comment about a worker's body harassment?",
                ["Yes", "No, if it is a joke", "Only if a manager says it"],
                "Why do many workers never report harassment?",
                "Check whether the anti-harassment policy is posted in the languages workers read.",
            ),
            (
                "Responding to a complaint",
                "Listen, keep it confidential, protect the person who complained, investigate "
                "promptly and act. Record each step.",
                "What comes first when someone reports harassment?",
                ["Listen and keep it confidential", "Tell the whole line", "Ask them to forget it"],
                "Role-play: a worker tells you a mechanic touched her. What do you say?",
                "Find out who the trained harassment focal points are in your factory.",
            ),
        ],
    ),
    (
        "contracts",
        ["contracts-hr"],
        "Contracts and human resources",
        "Hợp đồng và quản lý nhân sự",
        "العقود والموارد البشرية",
        [
            (
                "Contracts workers understand",
                "Every worker gets a written contract in a language they read, before starting "
                "work, stating pay, hours, leave and how the contract ends.",
                "When should a worker receive the contract?",
                ["Before starting work", "After probation", "Only if asked"],
                "How do migrant workers in your factory learn what their contract says?",
                "Check three personnel files for a signed contract in the worker's language.",
            ),
        ],
    ),
    (
        "chemicals",
        ["osh"],
        "Chemicals and hazardous substances",
        "Hóa chất và chất nguy hiểm",
        "المواد الكيميائية والخطرة",
        [
            (
                "Labels and safety data sheets",
                "Every chemical container carries a label, and a safety data sheet in the local "
                "language is kept where the chemical is used.",
                "Where must a safety data sheet be kept?",
                ["Where the chemical is used", "In the owner's office", "Nowhere"],
                "Which chemicals are used in your section? Which are dangerous?",
                "List the chemicals in one section and find each safety data sheet.",
            ),
        ],
    ),
    (
        "emergency",
        ["osh"],
        "Emergency preparedness",
        "Ứng phó tình huống khẩn cấp",
        "الاستعداد للطوارئ",
        [
            (
                "Evacuation drills",
                "Exits are unlocked and clear during working hours; every worker knows two ways "
                "out; drills happen at least twice a year, on every shift.",
                "When may an emergency exit be locked?",
                ["Never during working hours", "At night shifts", "When it rains"],
                "What went wrong in the last drill?",
                "Time how long your section takes to leave the building in the next drill.",
            ),
        ],
    ),
    (
        "non-discrimination",
        ["discrimination"],
        "Non-discrimination and gender equality",
        "Không phân biệt đối xử và bình đẳng giới",
        "عدم التمييز والمساواة بين الجنسين",
        [
            (
                "Fair recruitment and promotion",
                "Decisions on hiring, pay, promotion and dismissal are based on skills and "
                "performance, never on sex, pregnancy, religion, ethnicity or union membership.",
                "May a factory ask a job applicant for a pregnancy test?",
                ["No", "Yes, for women", "Only for supervisors"],
                "How many supervisors in your factory are women? Why?",
                "Look at the last five promotions: who got them and why?",
            ),
        ],
    ),
    (
        "freedom-of-association",
        ["freedom-of-association"],
        "Freedom of association and social dialogue",
        "Tự do hiệp hội và đối thoại xã hội",
        "حرية تكوين الجمعيات والحوار الاجتماعي",
        [
            (
                "Workers' right to organise",
                "Workers may form and join organisations of their choosing and elect their "
                "representatives without interference from management.",
                "Who chooses the workers' representatives?",
                ["The workers, by election", "The HR manager", "The buyer"],
                "How were worker representatives chosen in your factory?",
                "Ask a worker representative how they were elected.",
            ),
        ],
    ),
    (
        "improvement",
        ["contracts-hr", "osh"],
        "Continuous improvement and action planning",
        "Cải tiến liên tục và lập kế hoạch hành động",
        "التحسين المستمر وتخطيط العمل",
        [
            (
                "An improvement plan that works",
                "Pick the three issues that matter most, agree actions with owners and dates, "
                "review them at every committee meeting, and celebrate what gets fixed.",
                "How often should the improvement plan be reviewed?",
                ["At every committee meeting", "Once a year", "Only after an assessment"],
                "Which improvement are you most proud of this year?",
                "Bring your section's top three issues to the next committee meeting.",
            ),
        ],
    ),
]

VI_LESSON = {
    "Why cooperation pays": (
        "Vì sao hợp tác mang lại lợi ích",
        "Các nhà máy nơi quản lý và công nhân thường xuyên trao đổi sẽ giải quyết vấn đề "
        "trước khi chúng trở thành tranh chấp. Ủy ban hai bên có số đại diện công nhân và "
        "quản lý bằng nhau và họp ít nhất mỗi tháng một lần.",
    ),
    "Running a good committee meeting": ("Tổ chức một cuộc họp ủy ban hiệu quả", None),
}
AR_LESSON = {
    "Why cooperation pays": (
        "لماذا يفيد التعاون",
        "المصانع التي يتحاور فيها المديرون والعمال بانتظام تحل المشكلات قبل أن تتحول إلى "
        "نزاعات. تضم اللجنة الثنائية عدداً متساوياً من ممثلي العمال والإدارة وتجتمع مرة "
        "واحدة في الشهر على الأقل.",
    ),
    "Running a good committee meeting": ("إدارة اجتماع ناجح للجنة", None),
}

# The rest of the first lesson, translated block by block (ids stay those of the English).
FIRST_LESSON_BLOCKS = {
    "vi": {
        "knowledge_check": {
            "question": "Có bao nhiêu đại diện công nhân trong ủy ban hai bên?",
            "choices": [
                {"text": "Bằng số đại diện của quản lý", "correct": True},
                {"text": "Một người", "correct": False},
                {"text": "Không có: chỉ có quản lý", "correct": False},
            ],
        },
        "discuss": {
            "prompt": "Hãy nghĩ về một vấn đề ở nơi làm việc đã được giải quyết nhờ trao đổi. "
            "Những ai đã tham gia?"
        },
        "try_at_work": {
            "task": "Hỏi một thành viên ủy ban khi nào có cuộc họp tới và nội dung họp là gì."
        },
    },
    "ar": {
        "knowledge_check": {
            "question": "كم عدد ممثلي العمال في اللجنة الثنائية؟",
            "choices": [
                {"text": "بعدد ممثلي الإدارة نفسه", "correct": True},
                {"text": "ممثل واحد", "correct": False},
                {"text": "لا أحد: المديرون فقط", "correct": False},
            ],
        },
        "discuss": {"prompt": "فكّر في مشكلة في مكان عملك حُلّت بالحوار. من كان حاضراً؟"},
        "try_at_work": {"task": "اسأل أحد أعضاء اللجنة عن موعد الاجتماع القادم وجدول أعماله."},
    },
}

PROGRAMME_AUDIENCE = {
    "vi": ("Quản lý, tổ trưởng và đại diện công nhân", "12 tháng, mỗi tháng một mô-đun"),
    "ar": ("المديرون والمشرفون وممثلو العمال", "12 شهراً، وحدة واحدة كل شهر"),
}

PROGRAMME_TEXT = {
    "en": (
        "The 12-month modular programme",
        "One module a month for factory managers, supervisors and worker representatives, "
        "delivered in class with practice at work between sessions.",
    ),
    "vi": (
        "Chương trình 12 tháng theo mô-đun",
        "Mỗi tháng một mô-đun cho quản lý nhà máy, tổ trưởng và đại diện công nhân, học trên "
        "lớp và thực hành tại nơi làm việc giữa các buổi học.",
    ),
    "ar": (
        "البرنامج النمطي لمدة 12 شهراً",
        "وحدة واحدة كل شهر لمديري المصانع والمشرفين وممثلي العمال، تُقدَّم في الصف مع "
        "التطبيق في مكان العمل بين الجلسات.",
    ),
}

VN_LEARNERS = [
    ("Nguyễn Thị Hoa", "woman"),
    ("Trần Thị Mai", "woman"),
    ("Lê Văn Tùng", "man"),
    ("Phạm Thị Thu", "woman"),
    ("Hoàng Thị Ngọc", "woman"),
    ("Vũ Văn Hải", "man"),
    ("Đặng Thị Hương", "woman"),
    ("Bùi Thị Lan Anh", "woman"),
    ("Đỗ Thị Phương", "woman"),
    ("Ngô Văn Đức", "man"),
    ("Dương Thị Hạnh", "woman"),
    ("Lý Thị Kim", "woman"),
    ("Trịnh Thị Yến", "woman"),
    ("Mai Văn Quang", "man"),
    ("Phan Thị Trang", "woman"),
    ("Hồ Thị Nhung", "woman"),
    ("Cao Thị Vân", "woman"),
    ("Tạ Văn Long", "man"),
]
JO_LEARNERS = [
    ("Nadia Rahman", "woman", "migrant"),
    ("Kumari Perera", "woman", "migrant"),
    ("Ahmad Al-Masri", "man", "local"),
    ("Maria Santos", "woman", "migrant"),
    ("Fatima Begum", "woman", "migrant"),
    ("Layla Haddad", "woman", "local"),
]


def _locale(code):
    return Locale.objects.get(language_code=code)


def _canonical(model, code):
    return model.objects.canonical().filter(code=code).first()


def _section(slug):
    page = Page.objects.filter(slug=slug, locale__language_code="en", depth=3).first()
    if page is None:
        page = Page.objects.filter(locale__language_code="en", depth=2).first()
    return page


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _child(parent, model, slug, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing, False
    return _publish(parent, model(slug=slug, **fields)), True


def _tag(page, *, countries=(), clusters=(), sectors=("garment",)):
    page.countries.set([c for c in (_canonical(Country, code) for code in countries) if c])
    page.clusters.set([c for c in (_canonical(Cluster, code) for code in clusters) if c])
    page.sectors.set([s for s in (_canonical(Sector, code) for code in sectors) if s])
    page.save_revision().publish()


def _question(question, answers, explanation=""):
    return {
        "question": question,
        "choices": [{"text": text, "correct": i == 0} for i, text in enumerate(answers)],
        "explanation": explanation,
    }


def _lesson_body(text, question, answers, discuss, try_at_work):
    return [
        ("rich_text", f"<p>{text}</p>"),
        ("knowledge_check", _question(question, answers)),
        ("discuss", {"prompt": discuss, "minutes": 15, "facilitator_notes": ""}),
        ("try_at_work", {"task": try_at_work, "evidence_hint": ""}),
    ]


# --- content ----------------------------------------------------------------------------


def load_programme():
    training = _section("training")
    programme, created = _child(
        training,
        ProgrammePage,
        "12-month-programme",
        title=PROGRAMME_TEXT["en"][0],
        summary=PROGRAMME_TEXT["en"][1],
        audience="Managers, supervisors and worker representatives",
        duration="12 months, one module a month",
        self_enrolment=True,
        complete_lessons=True,
        complete_knowledge_checks=True,
        complete_attendance_percent=75,
        # Kept offline on a phone, its knowledge checks are checked there too (issue 23).
        offline_scoring=True,
        test_questions=[("question", _question(m[5][0][2], m[5][0][3])) for m in MODULES[:6]],
    )
    if created:
        _tag(
            programme,
            countries=["vn", "jo", "bd", "kh"],
            clusters=["osh", "working-time", "compensation", "discrimination"],
        )
    for month, (slug, clusters, en, _vi, _ar, lessons) in enumerate(MODULES, start=1):
        module, created = _child(programme, ModulePage, slug, title=en, month=month)
        if created:
            _tag(module, clusters=clusters)
        for position, (title, text, question, answers, discuss, work) in enumerate(
            lessons, start=1
        ):
            _child(
                module,
                LessonPage,
                f"{slug}-{position}",
                title=title,
                minutes=20,
                body=_lesson_body(text, question, answers, discuss, work),
            )
    return programme


def programme_phrasebooks() -> dict[str, dict[str, str]]:
    """The programme's Vietnamese and Arabic: its description, the module titles, and the
    first lessons (the rest of the programme stays English until an editor translates it)."""
    books = {}
    for language, lesson_text in (("vi", VI_LESSON), ("ar", AR_LESSON)):
        book = phrasebook_add({}, PROGRAMME_TEXT["en"], PROGRAMME_TEXT[language])
        phrasebook_add(
            book,
            ("Managers, supervisors and worker representatives", "12 months, one module a month"),
            PROGRAMME_AUDIENCE[language],
        )
        for module in MODULES:
            book[module[2]] = module[3 if language == "vi" else 4]
        for title, (new_title, new_text) in lesson_text.items():
            book[title] = new_title
            lesson = next(item for module in MODULES for item in module[5] if item[0] == title)
            phrasebook_add(book, lesson[1], new_text)
        first = MODULES[0][5][0]
        blocks = FIRST_LESSON_BLOCKS[language]
        phrasebook_add(
            book,
            [first[2], *first[3], first[4], first[5]],
            [
                blocks["knowledge_check"]["question"],
                *[choice["text"] for choice in blocks["knowledge_check"]["choices"]],
                blocks["discuss"]["prompt"],
                blocks["try_at_work"]["task"],
            ],
        )
        books[language] = book
    return books


def translate_courses(programme, seminar, sst, kit):
    """The programme in Vietnamese and Arabic; the induction kit, the seminar and Supervisory
    Skills Training, with their lessons, in every content language; all through
    wagtail-localize, parents before children. The lessons' video titles come from the media
    library's phrasebooks."""
    from media_library import demo as media_demo

    books = {language: {} for language in CONTENT_LANGUAGES}
    for extra in (media_demo.series_phrasebooks(), course_phrasebooks(), programme_phrasebooks()):
        for language, phrases in extra.items():
            books.setdefault(language, {}).update(phrases)
    work = [(programme, ("vi", "ar"))] if programme else []
    work += [(course, CONTENT_LANGUAGES) for course in (kit, seminar, sst)]
    for course, languages in work:
        translate_all(course, books, languages)
        for page in course.get_descendants().order_by("path").specific():
            translate_all(page, books, languages)


def load_seminar():
    training = _section("training")
    seminar, created = _child(
        training,
        SeminarPage,
        "preventing-sexual-harassment",
        title="Preventing sexual harassment at work",
        summary="A one-day seminar for managers, supervisors and committee members on "
        "recognising, preventing and responding to sexual harassment.",
        audience="Owners, general managers, middle managers and supervisors",
        duration="1 day",
        self_enrolment=False,
        complete_lessons=True,
        complete_attendance_percent=100,
        test_questions=[
            ("question", _question(*q))
            for q in [
                (
                    "Can a single serious incident be sexual harassment?",
                    ["Yes", "No, it must happen several times"],
                ),
                (
                    "Who should a worker be able to report harassment to?",
                    [
                        "A trained focal point outside their reporting line",
                        "Only their direct supervisor",
                        "Nobody",
                    ],
                ),
                (
                    "What must happen to a worker who reports harassment?",
                    ["They are protected from retaliation", "They are moved to night shift"],
                ),
                (
                    "Are comments about a worker's body harassment if they are meant as jokes?",
                    ["Yes, if they are unwanted", "No, jokes are never harassment"],
                ),
            ]
        ],
    )
    if created:
        _tag(seminar, countries=["jo", "vn"], clusters=["discrimination"])
        for position, lesson in enumerate(MODULES[5][5], start=1):
            title, text, question, answers, discuss, work = lesson
            _child(
                seminar,
                LessonPage,
                f"seminar-{position}",
                title=title,
                minutes=45,
                body=_lesson_body(text, question, answers, discuss, work),
            )
    return seminar


SST_TOPICS = [
    ("Work standards and instructions", "Clear, fair targets and instructions workers understand."),
    ("Coaching and feedback", "Praise in public, correct in private, and show how."),
    ("Fair discipline", "Rules everyone knows, steps everyone can predict, no fines or shouting."),
    ("Communication", "Listening first; daily line meetings of five minutes."),
    ("Problem solving", "Find the root cause with the workers who do the job."),
    ("Workers' rights", "What the law and the code of conduct give every worker."),
]


def load_supervisor_training():
    training = _section("training")
    sst, created = _child(
        training,
        SupervisorTrainingPage,
        "supervisory-skills-training",
        title="Supervisory Skills Training",
        summary="Four days in class, split 2 + 2, with four to six weeks of practice on the "
        "line in between, for groups of 20-25 supervisors.",
        audience="Line supervisors and line leaders",
        duration="4 days + 4-6 weeks of practice",
        self_enrolment=False,
        complete_lessons=True,
        complete_attendance_percent=75,
        complete_submissions=True,
        structure=[
            (
                "classroom",
                {
                    "title": "Block 1",
                    "days": 2,
                    "topics": [t for t, _d in SST_TOPICS[:3]],
                },
            ),
            (
                "practice",
                {
                    "weeks_min": 4,
                    "weeks_max": 6,
                    "assignment": "<p>Hold a five-minute line meeting every day for two weeks "
                    "and coach two workers using the feedback steps. Note what changed.</p>",
                },
            ),
            (
                "classroom",
                {
                    "title": "Block 2",
                    "days": 2,
                    "topics": [t for t, _d in SST_TOPICS[3:]],
                },
            ),
        ],
    )
    if created:
        _tag(sst, countries=["vn", "kh", "bd", "jo"], clusters=["contracts-hr", "discrimination"])
        for position, (title, text) in enumerate(SST_TOPICS, start=1):
            _child(
                sst,
                LessonPage,
                f"sst-{position}",
                title=title,
                minutes=60,
                body=[
                    ("rich_text", f"<p>{text}</p>"),
                    (
                        "discuss",
                        {
                            "prompt": "What would you do differently tomorrow?",
                            "minutes": 20,
                            "facilitator_notes": "",
                        },
                    ),
                ],
            )
    return sst


def load_induction_kit():
    training = _section("training")
    kit, created = _child(
        training,
        InductionKitPage,
        "induction-new-workers",
        title="Welcome to the factory: induction for new workers",
        summary="Short lessons, handouts and posters for a new worker's first week.",
        audience="New workers",
        duration="Three sessions of 30 minutes",
        self_enrolment=True,
        handouts=[
            (
                "handout",
                {
                    "title": "Your rights at work, on one page",
                    "kind": "handout",
                    "text": "<ul><li>A written contract in your language</li><li>The minimum "
                    "wage or more, on time</li><li>Overtime only if you agree</li><li>A safe "
                    "workplace and free protective equipment</li></ul>",
                },
            ),
            (
                "handout",
                {
                    "title": "Two ways out: know your exits",
                    "kind": "poster",
                    "text": "<p>Every worker knows two ways out. Exits stay open.</p>",
                },
            ),
        ],
        facilitator_guide="<p>Run each session in small groups of 10-15. Start with a question, "
        "not a lecture. Give the one-page handout at the end of the first session.</p>",
    )
    _handout_drawings(kit)
    if created:
        _tag(kit, countries=["vn", "jo", "bd"], clusters=["osh", "contracts-hr"])
        for position, lesson in enumerate(
            [MODULES[6][5][0], MODULES[8][5][0], MODULES[4][5][0]], start=1
        ):
            title, text, question, answers, discuss, work = lesson
            _child(
                kit,
                LessonPage,
                f"induction-{position}",
                title=title,
                minutes=10,
                body=_lesson_body(text, question, answers, discuss, work),
            )
    return kit


# A drawing of the fire-safety comic on each handout: (panel, scene, description).
HANDOUT_DRAWINGS = [
    (8, "committee", "Workers and managers sit together around a table with a checklist."),
    (2, "blocked", "A green exit sign above a door hidden behind stacked boxes."),
]


def _handout_drawings(kit):
    """Each handout with its drawing, also on a kit made before handouts had one (an empty
    optional image is more than wagtail-localize's segment extractor accepts)."""
    from media_library.demo import panel_image

    raw = list(kit.handouts.raw_data)
    changed = False
    for item, (panel, scene, description) in zip(raw, HANDOUT_DRAWINGS, strict=False):
        if not (item["value"].get("image") or {}).get("image"):
            image = panel_image(panel, scene)
            item["value"]["image"] = {
                "image": image.pk,
                "alt_text": description,
                "decorative": False,
            }
            changed = True
    if changed:
        kit.handouts = StreamValue(kit.handouts.stream_block, raw, is_lazy=True)
        kit.save_revision().publish()


WORKBOOK_STEPS = [
    (
        "Form the committee",
        "Hold an election for worker representatives; management names the same number.",
        "A photo of the list of elected members",
    ),
    (
        "Agree the rules",
        "Write down how often you meet, how decisions are made and how minutes are shared.",
        "The signed rules",
    ),
    (
        "Find your top three issues",
        "Walk the workplace together and ask workers. Pick three issues to work on.",
        "The list of issues with who raised them",
    ),
    (
        "Make and follow an action plan",
        "For each issue: the action, who does it, by when. Review it at every meeting.",
        "The action plan after two meetings",
    ),
]


def load_workbook():
    resources = _section("resources")
    workbook, created = _child(
        resources,
        WorkbookPage,
        "committee-workbook",
        title="Mini-project: set up a working bipartite committee",
        summary="A four-step workbook for small enterprises, with an advisor reviewing each step.",
        audience="Small enterprises (under 200 workers)",
        duration="About 8 weeks",
        self_enrolment=True,
        complete_lessons=False,
        complete_submissions=True,
    )
    if created:
        _tag(workbook, countries=["vn"], clusters=["freedom-of-association"])
    for position, (title, guidance, evidence) in enumerate(WORKBOOK_STEPS, start=1):
        _child(
            workbook,
            WorkbookStepPage,
            f"step-{position}",
            title=title,
            guidance=f"<p>{guidance}</p>",
            evidence_prompt=evidence,
        )
    return workbook


POLICIES = [
    (
        "anti-harassment-policy",
        "Model policy: preventing and responding to sexual harassment",
        "policy",
        ["discrimination"],
        [
            ("1.0", dt.date(2023, 3, 1), "First version."),
            ("2.0", dt.date(2025, 6, 1), "Adds focal points outside the reporting line."),
        ],
        "<h3>1. Commitment</h3><p>The company does not tolerate sexual harassment by anyone, "
        "against anyone, at work or at work events.</p><h3>2. Reporting</h3><p>Workers may "
        "report to any trained focal point, in person or in writing, in their own language.</p>"
        "<h3>3. Protection</h3><p>No one is punished for reporting in good faith.</p>",
    ),
    (
        "grievance-procedure",
        "Model policy: grievance procedure",
        "policy",
        ["contracts-hr"],
        [("1.0", dt.date(2024, 1, 15), "First version.")],
        "<h3>1. Steps</h3><p>Raise it with your supervisor or a committee member; get an answer "
        "within 5 working days; appeal to the committee.</p>",
    ),
    (
        "overtime-guide",
        "Good-practice guide: planning to reduce overtime",
        "guide",
        ["working-time"],
        [("1.0", dt.date(2024, 9, 1), "First version.")],
        "<p>Plan capacity before accepting orders, balance lines, share a weekly overtime "
        "plan with the committee, and record every worker's consent.</p>",
    ),
]


def _document(title, filename, data):
    document_model = get_document_model()
    existing = document_model.objects.filter(title=title).first()
    if existing:
        return existing
    document = document_model(title=title)
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    return document


def _docx(text: str) -> bytes:
    """A minimal, valid Word document holding ``text`` as paragraphs."""
    import re
    from xml.sax.saxutils import escape

    paragraphs = [p for p in re.split(r"<[^>]+>", text) if p.strip()]
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
        'Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
        'main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http'
        '://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f"{body}</w:body></w:document>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _pdf(title: str, text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>{title}</h1>{text}").write_pdf()


def load_policies():
    resources = _section("resources")
    pages = []
    for slug, title, kind, clusters, versions, text in POLICIES:
        page = PolicyPage.objects.child_of(resources).filter(slug=slug).first()
        if page is None:
            page = PolicyPage(slug=slug, title=title, kind=kind, summary=versions[-1][2])
            for label, published_on, summary in versions:
                page.versions.add(
                    PolicyVersion(
                        label=label,
                        published_on=published_on,
                        summary=summary,
                        text=text,
                        template_docx=_document(
                            f"{title} {label} (DOCX)", f"{slug}-{label}.docx", _docx(text)
                        ),
                        template_pdf=_document(
                            f"{title} {label} (PDF)", f"{slug}-{label}.pdf", _pdf(title, text)
                        ),
                    )
                )
            _publish(resources, page)
            _tag(page, countries=["vn", "jo"], clusters=clusters)
        pages.append(page)
    return pages


# --- delivery ---------------------------------------------------------------------------


def _person(username):
    return User.objects.filter(username=username).first()


def _learners(prefix, names, *, country, organisation, language):
    people = []
    for number, row in enumerate(names, start=1):
        username = f"{prefix}{number:02d}"
        user = _person(username)
        if user is None:
            name, gender, *rest = row
            user = user_create(
                username=username,
                password_hash=demo_password_hash(),
                display_name=name,
                roles=["worker"],
                country=country,
                organisation=organisation,
                sector=organisation.sector,
                preferred_language=language,
                gender=gender,
                migrant_status=rest[0] if rest else "local",
            )
        people.append(user)
    return people


def _cohort(name, **fields):
    cohort = Cohort.objects.filter(name=name).first()
    return cohort or services.cohort_create(name=name, **fields)


def _sessions(cohort, *, titles, first_day, every_days=0, every_months=0, venue, hour=8):
    existing = list(cohort.sessions.all())
    if existing:
        return existing
    sessions = []
    for number, title in enumerate(titles):
        day = first_day + dt.timedelta(days=every_days * number)
        if every_months:
            day = selectors.add_months(first_day, every_months * number)
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
        sessions.append(
            services.class_session_create(
                cohort=cohort,
                title=title,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                venue=venue,
                block_number=1 if number < len(titles) / 2 else 2,
            )
        )
    return sessions


def _signup_sessions(seminar, *, country, organisation, trainer, people):
    """The harassment seminar in Vietnam takes sign-ups (issue 22): one session is full with
    people waiting, the next has seats left. The demo worker is in the class and has signed
    up for neither."""
    from courses import registration_services

    cohort = _cohort(
        "Saigon Garment - harassment prevention seminar (sign-up)",
        course=seminar,
        country=country,
        organisation=organisation,
        language="vi",
        start_date=timezone.localdate(),
        trainers=[trainer],
    )
    sessions = _sessions(
        cohort,
        titles=["Seminar for line supervisors", "Seminar for the second shift"],
        first_day=timezone.localdate() + dt.timedelta(days=10),
        every_days=7,
        venue="Saigon Garment, training room 2",
    )
    worker = _person("worker")
    if worker:  # in the class, free to sign up for either session
        _enrol(cohort, [worker], trainer)
    others = [p for p in people if p != worker]
    for session, seats, takers in ((sessions[0], 6, others[:8]), (sessions[1], 12, others[8:11])):
        if session.capacity is None:
            registration_services.session_signup_configure(
                session=session,
                capacity=seats,
                cancellation_deadline=session.starts_at - dt.timedelta(days=2),
            )
        for person in takers:
            # The seminar takes no self-enrolment: the trainer signs people up.
            registration_services.session_registration_create(
                session=session, learner=person, registered_by=trainer
            )


def _enrol(cohort, learners, trainer):
    for learner in learners:
        services.enrolment_create(
            learner=learner,
            course=cohort.course,
            cohort=cohort,
            source=Enrolment.Source.TRAINER,
            enrolled_by=trainer,
        )


def _attendance(sessions, learners, trainer):
    now = timezone.now()
    for s_index, session in enumerate(sessions):
        if session.starts_at > now or Attendance.objects.filter(session=session).exists():
            continue
        for l_index, learner in enumerate(learners):
            present = (l_index * 7 + s_index * 3) % 10 != 0  # about 9 in 10 attend
            services.attendance_mark(
                session=session, learner=learner, present=present, marked_by=trainer
            )


def _progress(programme, cohort, learners):
    """Learners work through the modules open so far; some further than others."""
    today = timezone.localdate()
    modules = list(ModulePage.objects.child_of(programme).order_by("path"))
    for l_index, learner in enumerate(learners):
        reach = max(0, len(learners) - l_index) % 5  # 0-4 lessons further than the others
        for module in modules:
            opens = selectors.add_months(cohort.start_date, module.month - 1)
            if opens > today:
                break
            lessons = list(LessonPage.objects.child_of(module).order_by("path"))
            for lesson in lessons[: max(1, reach)]:
                services.lesson_complete(
                    learner=learner,
                    lesson=lesson,
                    form_token=services.derived_statement_id("demo-lesson", lesson.pk, learner.pk),
                )
                for block_id in lesson.knowledge_check_ids:
                    services.knowledge_check_answer(
                        learner=learner,
                        lesson=lesson,
                        block_id=block_id,
                        choice=0 if (l_index + module.month) % 4 else 1,
                        form_token=services.derived_statement_id(
                            "demo-check", block_id, learner.pk
                        ),
                    )


def _tests(course, learners, *, post_for):
    questions = list(course.test_questions)
    taken = selectors.test_results(course=course, learner_ids=[p.pk for p in learners])["pre"]
    for l_index, learner in enumerate(learners):
        if learner.pk in taken:
            continue
        pre = {b.id: (0 if (l_index + q) % 3 == 0 else 1) for q, b in enumerate(questions)}
        services.test_submit(
            learner=learner,
            course=course,
            phase="pre",
            answers=pre,
            form_token=services.derived_statement_id("demo-pre", course.pk, learner.pk),
        )
        if l_index < post_for:
            post = {b.id: (0 if (l_index + q) % 7 else 1) for q, b in enumerate(questions)}
            services.test_submit(
                learner=learner,
                course=course,
                phase="post",
                answers=post,
                form_token=services.derived_statement_id("demo-post", course.pk, learner.pk),
            )


@transaction.atomic
def load_delivery(programme, seminar, sst, kit, workbook, policies):
    vn, jo = _canonical(Country, "vn"), _canonical(Country, "jo")
    saigon = Organisation.objects.get(name="Saigon Garment Co.")
    dong_nai = Organisation.objects.get(name="Dong Nai Footwear Ltd.")
    hanoi = Organisation.objects.get(name="Hanoi Stitch Workshop")
    al_hassan = Organisation.objects.get(name="Al-Hassan Apparel")
    trainer, advisor = _person("trainer"), _person("advisor")
    today = timezone.localdate()

    # Vietnam: the 12-month programme at Saigon Garment, 20 learners, started 3 months ago.
    vn_learners = _learners(
        "vn.learner", VN_LEARNERS, country=vn, organisation=saigon, language="vi"
    )
    vn_learners = [p for p in (_person("worker"), _person("supervisor")) if p] + vn_learners
    start = today - dt.timedelta(days=95)
    cohort = _cohort(
        "Saigon Garment 2026 - modular programme",
        course=programme,
        country=vn,
        organisation=saigon,
        language="vi",
        start_date=start,
        trainers=[trainer],
    )
    _enrol(cohort, vn_learners, trainer)
    sessions = _sessions(
        cohort,
        titles=[f"Month {m}: {MODULES[m - 1][2]}" for m in range(1, 7)],
        first_day=start,
        every_months=1,
        venue="Saigon Garment Co., training room 2",
    )
    _attendance(sessions, vn_learners, trainer)
    if not Enrolment.objects.filter(cohort=cohort, completed_at__isnull=False).exists():
        _progress(programme, cohort, vn_learners)
    _tests(programme, vn_learners, post_for=8)

    # Vietnam: Supervisory Skills Training at Dong Nai Footwear, in the practice gap now.
    sst_learners = [
        _person("supervisor"),
        *_learners(
            "vn.supervisor",
            [("Nguyễn Văn Bình", "man"), ("Lê Thị Thanh", "woman"), ("Phạm Văn Khoa", "man")],
            country=vn,
            organisation=dong_nai,
            language="vi",
        ),
    ]
    sst_cohort = _cohort(
        "Dong Nai Footwear - supervisory skills",
        course=sst,
        country=vn,
        organisation=dong_nai,
        language="vi",
        start_date=today - dt.timedelta(days=14),
        trainers=[trainer],
    )
    _enrol(sst_cohort, sst_learners, trainer)
    sst_sessions = _sessions(
        sst_cohort,
        titles=["Block 1, day 1", "Block 1, day 2", "Block 2, day 1", "Block 2, day 2"],
        first_day=today - dt.timedelta(days=14),
        every_days=1,
        venue="Dong Nai Footwear, meeting hall",
    )
    # The second block comes after the practice gap: move it five weeks on.
    for session in sst_sessions[2:]:
        if session.starts_at < timezone.now():
            session.starts_at += dt.timedelta(weeks=5)
            session.ends_at += dt.timedelta(weeks=5)
            session.save(update_fields=["starts_at", "ends_at"])
    _attendance(sst_sessions, sst_learners, trainer)

    # Vietnam: the workbook at Hanoi Stitch Workshop, reviewed by the trainer.
    owner = _learners(
        "vn.hanoi",
        [("Trương Thị Mỹ", "woman"), ("Đinh Văn Sơn", "man")],
        country=vn,
        organisation=hanoi,
        language="vi",
    )
    wb_cohort = _cohort(
        "Hanoi Stitch Workshop - committee mini-project",
        course=workbook,
        country=vn,
        organisation=hanoi,
        language="vi",
        start_date=today - dt.timedelta(days=40),
        trainers=[trainer],
    )
    _enrol(wb_cohort, owner, trainer)
    steps = list(WorkbookStepPage.objects.child_of(workbook).order_by("path"))
    if not Submission.objects.filter(course=workbook).exists():
        first = services.submission_create(
            learner=owner[0],
            course=workbook,
            item=str(steps[0].pk),
            text="We elected 4 worker representatives on 3 March; management named 4 members.",
        )
        services.submission_review(
            submission=first, reviewer=trainer, approve=True, comment="Well done."
        )
        services.submission_create(
            learner=owner[1],
            course=workbook,
            item=str(steps[1].pk),
            text="Draft rules: monthly meetings, decisions by consensus, minutes on the board.",
        )

    # Jordan: the harassment seminar at Al-Hassan Apparel, in Arabic.
    jo_learners = [
        _person("worker.jo"),
        *_learners("jo.learner", JO_LEARNERS, country=jo, organisation=al_hassan, language="ar"),
    ]
    jo_learners = [p for p in jo_learners if p]
    jo_cohort = _cohort(
        "Al-Hassan Apparel - harassment prevention seminar",
        course=seminar,
        country=jo,
        organisation=al_hassan,
        language="ar",
        start_date=today - dt.timedelta(days=7),
        trainers=[advisor],
    )
    _enrol(jo_cohort, jo_learners, advisor)
    jo_sessions = _sessions(
        jo_cohort,
        titles=["Seminar, morning", "Seminar, afternoon"],
        first_day=today - dt.timedelta(days=7),
        every_days=0,
        venue="Al-Hassan Apparel, Irbid, canteen",
    )
    jo_sessions[1].starts_at = jo_sessions[0].ends_at + dt.timedelta(hours=1)
    jo_sessions[1].ends_at = jo_sessions[1].starts_at + dt.timedelta(hours=3)
    jo_sessions[1].save(update_fields=["starts_at", "ends_at"])
    _attendance(jo_sessions, jo_learners, advisor)
    _tests(seminar, jo_learners, post_for=len(jo_learners))
    for learner in jo_learners[:3]:
        for lesson in LessonPage.objects.child_of(seminar):
            services.lesson_complete(
                learner=learner,
                lesson=lesson,
                form_token=services.derived_statement_id("demo-lesson", lesson.pk, learner.pk),
            )

    _signup_sessions(seminar, country=vn, organisation=saigon, trainer=trainer, people=vn_learners)

    # Self-enrolled: the demo worker took the induction kit.
    worker = _person("worker")
    if worker:
        services.enrolment_create(learner=worker, course=kit)

    # Saigon Garment adopted version 2.0 of the anti-harassment policy.
    manager = _person("manager")
    version = PolicyVersion.objects.filter(page=policies[0], label="2.0").first()
    if version:
        services.policy_adopt(
            version=version,
            organisation=saigon,
            adopted_on=today - dt.timedelta(days=60),
            recorded_by=manager,
            notes="Signed by the general manager; posted in Vietnamese.",
        )


# --- media in lessons -------------------------------------------------------------------

# Which demo lessons (English slug; their translations follow) embed which media: a soap-opera
# episode from ``media_library.demo`` by number, an H5P exercise from
# ``media_library.interactive.demo`` by key.
LESSON_MEDIA = {
    "workplace-cooperation-2": [("video", 3)],
    "compensation-1": [("video", 2)],
    "working-time-1": [("video", 1), ("h5p", "working-time")],
    "harassment-prevention-1": [("h5p", "harassment")],
    "contracts-1": [("h5p", "rights")],
    "sst-1": [("video", 1)],
    "sst-2": [("video", 3)],
    "sst-3": [("video", 2)],
    "sst-4": [("video", 3)],
    "sst-5": [("video", 1)],
    "sst-6": [("video", 2), ("h5p", "rights")],
}


def demo_media() -> tuple[dict, dict]:
    """The media library's demo videos by episode number and the interactive demo's H5P
    exercises by key; whatever those demos have not made is simply missing."""
    from media_library import demo as media_demo
    from media_library.interactive import demo as interactive_demo
    from media_library.interactive.models import H5PContent
    from media_library.models import VideoItem

    titles = {
        episode["number"]: f"{media_demo.SERIES['en']['title']} {episode['number']}: "
        f"{episode['en']['title']}"
        for episode in media_demo.EPISODES
    }
    by_title = {v.title: v for v in VideoItem.objects.filter(title__in=titles.values())}
    videos = {number: by_title[title] for number, title in titles.items() if title in by_title}
    try:
        exercises = interactive_demo.demo_h5p_contents()
    except H5PContent.DoesNotExist:
        exercises = {}
    return videos, exercises


def _media_block(kind, item, *, english):
    if kind == "video":
        title = item.title.split(": ", 1)[-1] if english else ""
        return {"type": "video", "value": {"video": item.pk, "title": title, "caption": ""}}
    return {"type": "h5p", "value": {"content": item.pk, "title": ""}}


def _with_media(raw, wanted, *, english):
    """The body with its placeholder-era video blocks (no video chosen) dropped and every
    wanted media block present once; None when nothing changes."""
    body = []
    insert_at = None
    for item in raw:
        if item["type"] == "video" and not (item.get("value") or {}).get("video"):
            insert_at = len(body) if insert_at is None else insert_at
            continue
        body.append(item)
    changed = len(body) != len(raw)
    if insert_at is None:
        insert_at = 1 if body and body[0]["type"] == "rich_text" else 0
    present = {
        (
            item["type"],
            (item.get("value") or {}).get("video" if item["type"] == "video" else "content"),
        )
        for item in body
        if item["type"] in ("video", "h5p")
    }
    for kind, item in wanted:
        if (kind, item.pk) in present:
            continue
        block = _media_block(kind, item, english=english)
        block["id"] = str(uuid.uuid4())
        body.insert(insert_at, block)
        insert_at += 1
        changed = True
    return body if changed else None


def embed_lesson_media():
    """Puts the demo videos and exercises into the demo lessons, in every language; run on an
    existing demo database it replaces the old video placeholders and adds nothing twice."""
    videos, exercises = demo_media()
    found = {"video": videos, "h5p": exercises}
    english = _locale("en")
    updated = 0
    for slug, wanted in LESSON_MEDIA.items():
        items = [(kind, found[kind][key]) for kind, key in wanted if key in found[kind]]
        # The English lessons; their translations follow through wagtail-localize.
        for lesson in LessonPage.objects.filter(slug=slug, locale=english):
            body = _with_media(list(lesson.body.raw_data), items, english=True)
            if body is None:
                continue
            lesson.body = StreamValue(lesson.body.stream_block, body, is_lazy=True)
            lesson.save_revision().publish()
            updated += 1
    return updated


def load():
    programme = load_programme()
    seminar = load_seminar()
    sst = load_supervisor_training()
    kit = load_induction_kit()
    workbook = load_workbook()
    policies = load_policies()
    embed_lesson_media()
    translate_courses(programme, seminar, sst, kit)
    load_delivery(programme, seminar, sst, kit, workbook, policies)
    from courses.demo_training import load_required_training

    load_required_training()
    from courses.evaluations import demo as evaluations_demo
    from courses.progression import demo as progression_demo

    progression_demo.load()
    evaluations_demo.load()
