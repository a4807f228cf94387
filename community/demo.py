"""Demo content of the community room: communities for Vietnam (Vietnamese), Jordan (Arabic
and English), occupational safety and health (global, English) and a private one for
certified trainers; realistic threads among the demo people, answered and unanswered
questions, a moderation case, directory entries and a message. Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from lms.accounts.demo import demo_password_hash
from lms.accounts.models import User
from lms.accounts.services import user_create
from lms.taxonomy.models import Cluster, Country, Sector

from . import permissions, services
from .models import Category, Community, Flag, MemberProfile, Membership, Post, Thread

EXTRA_PEOPLE = [
    # username, display name, roles, country, language
    ("trainer.jo", "Lina Nasser", ["trainer"], "jo", "ar"),
    ("advisor.vn", "Vũ Thị Mai", ["enterprise_advisor"], "vn", "vi"),
    ("newcomer.jo", "Quick Visa Services", ["worker"], "jo", "en"),
]

COMMUNITIES = [
    {
        "slug": "viet-nam",
        "name": "Cộng đồng thực hành Better Work Việt Nam",
        "description": "Nơi giảng viên, chuyên gia tư vấn, tổ trưởng và quản lý nhà máy hỏi "
        "đáp và chia sẻ kinh nghiệm cải thiện điều kiện làm việc.",
        "language": "vi",
        "country": "vn",
        "sector": "garment",
        "categories": [
            ("hoi-dap", "Hỏi đáp", "Hỏi về luật lao động, đào tạo và cải thiện nhà máy."),
            ("kinh-nghiem", "Chia sẻ kinh nghiệm", "Điều gì đã hiệu quả ở nhà máy của bạn."),
            ("to-truong", "Đào tạo tổ trưởng", "Kỹ năng giám sát, huấn luyện và phản hồi."),
        ],
        "moderators": ["trainer", "staff.vn"],
    },
    {
        "slug": "jordan",
        "name": "مجتمع الممارسين في بيتر وورك الأردن",
        "description": "مساحة للمدربين والمستشارين ولجان العمال والإدارة لتبادل الأسئلة "
        "والخبرات حول ظروف العمل في مصانع الأردن.",
        "language": "ar",
        "country": "jo",
        "categories": [
            ("questions", "أسئلة وأجوبة", "اسأل عن قانون العمل والتدريب."),
            ("committees", "اللجان المشتركة", "الحوار بين العمال والإدارة."),
        ],
        "moderators": ["staff.jo", "trainer.jo"],
    },
    {
        "slug": "jordan-en",
        "name": "Better Work Jordan practitioners (English)",
        "description": "For advisors, trainers and HR teams in Jordan's garment, plastics and "
        "engineering factories who work in English.",
        "language": "en",
        "country": "jo",
        "categories": [("dormitories", "Dormitories and welfare", "Housing of migrant workers.")],
        "moderators": ["staff.jo"],
    },
    {
        "slug": "osh",
        "name": "Occupational safety and health practitioners",
        "description": "A global community on OSH management systems, chemicals, emergency "
        "preparedness and welfare facilities.",
        "language": "en",
        "cluster": "osh",
        "categories": [
            ("chemicals", "Chemicals and hazardous substances", ""),
            ("emergency", "Emergency preparedness", ""),
        ],
        "moderators": ["assessor"],
    },
    {
        "slug": "certified-trainers",
        "name": "Certified trainers' lounge",
        "description": "Private: for certified trainers and assessors to share session plans, "
        "observation checklists and what went wrong.",
        "language": "en",
        "visibility": Community.Visibility.PRIVATE,
        "join_policy": Community.JoinPolicy.INVITE,
        "categories": [],
        "moderators": ["assessor"],
        # Added by hand. The certified trainer ("trainer") joins with their certificate:
        # the portal links this community to the trainer programme.
        "members": ["trainer.jo", "advisor"],
    },
]

# community, category, author, title, is_question, first post, replies, days ago, extras
# Each reply: (author, text, hours after the previous post). "accept": index of the reply.
THREADS = [
    {
        "community": "viet-nam",
        "category": "hoi-dap",
        "author": "supervisor",
        "title": "Làm sao giảm giờ làm thêm mà vẫn đạt chỉ tiêu sản xuất?",
        "question": True,
        "days_ago": 12,
        "text": "Chuyền của tôi thường phải tăng ca 3 giờ mỗi ngày vào mùa cao điểm. Công "
        "nhân mệt và tỷ lệ hàng lỗi tăng. Có cách nào sắp xếp lại công việc để giảm giờ làm "
        "thêm không?",
        "replies": [
            (
                "trainer",
                "Chúng tôi đã thử ở hai nhà máy tại Bình Dương: cân bằng chuyền theo thời gian "
                "chuẩn (SMV), huấn luyện công nhân đa kỹ năng cho các công đoạn nút cổ chai, và "
                "họp 10 phút đầu ca để xem lại kế hoạch. Sau ba tháng, giờ làm thêm giảm gần "
                "30% và tỷ lệ lỗi cũng giảm.\n\nBạn có thể xem thêm mô-đun 4 của khóa Kỹ năng "
                "giám sát.",
                5,
            ),
            (
                "manager",
                "Đồng ý với anh Huy. Ngoài ra, Bộ luật Lao động 2019 giới hạn làm thêm 40 giờ "
                "mỗi tháng và 300 giờ mỗi năm với ngành may, nên việc lập kế hoạch sớm với "
                "bộ phận kế hoạch là bắt buộc.",
                20,
            ),
        ],
        "accept": 0,
    },
    {
        "community": "viet-nam",
        "category": "hoi-dap",
        "author": "worker",
        "title": "Tôi được nghỉ phép năm bao nhiêu ngày?",
        "question": True,
        "days_ago": 6,
        "text": "Tôi làm ở nhà máy được 6 năm. Tổ trưởng nói tôi chỉ có 12 ngày phép. Có "
        "đúng không ạ?",
        "replies": [
            (
                "advisor.vn",
                "Chào chị Lan, theo Điều 113 và 114 Bộ luật Lao động, người làm đủ 12 tháng "
                "được nghỉ 12 ngày, và cứ đủ 5 năm làm việc thì được thêm 1 ngày. Với 6 năm, "
                "chị được 13 ngày. Chị có thể hỏi phòng nhân sự hoặc công đoàn để kiểm tra.",
                30,
            ),
        ],
        "accept": 0,
    },
    {
        "community": "viet-nam",
        "category": "kinh-nghiem",
        "author": "manager",
        "title": "Có mẫu quy trình giải quyết khiếu nại cho nhà máy 2.000 công nhân không?",
        "question": True,
        "days_ago": 2,
        "text": "Nhà máy chúng tôi muốn xây dựng lại quy trình khiếu nại: hộp thư góp ý, "
        "đường dây nóng và đối thoại định kỳ. Ai có mẫu quy trình hoặc biểu mẫu theo dõi "
        "đã dùng thực tế thì chia sẻ giúp với.",
        "replies": [],
    },
    {
        "community": "viet-nam",
        "category": "to-truong",
        "author": "trainer",
        "title": "Kinh nghiệm giai đoạn thực hành 4–6 tuần của khóa Kỹ năng giám sát",
        "question": False,
        "pinned": True,
        "days_ago": 20,
        "text": "Giữa hai phần của khóa Kỹ năng giám sát, học viên có 4–6 tuần thực hành tại "
        "chuyền. Tôi giao cho mỗi tổ trưởng một nhiệm vụ nhỏ: một buổi phản hồi với công "
        "nhân mỗi tuần, ghi lại vào sổ tay. Các bạn đã làm gì để học viên không bỏ dở?",
        "replies": [
            (
                "supervisor",
                "Sổ tay rất có ích. Tôi thêm một nhóm Zalo để nhắc nhau mỗi thứ Hai. @trainer "
                "anh có mẫu sổ tay bằng tiếng Việt không?",
                26,
            ),
            ("trainer", "Có, tôi sẽ đính kèm trong tuần này. Cảm ơn @supervisor.", 4),
        ],
    },
    {
        "community": "jordan",
        "category": "questions",
        "author": "advisor",
        "title": "كيف نشرح سياسة منع التحرش للعمال المهاجرين بلغاتهم؟",
        "question": True,
        "days_ago": 9,
        "text": "في المصنع الذي أتابعه عمال من بنغلاديش وسريلانكا والهند. السياسة مكتوبة "
        "بالعربية والإنجليزية فقط. ما الطرق التي نجحت معكم لإيصالها بوضوح؟",
        "replies": [
            (
                "trainer.jo",
                "نجحت معنا ثلاث خطوات: ترجمة ملخص من صفحة واحدة إلى البنغالية والسنهالية "
                "والهندية، وجلسات قصيرة يقودها عمال من كل جنسية بعد تدريبهم، وملصقات مصورة "
                "قرب خطوط الإنتاج والسكن. ونطلب من لجنة العمال متابعة الأسئلة.",
                8,
            ),
            (
                "staff.jo",
                "أضيف أن هدف التغطية في الأردن هو 20٪ من العمال على الأقل. سجّلوا الحضور "
                "حتى تظهر في التقارير.",
                30,
            ),
        ],
        "accept": 0,
    },
    {
        "community": "jordan",
        "category": "committees",
        "author": "staff.jo",
        "title": "ما أفضل طريقة لتنظيم انتخابات لجنة العمال المشتركة؟",
        "question": True,
        "days_ago": 1,
        "text": "نخطط لانتخابات اللجنة المشتركة في ثلاثة مصانع الشهر القادم. كيف نضمن "
        "تمثيل النساء والعمال المهاجرين وسرية التصويت؟",
        "replies": [],
    },
    {
        "community": "jordan-en",
        "category": "dormitories",
        "author": "advisor",
        "title": "Dormitory fire drills: how often do you run them?",
        "question": True,
        "days_ago": 15,
        "text": "Our factory runs fire drills on the production floor every quarter, but the "
        "dormitories only once a year, at night shift change. What frequency do others use, "
        "and how do you include workers on the night shift?",
        "replies": [
            (
                "trainer.jo",
                "We run them every six months in each dormitory block, one of them at night, "
                "with floor wardens chosen among the residents of each nationality so the "
                "instructions are given in Bengali, Sinhala and Hindi as well.",
                12,
            ),
            (
                "newcomer.jo",
                "Need a job in Jordan fast? Pay the visa fee to our agency today and start "
                "next week! Contact us: http://quick-visa.example/",
                2,
            ),
        ],
        "accept": 0,
        "flag_reply": 1,
    },
    {
        "community": "osh",
        "category": "chemicals",
        "author": "assessor",
        "title": "Chemical labels in the languages workers read: what has worked?",
        "question": True,
        "days_ago": 25,
        "text": "Safety data sheets arrive in English or Chinese. In Cambodia we re-label "
        "containers in Khmer with pictograms. How do other programmes handle workers who "
        "read little?",
        "replies": [
            (
                "trainer",
                "In Vietnam we use GHS pictograms at eye level plus colour bands, and we train "
                "line leaders to explain each symbol in five minutes at the start of a shift.",
                18,
            ),
            (
                "advisor",
                "In Jordan the chemical store keeper keeps a one-page summary per chemical in "
                "Arabic, Bengali and Sinhala next to the store. Pictures matter more than text.",
                9,
            ),
        ],
        "accept": 1,
    },
    {
        "community": "osh",
        "category": "emergency",
        "author": "supervisor",
        "title": "Heat stress on sewing lines: practical measures under 500 USD?",
        "question": True,
        "days_ago": 3,
        "text": "In the hot season the temperature on our lines reaches 35 °C in the "
        "afternoon. We cannot afford air conditioning. What cheap measures work?",
        "replies": [],
    },
    {
        "community": "certified-trainers",
        "category": None,
        "author": "assessor",
        "title": "Sharing the observed-practice checklist for assessors",
        "question": False,
        "days_ago": 7,
        "text": "Here is the checklist I use when I observe a trainer's session: opening and "
        "objectives, checking prior knowledge, participation of every participant, use of "
        "examples from the factory, time keeping, closing with an action plan. Comments "
        "welcome before we use it across countries.",
        "replies": [
            (
                "trainer",
                "Very useful. Could we add 'adapts language to participants who read little'? "
                "It matters a lot with workers.",
                10,
            ),
        ],
    },
]

DIRECTORY = {
    # username: (mentoring, languages, expertise codes, bio)
    "trainer": (
        True,
        ["vi", "en"],
        ["working-time", "osh"],
        "Giảng viên Better Work Việt Nam từ 2015: kỹ năng giám sát, an toàn lao động.",
    ),
    "advisor": (
        True,
        ["ar", "en"],
        ["discrimination", "contracts-hr"],
        "مستشارة مؤسسات في إربد، أعمل مع اللجان المشتركة ومنع التحرش.",
    ),
    "assessor": (
        True,
        ["en", "km"],
        ["osh", "compensation"],
        "Assessor and trainer in Cambodia; I observe and coach new trainers.",
    ),
    "trainer.jo": (
        False,
        ["ar", "en"],
        ["freedom-of-association"],
        "مدربة في عمّان: حوار اجتماعي والسلامة في السكن.",
    ),
    "advisor.vn": (
        True,
        ["vi"],
        ["compensation", "working-time"],
        "Chuyên gia tư vấn doanh nghiệp tại Đồng Nai: tiền lương và thời giờ làm việc.",
    ),
    "supervisor": (False, ["vi"], ["working-time"], "Tổ trưởng chuyền may, Sài Gòn."),
}


def _people():
    countries = {c.code: c for c in Country.objects.canonical()}
    for username, name, roles, country, language in EXTRA_PEOPLE:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                password_hash=demo_password_hash(),
                email=f"{username}@demo.betterwork.test",
                display_name=name,
                roles=roles,
                country=countries[country],
                preferred_language=language,
            )
    return {u.username: u for u in User.objects.all()}


def _communities(people):
    countries = {c.code: c for c in Country.objects.canonical()}
    sectors = {s.code: s for s in Sector.objects.canonical()}
    clusters = {c.code: c for c in Cluster.objects.canonical()}
    made = {}
    for spec in COMMUNITIES:
        community, _created = Community.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "language": spec["language"],
                "country": countries.get(spec.get("country")),
                "sector": sectors.get(spec.get("sector")),
                "cluster": clusters.get(spec.get("cluster")),
                "visibility": spec.get("visibility", Community.Visibility.PUBLIC),
                "join_policy": spec.get("join_policy", Community.JoinPolicy.OPEN),
            },
        )
        for order, (slug, name, description) in enumerate(spec["categories"]):
            Category.objects.get_or_create(
                community=community,
                slug=slug,
                defaults={"name": name, "description": description, "sort_order": order},
            )
        for username in spec["moderators"]:
            services.membership_grant(
                community=community, user=people[username], role=Membership.Role.MODERATOR
            )
        for username in spec.get("members", []):
            services.membership_grant(community=community, user=people[username])
        made[spec["slug"]] = community
    return made


def _backdate(thread, start, gaps_hours):
    """Spread the thread's posts over the past, as if written then."""
    moment = start
    posts = list(thread.posts.order_by("number"))
    for post, gap in zip(posts, [0, *gaps_hours], strict=False):
        moment = moment + dt.timedelta(hours=gap)
        Post.objects.filter(pk=post.pk).update(created_at=moment)
    first_answer = next(
        (
            p.created_at
            for p in Post.objects.filter(thread=thread, is_hidden=False).order_by("number")
            if p.author_id != thread.author_id
        ),
        None,
    )
    Thread.objects.filter(pk=thread.pk).update(
        created_at=start, last_post_at=moment, first_answer_at=first_answer
    )


