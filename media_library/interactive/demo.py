"""Demo interactive content: three H5P quizzes of our own making (workers' rights, working
time, harassment-free workplace), each in English, Vietnamese and Arabic (linked as language
versions of one exercise), one SCORM 2004 module, and a "Quick quizzes" page under "Know
your rights" in the three languages that plays them.

Lessons of the 12-month programme embed the same exercises: ``demo_h5p_contents()`` gives
the English exercises by key (``rights``, ``working-time``, ``harassment``); a page in
Vietnamese or Arabic plays the version in its language.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.models import Page

from lms.demo_translations import phrasebook_add, translate_all
from media_library.interactive import package_builders
from media_library.interactive.models import H5PContent, InteractivePage, ScormPackage
from media_library.interactive.services import package_upload

QUIZZES = {
    "rights": {
        "en": (
            "Quiz: your rights at work",
            "Check what you know about your rights at work.",
            [
                (
                    "How many days of paid annual leave does the law give a full-time worker?",
                    ["None", "At least 12 days a year", "Only the days the manager chooses"],
                    1,
                ),
                (
                    "May a worker join a trade union without asking the employer?",
                    ["Yes, it is the worker's right", "Only with the manager's permission", "No"],
                    0,
                ),
                (
                    "Who pays for the safety equipment you need for your job?",
                    ["The worker", "The employer", "Worker and employer half each"],
                    1,
                ),
            ],
            {"check": "Check my answers", "result": "You got :score out of :total right."},
        ),
        "vi": (
            "Câu đố: quyền của bạn tại nơi làm việc",
            "Kiểm tra hiểu biết của bạn về quyền tại nơi làm việc.",
            [
                (
                    "Luật cho người lao động toàn thời gian bao nhiêu ngày nghỉ phép năm có lương?",
                    ["Không có", "Ít nhất 12 ngày mỗi năm", "Chỉ những ngày quản lý chọn"],
                    1,
                ),
                (
                    "Người lao động có được gia nhập công đoàn mà không cần hỏi "
                    "chủ sử dụng lao động không?",
                    ["Có, đó là quyền của người lao động", "Chỉ khi quản lý cho phép", "Không"],
                    0,
                ),
                (
                    "Ai trả tiền cho thiết bị bảo hộ bạn cần cho công việc?",
                    ["Người lao động", "Người sử dụng lao động", "Mỗi bên một nửa"],
                    1,
                ),
            ],
            {"check": "Kiểm tra câu trả lời", "result": "Bạn trả lời đúng :score trên :total câu."},
        ),
        "ar": (
            "اختبار: حقوقك في العمل",
            "تحقق مما تعرفه عن حقوقك في العمل.",
            [
                (
                    "كم يوماً من الإجازة السنوية المدفوعة يمنح القانون للعامل بدوام كامل؟",
                    ["لا شيء", "12 يوماً على الأقل في السنة", "الأيام التي يختارها المدير فقط"],
                    1,
                ),
                (
                    "هل يجوز للعامل الانضمام إلى نقابة دون استئذان صاحب العمل؟",
                    ["نعم، هذا حق العامل", "فقط بإذن المدير", "لا"],
                    0,
                ),
                (
                    "من يدفع ثمن معدات السلامة التي تحتاجها لعملك؟",
                    ["العامل", "صاحب العمل", "العامل وصاحب العمل مناصفة"],
                    1,
                ),
            ],
            {"check": "تحقق من إجاباتي", "result": "أجبت عن :score من :total إجابة صحيحة."},
        ),
    },
    "working-time": {
        "en": (
            "Quiz: working time and overtime",
            "Hours, rest days and overtime pay.",
            [
                (
                    "Overtime work must be...",
                    [
                        "Voluntary and paid at a higher rate",
                        "Required whenever orders are late",
                        "Unpaid",
                    ],
                    0,
                ),
                (
                    "How often is a worker entitled to a rest day?",
                    ["Once a month", "At least one day in every seven", "Never during peak season"],
                    1,
                ),
                (
                    "Your wage slip should show...",
                    ["Only the total", "Hours worked, overtime and deductions", "Nothing"],
                    1,
                ),
            ],
            {"check": "Check my answers", "result": "You got :score out of :total right."},
        ),
        "vi": (
            "Câu đố: thời giờ làm việc và làm thêm giờ",
            "Giờ làm, ngày nghỉ và tiền làm thêm giờ.",
            [
                (
                    "Làm thêm giờ phải là...",
                    [
                        "Tự nguyện và được trả lương cao hơn",
                        "Bắt buộc khi đơn hàng bị trễ",
                        "Không được trả lương",
                    ],
                    0,
                ),
                (
                    "Người lao động được nghỉ bao lâu một lần?",
                    [
                        "Mỗi tháng một lần",
                        "Ít nhất một ngày trong mỗi bảy ngày",
                        "Không được nghỉ vào mùa cao điểm",
                    ],
                    1,
                ),
                (
                    "Phiếu lương của bạn cần ghi...",
                    [
                        "Chỉ tổng số tiền",
                        "Số giờ làm, giờ làm thêm và các khoản khấu trừ",
                        "Không ghi gì",
                    ],
                    1,
                ),
            ],
            {"check": "Kiểm tra câu trả lời", "result": "Bạn trả lời đúng :score trên :total câu."},
        ),
        "ar": (
            "اختبار: ساعات العمل والعمل الإضافي",
            "الساعات وأيام الراحة وأجر العمل الإضافي.",
            [
                (
                    "يجب أن يكون العمل الإضافي...",
                    ["طوعياً ومدفوعاً بأجر أعلى", "إلزامياً كلما تأخرت الطلبيات", "بدون أجر"],
                    0,
                ),
                (
                    "كم مرة يحق للعامل الحصول على يوم راحة؟",
                    ["مرة في الشهر", "يوم واحد على الأقل كل سبعة أيام", "أبداً في موسم الذروة"],
                    1,
                ),
                (
                    "يجب أن تبين قسيمة راتبك...",
                    ["المجموع فقط", "ساعات العمل والعمل الإضافي والخصومات", "لا شيء"],
                    1,
                ),
            ],
            {"check": "تحقق من إجاباتي", "result": "أجبت عن :score من :total إجابة صحيحة."},
        ),
    },
    "harassment": {
        "en": (
            "Quiz: a workplace free of harassment",
            "Recognise sexual harassment and know where to turn.",
            [
                (
                    "Comments about a co-worker's body that make her uncomfortable are...",
                    ["A joke", "Sexual harassment", "Part of factory life"],
                    1,
                ),
                (
                    "Where can a worker report harassment safely?",
                    [
                        "Nowhere",
                        "The grievance channel or the bipartite committee",
                        "Only to the police",
                    ],
                    1,
                ),
                (
                    "May a worker be punished for reporting harassment?",
                    [
                        "No, retaliation is not allowed",
                        "Yes, if the supervisor is upset",
                        "Only once",
                    ],
                    0,
                ),
            ],
            {"check": "Check my answers", "result": "You got :score out of :total right."},
        ),
        "vi": (
            "Câu đố: nơi làm việc không quấy rối",
            "Nhận biết quấy rối tình dục và biết tìm đến ai.",
            [
                (
                    "Những lời bình luận về cơ thể của đồng nghiệp khiến cô ấy khó chịu là...",
                    ["Một câu đùa", "Quấy rối tình dục", "Chuyện bình thường ở nhà máy"],
                    1,
                ),
                (
                    "Người lao động có thể báo cáo quấy rối một cách an toàn ở đâu?",
                    ["Không ở đâu cả", "Kênh khiếu nại hoặc ban hai bên", "Chỉ với công an"],
                    1,
                ),
                (
                    "Người lao động có thể bị phạt vì báo cáo quấy rối không?",
                    [
                        "Không, trả thù là không được phép",
                        "Có, nếu tổ trưởng không vui",
                        "Chỉ một lần",
                    ],
                    0,
                ),
            ],
            {"check": "Kiểm tra câu trả lời", "result": "Bạn trả lời đúng :score trên :total câu."},
        ),
        "ar": (
            "اختبار: مكان عمل خالٍ من التحرش",
            "تعرّف على التحرش الجنسي واعرف إلى أين تتوجه.",
            [
                (
                    "التعليقات على جسد زميلة تجعلها غير مرتاحة هي...",
                    ["مزحة", "تحرش جنسي", "جزء من الحياة في المصنع"],
                    1,
                ),
                (
                    "أين يمكن للعامل الإبلاغ عن التحرش بأمان؟",
                    ["لا مكان", "قناة التظلمات أو اللجنة الثنائية", "للشرطة فقط"],
                    1,
                ),
                (
                    "هل يجوز معاقبة العامل لأنه أبلغ عن التحرش؟",
                    ["لا، الانتقام غير مسموح", "نعم، إذا انزعج المشرف", "مرة واحدة فقط"],
                    0,
                ),
            ],
            {"check": "تحقق من إجاباتي", "result": "أجبت عن :score من :total إجابة صحيحة."},
        ),
    },
}

SCORM_TITLE = "Working time and overtime: a self-study module"

PAGE_TEXT = {
    "en": (
        "Quick quizzes: know your rights",
        "quick-quizzes",
        "<p>Short exercises to check what you know. Sign in to keep your score.</p>",
    ),
    "vi": (
        "Câu đố nhanh: hiểu quyền của bạn",
        "quick-quizzes",
        "<p>Các bài tập ngắn để kiểm tra hiểu biết của bạn. Đăng nhập để lưu điểm.</p>",
    ),
    "ar": (
        "اختبارات سريعة: اعرف حقوقك",
        "quick-quizzes",
        "<p>تمارين قصيرة لتختبر معلوماتك. سجّل الدخول لحفظ نتيجتك.</p>",
    ),
}


def _h5p(key: str, language: str, variant_of=None) -> H5PContent:
    title, intro, questions, l10n = QUIZZES[key][language]
    existing = H5PContent.objects.filter(title=title, language=language).first()
    if existing:
        return existing
    data = package_builders.h5p_bytes(
        title=title,
        language=language,
        content=package_builders.quiz_content(questions=questions, intro=intro, l10n=l10n),
    )
    return package_upload(
        model=H5PContent,
        title=title,
        language=language,
        file=ContentFile(data, name=f"{key}-{language}.h5p"),
        variant_of=variant_of,
    )


def load_packages() -> dict:
    contents = {}
    for key in QUIZZES:
        english = _h5p(key, "en")
        for language in ("vi", "ar"):
            _h5p(key, language, variant_of=english)
        contents[key] = english
    scorm = ScormPackage.objects.filter(title=SCORM_TITLE).first() or package_upload(
        model=ScormPackage,
        title=SCORM_TITLE,
        language="en",
        file=ContentFile(
            package_builders.scorm_bytes(version="2004", title=SCORM_TITLE), name="working-time.zip"
        ),
    )
    return {"h5p": contents, "scorm": scorm}


def demo_h5p_contents() -> dict[str, H5PContent]:
    """The English demo exercises by key, for other rooms' demo lessons to embed."""
    return {
        key: H5PContent.objects.get(title=QUIZZES[key]["en"][0], language="en") for key in QUIZZES
    }