def _threads(communities, people):
    now = timezone.now()
    for spec in THREADS:
        community = communities[spec["community"]]
        if Thread.objects.filter(community=community, title=spec["title"]).exists():
            continue
        category = community.categories.get(slug=spec["category"]) if spec["category"] else None
        thread = services.thread_create(
            author=people[spec["author"]],
            community=community,
            category=category,
            title=spec["title"],
            source=spec["text"],
            is_question=spec["question"],
        )
        replies = []
        for author, text, _hours in spec["replies"]:
            if not permissions.can_post(people[author], community):
                continue  # e.g. the certified trainer, when the portal has not added them
            replies.append(services.post_create(author=people[author], thread=thread, source=text))
        _backdate(
            thread, now - dt.timedelta(days=spec["days_ago"]), [h for *_x, h in spec["replies"]]
        )
        thread.refresh_from_db()
        if "accept" in spec:
            services.answer_accept(user=people[spec["author"]], post=replies[spec["accept"]])
        if spec.get("pinned"):
            moderator = next(
                m.user
                for m in community.memberships.filter(role="moderator").select_related("user")
            )
            services.thread_moderate(moderator=moderator, thread=thread, action="pin")
        if "flag_reply" in spec:
            spam = replies[spec["flag_reply"]]
            services.flag_create(
                reporter=people["advisor"],
                post=spam,
                reason=Flag.Reason.SPAM,
                note="Recruitment fees are illegal for migrant workers.",
            )
            services.flag_create(reporter=people["worker.jo"], post=spam, reason=Flag.Reason.SPAM)
            services.flag_create(
                reporter=people["trainer.jo"], post=spam, reason=Flag.Reason.UNSAFE
            )
            services.member_silence(
                community=community,
                user=people["newcomer.jo"],
                by=people["staff.jo"],
                until=now + dt.timedelta(days=7),
                reason="Advertising a fee-charging recruitment agency.",
            )


def _directory(people):
    clusters = {c.code: c for c in Cluster.objects.canonical()}
    for username, (mentoring, languages, expertise, bio) in DIRECTORY.items():
        profile = services.profile_for(user=people[username])
        if profile.listed_in_directory:
            continue
        services.profile_update(
            user=people[username],
            listed_in_directory=True,
            offers_mentoring=mentoring,
            languages=languages,
            bio=bio,
            expertise=[clusters[c] for c in expertise if c in clusters],
        )


def _trust(people):
    for username in ("worker", "supervisor", "manager", "worker.jo", "staff.jo", "staff.vn"):
        MemberProfile.objects.update_or_create(user=people[username], defaults={"is_trusted": True})


@transaction.atomic
def load_communities():
    """People, communities, their categories, moderators and the members added by hand."""
    people = _people()
    _trust(people)
    return _communities(people)


@transaction.atomic
def load_conversations():
    """Threads, the directory and a message. Runs after other rooms may have added members
    (the portal adds certificate holders to the certified trainers' lounge)."""
    people = {u.username: u for u in User.objects.all()}
    communities = {
        c.slug: c for c in Community.objects.filter(slug__in=[s["slug"] for s in COMMUNITIES])
    }
    _threads(communities, people)
    _directory(people)
    if not people["trainer"].community_received_messages.exists():
        services.message_send(
            sender=people["supervisor"],
            recipient=people["trainer"],
            subject="Xin tư vấn về sổ tay thực hành",
            body="Chào anh Huy, tôi muốn dùng sổ tay thực hành cho tổ mới. Anh có thể góp ý "
            "cách ghi chép phản hồi hằng tuần không? Cảm ơn anh.",
        )


def load():
    load_communities()
    load_conversations()