def _body(packages):
    body = [
        {"type": "h5p", "value": {"content": content.pk, "title": ""}}
        for content in packages["h5p"].values()
    ]
    body.append({"type": "scorm", "value": {"package": packages["scorm"].pk, "title": ""}})
    return body


@transaction.atomic
def load_pages(packages) -> InteractivePage | None:
    english_home = Page.objects.filter(depth=2, locale__language_code="en").first()
    if english_home is None:
        return None
    parent = english_home.get_children().filter(slug="worker-awareness").first() or english_home
    title, slug, intro = PAGE_TEXT["en"]
    page = parent.get_children().filter(slug=slug).first()
    if page is None:
        page = InteractivePage(title=title, slug=slug, intro=intro, body=_body(packages))
        parent.add_child(instance=page)
        page.save_revision().publish()
    page = page.specific
    books = {
        language: phrasebook_add({}, PAGE_TEXT["en"], PAGE_TEXT[language])
        for language in ("vi", "ar")
    }
    translate_all(page, books, books)
    return page


def load_uploaders():
    """Vietnam's programme staff may upload packages in the demo (global admins always may)."""
    from lms.accounts.models import User
    from media_library.interactive.services import package_uploaders_group_ensure

    group = package_uploaders_group_ensure()
    for user in User.objects.filter(username="staff.vn"):
        user.groups.add(group)


def load():
    load_uploaders()
    packages = load_packages()
    load_pages(packages)
    return packages
