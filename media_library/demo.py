"""Demo content of the media library: a soap-opera series of three short episodes about
overtime and pay (videos generated here with ffmpeg, captions in English, Vietnamese,
Arabic, Khmer and Bengali), a comic of eight panels about fire safety (drawings made here
with Pillow), and two months of anonymous reach for the reports. The pages are translated
into Vietnamese, Arabic, Khmer and Bengali through wagtail-localize
(``lms.demo_translations``).

Idempotent: every step looks for what it made last time. Nothing is downloaded.
"""

import hashlib
import io
import random
import subprocess
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from lms.demo_translations import phrasebook_add, translate_all
from lms.taxonomy.models import Cluster, CompliancePoint, Country
from media_library import services
from media_library.models import (
    Caption,
    ComicPage,
    ComicPanel,
    EpisodePage,
    ReachEvent,
    SeriesPage,
    VideoItem,
)

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
SECTION_SLUG = "worker-awareness"

SERIES = {
    "slug": "life-on-the-line",
    "en": {
        "title": "Life on the Line",
        "summary": "A soap opera in three short episodes about overtime and pay in a garment "
        "factory.",
        "intro": "<p>Lan sews collars on line 7. Follow her as she learns what the law says "
        "about overtime, how to read a pay slip, and how to raise a problem without fear.</p>",
    },
    "vi": {
        "title": "Cuộc sống nơi chuyền may",
        "summary": "Phim truyền hình ba tập ngắn về làm thêm giờ và tiền lương trong nhà máy may.",
        "intro": "<p>Lan may cổ áo ở chuyền số 7. Cùng chị tìm hiểu pháp luật nói gì về làm "
        "thêm giờ, cách đọc phiếu lương và cách nêu vấn đề mà không sợ hãi.</p>",
    },
    "ar": {
        "title": "الحياة على خط الإنتاج",
        "summary": "مسلسل من ثلاث حلقات قصيرة عن العمل الإضافي والأجور في مصنع للملابس.",
        "intro": "<p>تخيط لان الياقات على الخط السابع. تابعوها وهي تتعلم ما يقوله القانون "
        "عن العمل الإضافي، وكيف تقرأ قسيمة الراتب، وكيف تطرح مشكلة دون خوف.</p>",
    },
    "km": {
        "title": "ជីវិតនៅលើខ្សែសង្វាក់ផលិតកម្ម",
        "summary": "រឿងភាគបីភាគខ្លីៗ អំពីការងារបន្ថែមម៉ោង និងប្រាក់ឈ្នួល នៅក្នុងរោងចក្រកាត់ដេរ។",
        "intro": "<p>លាន ដេរកអាវនៅខ្សែទី ៧។ តាមដាននាង ពេលនាងរៀនថាច្បាប់និយាយយ៉ាងណា"
        "អំពីការងារបន្ថែមម៉ោង របៀបអានប័ណ្ណបើកប្រាក់ខែ និងរបៀបលើកបញ្ហាដោយមិនភ័យខ្លាច។</p>",
    },
    "bn": {
        "title": "লাইনের জীবন",
        "summary": "একটি পোশাক কারখানায় ওভারটাইম ও মজুরি নিয়ে তিনটি ছোট পর্বের ধারাবাহিক নাটক।",
        "intro": "<p>লান ৭ নম্বর লাইনে কলার সেলাই করেন। তাঁর সঙ্গে জানুন ওভারটাইম নিয়ে আইন "
        "কী বলে, পে-স্লিপ কীভাবে পড়তে হয়, আর ভয় ছাড়াই কীভাবে সমস্যার কথা তুলতে হয়।</p>",
    },
}

EPISODES = [
    {
        "number": 1,
        "slug": "the-long-shift",
        "tone": 440,
        "colour": "0x1d4e89",
        "en": {
            "title": "The long shift",
            "summary": "Lan is told to stay until ten every night. Can she say no?",
            "synopsis": "<p>An order is late and the line leader tells everyone to stay until "
            "ten o'clock, every night this week. Lan must collect her son from school. Her "
            "friend Hoa says overtime must be voluntary and has a legal limit.</p>",
            "captions": [
                (0.5, 3.5, "Line leader: Everyone stays until ten tonight. The order is late."),
                (4.0, 7.0, "Lan: Every night? I have to collect my son at six."),
                (7.5, 11.5, "Hoa: Overtime must be voluntary, Lan. And there is a limit."),
            ],
        },
        "vi": {
            "title": "Ca làm dài",
            "summary": "Lan bị yêu cầu ở lại đến mười giờ mỗi tối. Chị có được từ chối không?",
            "synopsis": "<p>Một đơn hàng bị trễ và tổ trưởng yêu cầu mọi người ở lại đến mười "
            "giờ tối, suốt cả tuần. Lan phải đón con ở trường. Bạn chị là Hoa nói làm thêm giờ "
            "phải là tự nguyện và có giới hạn theo luật.</p>",
            "captions": [
                (0.5, 3.5, "Tổ trưởng: Tối nay mọi người ở lại đến mười giờ. Đơn hàng bị trễ."),
                (4.0, 7.0, "Lan: Tối nào cũng vậy sao? Sáu giờ em phải đón con."),
                (7.5, 11.5, "Hoa: Làm thêm giờ phải tự nguyện, Lan ạ. Và có giới hạn."),
            ],
        },
        "ar": {
            "title": "الوردية الطويلة",
            "summary": "يُطلب من لان البقاء حتى العاشرة كل ليلة. هل يمكنها أن ترفض؟",
            "synopsis": "<p>تأخرت طلبية، فطلب رئيس الخط من الجميع البقاء حتى الساعة العاشرة "
            "كل ليلة هذا الأسبوع. على لان أن تأخذ ابنها من المدرسة. تقول صديقتها هوا إن العمل "
            "الإضافي يجب أن يكون طوعيًا وله حد قانوني.</p>",
            "captions": [
                (0.5, 3.5, "رئيس الخط: الجميع يبقى حتى العاشرة الليلة. الطلبية متأخرة."),
                (4.0, 7.0, "لان: كل ليلة؟ يجب أن آخذ ابني في السادسة."),
                (7.5, 11.5, "هوا: العمل الإضافي يجب أن يكون طوعيًا يا لان. وله حد."),
            ],
        },
        "km": {
            "title": "វេនការងារយូរ",
            "summary": "លាន ត្រូវគេប្រាប់ឲ្យនៅរហូតដល់ម៉ោងដប់រៀងរាល់យប់។ តើនាងអាចបដិសេធបានទេ?",
            "synopsis": "<p>ការបញ្ជាទិញមួយយឺតយ៉ាវ ហើយប្រធានខ្សែប្រាប់គ្រប់គ្នាឲ្យនៅរហូតដល់"
            "ម៉ោងដប់យប់ រៀងរាល់យប់ក្នុងសប្ដាហ៍នេះ។ លាន ត្រូវទៅទទួលកូនប្រុសរបស់នាងពីសាលា។ "
            "មិត្តរបស់នាងឈ្មោះ ហ័រ និយាយថា ការងារបន្ថែមម៉ោងត្រូវតែស្ម័គ្រចិត្ត "
            "ហើយមានកំណត់តាមច្បាប់។</p>",
            "captions": [
                (0.5, 3.5, "ប្រធានខ្សែ៖ យប់នេះគ្រប់គ្នានៅរហូតដល់ម៉ោងដប់។ ការបញ្ជាទិញយឺតហើយ។"),
                (4.0, 7.0, "លាន៖ រៀងរាល់យប់ឬ? ខ្ញុំត្រូវទៅទទួលកូនប្រុសម៉ោងប្រាំមួយ។"),
                (7.5, 11.5, "ហ័រ៖ ការងារបន្ថែមម៉ោងត្រូវតែស្ម័គ្រចិត្ត លាន។ ហើយវាមានកំណត់។"),
            ],
        },
        "bn": {
            "title": "লম্বা শিফট",
            "summary": "লানকে প্রতি রাতে দশটা পর্যন্ত থাকতে বলা হয়েছে। তিনি কি না বলতে পারেন?",
            "synopsis": "<p>একটি অর্ডার দেরি হয়ে গেছে, তাই লাইন লিডার সবাইকে এই সপ্তাহে প্রতি রাতে "
            "দশটা পর্যন্ত থাকতে বলেন। লানকে স্কুল থেকে ছেলেকে আনতে যেতে হবে। তাঁর বন্ধু হোয়া "
            "বলেন, ওভারটাইম স্বেচ্ছায় হতে হবে এবং আইনে এর একটি সীমা আছে।</p>",
            "captions": [
                (0.5, 3.5, "লাইন লিডার: আজ রাতে সবাই দশটা পর্যন্ত থাকবে। অর্ডার দেরি হয়ে গেছে।"),
                (4.0, 7.0, "লান: প্রতি রাতে? আমাকে ছয়টায় ছেলেকে আনতে যেতে হয়।"),
                (7.5, 11.5, "হোয়া: ওভারটাইম স্বেচ্ছায় হতে হয়, লান। আর এর একটা সীমা আছে।"),
            ],
        },
    },
    {
        "number": 2,
        "slug": "reading-the-pay-slip",
        "tone": 523,
        "colour": "0x38761d",
        "en": {
            "title": "Reading the pay slip",
            "summary": "Lan worked twelve hours of overtime. Were they paid at the right rate?",
            "synopsis": "<p>Pay day. Lan counts twelve hours of overtime but her pay slip looks "
            "short. Hoa shows her how to check the hours and the overtime rate: at least one "
            "and a half times the normal wage on a working day.</p>",
            "captions": [
                (0.5, 3.5, "Lan: Twelve hours of overtime, but the total looks too low."),
                (4.0, 7.5, "Hoa: Look here: overtime on a weekday is paid at 150 percent."),
                (8.0, 11.5, "Lan: So I should ask the HR office to check my hours."),
            ],
        },
        "vi": {
            "title": "Đọc phiếu lương",
            "summary": "Lan đã làm thêm mười hai giờ. Chị có được trả đúng mức không?",
            "synopsis": "<p>Ngày nhận lương. Lan tính được mười hai giờ làm thêm nhưng phiếu "
            "lương có vẻ thiếu. Hoa chỉ cho chị cách kiểm tra số giờ và mức lương làm thêm: "
            "ít nhất bằng 150% lương bình thường vào ngày thường.</p>",
            "captions": [
                (0.5, 3.5, "Lan: Mười hai giờ làm thêm mà tổng tiền có vẻ thấp quá."),
                (4.0, 7.5, "Hoa: Nhìn này: làm thêm ngày thường được trả 150 phần trăm."),
                (8.0, 11.5, "Lan: Vậy em nên nhờ phòng nhân sự kiểm tra lại số giờ."),
            ],
        },
        "ar": {
            "title": "قراءة قسيمة الراتب",
            "summary": "عملت لان اثنتي عشرة ساعة إضافية. هل دُفعت بالأجر الصحيح؟",
            "synopsis": "<p>يوم الراتب. تحسب لان اثنتي عشرة ساعة عمل إضافي لكن قسيمة راتبها "
            "تبدو ناقصة. تريها هوا كيف تتحقق من الساعات ومن أجر العمل الإضافي: مرة ونصف "
            "الأجر العادي على الأقل في يوم العمل.</p>",
            "captions": [
                (0.5, 3.5, "لان: اثنتا عشرة ساعة إضافية، لكن المجموع يبدو قليلًا جدًا."),
                (4.0, 7.5, "هوا: انظري هنا: العمل الإضافي في يوم العمل يُدفع بنسبة 150 بالمئة."),
                (8.0, 11.5, "لان: إذن يجب أن أطلب من قسم الموارد البشرية مراجعة ساعاتي."),
            ],
        },
        "km": {
            "title": "ការអានប័ណ្ណបើកប្រាក់ខែ",
            "summary": "លាន បានធ្វើការបន្ថែមម៉ោងដប់ពីរម៉ោង។ តើនាងទទួលបានប្រាក់តាមអត្រាត្រឹមត្រូវទេ?",
            "synopsis": "<p>ថ្ងៃបើកប្រាក់ខែ។ លាន រាប់បានការងារបន្ថែមម៉ោងដប់ពីរម៉ោង ប៉ុន្តែប័ណ្ណ"
            "បើកប្រាក់ខែរបស់នាងមើលទៅខ្វះ។ ហ័រ បង្ហាញនាងពីរបៀបពិនិត្យម៉ោង និងអត្រាប្រាក់"
            "ការងារបន្ថែមម៉ោង៖ យ៉ាងហោចណាស់មួយដងកន្លះនៃប្រាក់ឈ្នួលធម្មតា នៅថ្ងៃធ្វើការ។</p>",
            "captions": [
                (0.5, 3.5, "លាន៖ ការងារបន្ថែមម៉ោងដប់ពីរម៉ោង ប៉ុន្តែប្រាក់សរុបមើលទៅតិចពេក។"),
                (4.0, 7.5, "ហ័រ៖ មើលនេះ៖ ការងារបន្ថែមម៉ោងនៅថ្ងៃធម្មតា ត្រូវបើកប្រាក់ ១៥០ ភាគរយ។"),
                (8.0, 11.5, "លាន៖ ដូច្នេះខ្ញុំគួរសុំការិយាល័យធនធានមនុស្សឲ្យពិនិត្យម៉ោងរបស់ខ្ញុំឡើងវិញ។"),
            ],
        },
        "bn": {
            "title": "পে-স্লিপ পড়া",
            "summary": "লান বারো ঘণ্টা ওভারটাইম করেছেন। সঠিক হারে কি তাঁর মজুরি দেওয়া হয়েছে?",
            "synopsis": "<p>বেতনের দিন। লান বারো ঘণ্টা ওভারটাইম গোনেন, কিন্তু তাঁর পে-স্লিপে টাকা "
            "কম মনে হয়। হোয়া তাঁকে দেখান কীভাবে ঘণ্টা আর ওভারটাইমের হার মিলিয়ে দেখতে হয়: "
            "কর্মদিবসে সাধারণ মজুরির অন্তত দেড় গুণ।</p>",
            "captions": [
                (0.5, 3.5, "লান: বারো ঘণ্টা ওভারটাইম, কিন্তু মোট টাকা খুব কম মনে হচ্ছে।"),
                (4.0, 7.5, "হোয়া: এখানে দেখো: সাধারণ দিনে ওভারটাইমের মজুরি ১৫০ শতাংশ।"),
                (8.0, 11.5, "লান: তাহলে আমার ঘণ্টাগুলো আবার দেখতে এইচআর অফিসকে বলা উচিত।"),
            ],
        },
    },
    {
        "number": 3,
        "slug": "talking-to-the-committee",
        "tone": 659,
        "colour": "0x990000",
        "en": {
            "title": "Talking to the committee",
            "summary": "Lan takes the problem to the worker-management committee.",
            "synopsis": "<p>Lan is afraid she will lose her job if she complains. Her worker "
            "representative on the bipartite committee explains that raising a problem is her "
            "right, and the committee agrees a fair overtime roster.</p>",
            "captions": [
                (0.5, 3.5, "Lan: If I complain, will I lose my job?"),
                (4.0, 7.5, "Representative: No. Raising a problem is your right."),
                (8.0, 11.5, "Manager: We agree. From next week, overtime is by sign-up only."),
            ],
        },
        "vi": {
            "title": "Nói chuyện với ủy ban",
            "summary": "Lan đưa vấn đề ra ủy ban hai bên người lao động và quản lý.",
            "synopsis": "<p>Lan sợ mất việc nếu khiếu nại. Đại diện người lao động trong ủy "
            "ban hai bên giải thích rằng nêu vấn đề là quyền của chị, và ủy ban thống nhất một "
            "lịch làm thêm giờ công bằng.</p>",
            "captions": [
                (0.5, 3.5, "Lan: Nếu em khiếu nại, em có bị mất việc không?"),
                (4.0, 7.5, "Đại diện: Không. Nêu vấn đề là quyền của chị."),
                (8.0, 11.5, "Quản lý: Chúng tôi đồng ý. Từ tuần sau, làm thêm giờ theo đăng ký."),
            ],
        },
        "ar": {
            "title": "الحديث مع اللجنة",
            "summary": "تعرض لان المشكلة على لجنة العمال والإدارة.",
            "synopsis": "<p>تخاف لان أن تفقد عملها إن اشتكت. يشرح لها ممثل العمال في اللجنة "
            "الثنائية أن طرح المشكلة حق لها، وتتفق اللجنة على جدول عادل للعمل الإضافي.</p>",
            "captions": [
                (0.5, 3.5, "لان: إذا اشتكيت، هل سأفقد عملي؟"),
                (4.0, 7.5, "الممثل: لا. طرح المشكلة حق لكِ."),
                (8.0, 11.5, "المدير: نحن موافقون. من الأسبوع القادم، العمل الإضافي بالتسجيل فقط."),
            ],
        },
        "km": {
            "title": "ការនិយាយជាមួយគណៈកម្មការ",
            "summary": "លាន នាំបញ្ហាទៅគណៈកម្មការកម្មករ និងនិយោជក។",
            "synopsis": "<p>លាន ខ្លាចបាត់បង់ការងារ ប្រសិនបើនាងប្ដឹងតវ៉ា។ តំណាងកម្មករនៅក្នុង"
            "គណៈកម្មការទ្វេភាគី ពន្យល់ថា ការលើកបញ្ហាគឺជាសិទ្ធិរបស់នាង ហើយគណៈកម្មការ"
            "ព្រមព្រៀងលើតារាងការងារបន្ថែមម៉ោងដែលយុត្តិធម៌។</p>",
            "captions": [
                (0.5, 3.5, "លាន៖ បើខ្ញុំប្ដឹងតវ៉ា តើខ្ញុំនឹងបាត់បង់ការងារទេ?"),
                (4.0, 7.5, "តំណាងកម្មករ៖ ទេ។ ការលើកបញ្ហាគឺជាសិទ្ធិរបស់អ្នក។"),
                (8.0, 11.5, "អ្នកគ្រប់គ្រង៖ យើងយល់ព្រម។ ចាប់ពីសប្ដាហ៍ក្រោយ ការងារបន្ថែមម៉ោងគឺតាមការចុះឈ្មោះ។"),
            ],
        },
        "bn": {
            "title": "কমিটির সঙ্গে কথা",
            "summary": "লান সমস্যাটি শ্রমিক-ব্যবস্থাপনা কমিটির কাছে নিয়ে যান।",
            "synopsis": "<p>লান ভয় পান যে অভিযোগ করলে তাঁর চাকরি চলে যাবে। দ্বিপক্ষীয় কমিটিতে "
            "তাঁর শ্রমিক প্রতিনিধি বুঝিয়ে বলেন যে সমস্যার কথা তোলা তাঁর অধিকার, আর কমিটি একটি "
            "ন্যায্য ওভারটাইম তালিকায় একমত হয়।</p>",
            "captions": [
                (0.5, 3.5, "লান: অভিযোগ করলে কি আমার চাকরি চলে যাবে?"),
                (4.0, 7.5, "প্রতিনিধি: না। সমস্যার কথা তোলা আপনার অধিকার।"),
                (8.0, 11.5, "ব্যবস্থাপক: আমরা একমত। আগামী সপ্তাহ থেকে ওভারটাইম হবে শুধু নাম লেখালে।"),
            ],
        },
    },
]

DISCUSSION = {
    "en": {
        "heading": "Before you watch",
        "intro": "<p>Ask the group to watch for what Lan feels and what she decides.</p>",
        1: [
            "Has anyone been told to stay late without being asked first? What happened?",
            "What could Lan say to the line leader?",
            "Who in your factory can you ask about the overtime limit?",
        ],
        2: [
            "Where on your pay slip do you find your overtime hours?",
            "How would you work out the pay for two hours of overtime?",
        ],
        3: [
            "Who are the worker representatives on your factory's committee?",
            "What makes people afraid to raise a problem, and what helps?",
        ],
    },
    "vi": {
        "heading": "Trước khi xem",
        "intro": "<p>Đề nghị cả nhóm chú ý Lan cảm thấy gì và quyết định ra sao.</p>",
        1: [
            "Có ai từng bị bảo ở lại muộn mà không được hỏi trước không? Chuyện gì đã xảy ra?",
            "Lan có thể nói gì với tổ trưởng?",
            "Trong nhà máy, bạn có thể hỏi ai về giới hạn làm thêm giờ?",
        ],
        2: [
            "Bạn tìm số giờ làm thêm ở đâu trên phiếu lương?",
            "Bạn tính tiền cho hai giờ làm thêm như thế nào?",
        ],
        3: [
            "Ai là đại diện người lao động trong ủy ban của nhà máy bạn?",
            "Điều gì khiến mọi người sợ nêu vấn đề, và điều gì giúp họ?",
        ],
    },
    "ar": {
        "heading": "قبل المشاهدة",
        "intro": "<p>اطلب من المجموعة أن تنتبه لما تشعر به لان وما تقرره.</p>",
        1: [
            "هل طُلب من أحدكم البقاء متأخرًا دون أن يُسأل أولًا؟ ماذا حدث؟",
            "ماذا يمكن أن تقول لان لرئيس الخط؟",
            "من يمكنك أن تسأل في مصنعك عن حد العمل الإضافي؟",
        ],
        2: [
            "أين تجد ساعات العمل الإضافي في قسيمة راتبك؟",
            "كيف تحسب أجر ساعتين من العمل الإضافي؟",
        ],
        3: [
            "من هم ممثلو العمال في لجنة مصنعك؟",
            "ما الذي يجعل الناس يخافون من طرح مشكلة، وما الذي يساعدهم؟",
        ],
    },
    "km": {
        "heading": "មុនពេលអ្នកមើល",
        "intro": "<p>សុំឲ្យក្រុមសង្កេតមើលថា លាន មានអារម្មណ៍យ៉ាងណា និងសម្រេចចិត្តអ្វី។</p>",
        1: [
            "តើមាននរណាម្នាក់ធ្លាប់ត្រូវគេប្រាប់ឲ្យនៅយឺត ដោយមិនបានសួរមុនទេ? តើមានអ្វីកើតឡើង?",
            "តើ លាន អាចនិយាយអ្វីទៅប្រធានខ្សែ?",
            "តើនៅរោងចក្ររបស់អ្នក អ្នកអាចសួរនរណាអំពីកំណត់នៃការងារបន្ថែមម៉ោង?",
        ],
        2: [
            "តើអ្នករកឃើញម៉ោងការងារបន្ថែមនៅត្រង់ណាលើប័ណ្ណបើកប្រាក់ខែរបស់អ្នក?",
            "តើអ្នកគណនាប្រាក់សម្រាប់ការងារបន្ថែមម៉ោងពីរម៉ោងយ៉ាងដូចម្ដេច?",
        ],
        3: [
            "តើនរណាជាតំណាងកម្មករនៅក្នុងគណៈកម្មការនៃរោងចក្ររបស់អ្នក?",
            "តើអ្វីធ្វើឲ្យមនុស្សខ្លាចលើកបញ្ហា ហើយអ្វីជួយពួកគេ?",
        ],
    },
    "bn": {
        "heading": "দেখার আগে",
        "intro": "<p>দলকে লক্ষ করতে বলুন লান কী অনুভব করেন আর কী সিদ্ধান্ত নেন।</p>",
        1: [
            "আগে জিজ্ঞেস না করেই কাউকে কি দেরি পর্যন্ত থাকতে বলা হয়েছে? কী হয়েছিল?",
            "লান লাইন লিডারকে কী বলতে পারেন?",
            "ওভারটাইমের সীমা নিয়ে আপনার কারখানায় কাকে জিজ্ঞেস করতে পারেন?",
        ],
        2: [
            "আপনার পে-স্লিপে ওভারটাইমের ঘণ্টা কোথায় পাবেন?",
            "দুই ঘণ্টা ওভারটাইমের মজুরি কীভাবে হিসাব করবেন?",
        ],
        3: [
            "আপনার কারখানার কমিটিতে শ্রমিক প্রতিনিধি কারা?",
            "মানুষ কেন সমস্যার কথা তুলতে ভয় পায়, আর কী তাদের সাহায্য করে?",
        ],
    },
}

QUIZ = {
    "en": {
        1: ("Must overtime be voluntary?", ["Yes", "No, the supervisor decides"], 1),
        2: ("On a normal working day, overtime is paid at least at…", ["100%", "150%", "300%"], 2),
        3: ("Can you be fired for raising a problem with the committee?", ["Yes", "No"], 2),
    },
    "vi": {
        1: ("Làm thêm giờ có phải là tự nguyện không?", ["Có", "Không, tổ trưởng quyết định"], 1),
        2: (
            "Vào ngày làm việc bình thường, làm thêm giờ được trả ít nhất…",
            ["100%", "150%", "300%"],
            2,
        ),
        3: ("Bạn có thể bị sa thải vì nêu vấn đề với ủy ban không?", ["Có", "Không"], 2),
    },
    "ar": {
        1: ("هل يجب أن يكون العمل الإضافي طوعيًا؟", ["نعم", "لا، المشرف يقرر"], 1),
        2: (
            "في يوم العمل العادي، يُدفع العمل الإضافي على الأقل بنسبة…",
            ["100%", "150%", "300%"],
            2,
        ),
        3: ("هل يمكن فصلك لأنك طرحت مشكلة على اللجنة؟", ["نعم", "لا"], 2),
    },
    "km": {
        1: ("តើការងារបន្ថែមម៉ោងត្រូវតែស្ម័គ្រចិត្តឬទេ?", ["បាទ/ចាស", "ទេ ប្រធានក្រុមជាអ្នកសម្រេច"], 1),
        2: (
            "នៅថ្ងៃធ្វើការធម្មតា ការងារបន្ថែមម៉ោងត្រូវបើកប្រាក់យ៉ាងហោចណាស់…",
            ["100%", "150%", "300%"],
            2,
        ),
        3: ("តើអ្នកអាចត្រូវបណ្ដេញចេញ ដោយសារលើកបញ្ហាទៅគណៈកម្មការឬទេ?", ["បាទ/ចាស", "ទេ"], 2),
    },
    "bn": {
        1: ("ওভারটাইম কি স্বেচ্ছায় হতে হবে?", ["হ্যাঁ", "না, সুপারভাইজার ঠিক করেন"], 1),
        2: ("সাধারণ কর্মদিবসে ওভারটাইমের মজুরি অন্তত…", ["100%", "150%", "300%"], 2),
        3: ("কমিটিতে সমস্যার কথা তোলার জন্য কি আপনাকে বরখাস্ত করা যায়?", ["হ্যাঁ", "না"], 2),
    },
}

COMIC = {
    "slug": "fire-safety-comic",
    "en": {
        "title": "The door that would not open",
        "summary": "A comic in eight panels about fire safety: exits, extinguishers, drills.",
        "intro": "Mai finds a blocked fire exit. What should she do?",
    },
    "vi": {
        "title": "Cánh cửa không mở được",
        "summary": "Truyện tranh tám khung về an toàn phòng cháy: lối thoát, bình chữa cháy, "
        "diễn tập.",
        "intro": "Mai phát hiện một lối thoát hiểm bị chặn. Chị nên làm gì?",
    },
    "ar": {
        "title": "الباب الذي لم يُفتح",
        "summary": "قصة مصورة من ثماني لوحات عن السلامة من الحرائق: المخارج والطفايات والتدريب.",
        "intro": "تجد ماي مخرج طوارئ مسدودًا. ماذا يجب أن تفعل؟",
    },
    "km": {
        "title": "ទ្វារដែលបើកមិនចេញ",
        "summary": "រឿងគំនូរប្រាំបីផ្ទាំងអំពីសុវត្ថិភាពអគ្គីភ័យ៖ ច្រកចេញ ឧបករណ៍ពន្លត់ភ្លើង និងការហ្វឹកហាត់។",
        "intro": "ម៉ៃ រកឃើញច្រកចេញពេលអាសន្នមួយត្រូវបានបិទ។ តើនាងគួរធ្វើអ្វី?",
    },
    "bn": {
        "title": "যে দরজা খুলল না",
        "summary": "অগ্নি নিরাপত্তা নিয়ে আট প্যানেলের একটি কমিক: বের হওয়ার পথ, অগ্নিনির্বাপক যন্ত্র, মহড়া।",
        "intro": "মাই দেখেন একটি জরুরি বহির্গমন পথ আটকানো। তাঁর কী করা উচিত?",
    },
}

# (scene, description, speaker, text) per language; the drawing is the same for all.
PANELS = [
    {
        "scene": "smoke",
        "en": (
            "Mai at her sewing machine; grey smoke rises behind the cutting table.",
            "",
            "Mai smells smoke near the cutting table.",
        ),
        "vi": (
            "Mai ngồi bên máy may; khói xám bốc lên sau bàn cắt.",
            "",
            "Mai ngửi thấy mùi khói gần bàn cắt.",
        ),
        "ar": (
            "ماي عند ماكينة الخياطة؛ دخان رمادي يتصاعد خلف طاولة القص.",
            "",
            "تشم ماي رائحة دخان قرب طاولة القص.",
        ),
        "km": ("ម៉ៃ នៅម៉ាស៊ីនដេររបស់នាង ផ្សែងពណ៌ប្រផេះហុយឡើងពីក្រោយតុកាត់។", "", "ម៉ៃ ធុំក្លិនផ្សែងនៅជិតតុកាត់។"),
        "bn": (
            "মাই তাঁর সেলাই মেশিনে; কাটিং টেবিলের পেছন থেকে ধূসর ধোঁয়া উঠছে।",
            "",
            "মাই কাটিং টেবিলের কাছে ধোঁয়ার গন্ধ পান।",
        ),
    },
    {
        "scene": "blocked",
        "en": (
            "A green exit sign above a door hidden behind stacked boxes.",
            "Mai",
            "The exit door is blocked by boxes! Nobody could get out.",
        ),
        "vi": (
            "Biển lối thoát màu xanh phía trên cánh cửa bị che bởi chồng thùng.",
            "Mai",
            "Cửa thoát hiểm bị thùng hàng chặn! Không ai ra được.",
        ),
        "ar": (
            "لافتة مخرج خضراء فوق باب مخفي خلف صناديق مكدسة.",
            "ماي",
            "باب الطوارئ مسدود بالصناديق! لن يستطيع أحد الخروج.",
        ),
        "km": (
            "ស្លាកច្រកចេញពណ៌បៃតងនៅលើទ្វារដែលបាំងដោយប្រអប់គំនរ។",
            "ម៉ៃ",
            "ទ្វារចេញពេលអាសន្នត្រូវប្រអប់បិទ! គ្មាននរណាអាចចេញបានទេ។",
        ),
        "bn": (
            "স্তূপ করা বাক্সের পেছনে লুকানো একটি দরজার ওপরে সবুজ বহির্গমন চিহ্ন।",
            "মাই",
            "জরুরি বহির্গমনের দরজা বাক্সে আটকানো! কেউ বের হতে পারবে না।",
        ),
    },
    {
        "scene": "tell",
        "en": (
            "Mai speaks to her supervisor, pointing at the door.",
            "Mai",
            "Mr. Tan, the fire exit is blocked. That is dangerous and against the law.",
        ),
        "vi": (
            "Mai nói với tổ trưởng, tay chỉ về phía cánh cửa.",
            "Mai",
            "Anh Tân ơi, lối thoát hiểm bị chặn. Như vậy rất nguy hiểm và trái luật.",
        ),
        "ar": (
            "ماي تتحدث إلى مشرفها وتشير إلى الباب.",
            "ماي",
            "سيد تان، مخرج الطوارئ مسدود. هذا خطير ومخالف للقانون.",
        ),
        "km": (
            "ម៉ៃ និយាយជាមួយប្រធានក្រុមរបស់នាង ដោយចង្អុលទៅទ្វារ។",
            "ម៉ៃ",
            "លោកតាន់ ច្រកចេញពេលអាសន្នត្រូវបានបិទ។ វាគ្រោះថ្នាក់ ហើយខុសច្បាប់។",
        ),
        "bn": (
            "মাই দরজার দিকে আঙুল দেখিয়ে তাঁর সুপারভাইজারের সঙ্গে কথা বলছেন।",
            "মাই",
            "তান সাহেব, জরুরি বহির্গমন পথ আটকানো। এটা বিপজ্জনক এবং আইনবিরোধী।",
        ),
    },
    {
        "scene": "clear",
        "en": (
            "The supervisor and two workers move the boxes away from the door.",
            "Mr. Tan",
            "You are right. Exits and aisles must always be clear and unlocked.",
        ),
        "vi": (
            "Tổ trưởng và hai công nhân dời các thùng hàng khỏi cửa.",
            "Anh Tân",
            "Em nói đúng. Lối thoát và lối đi phải luôn thông thoáng và không khóa.",
        ),
        "ar": (
            "المشرف وعاملان ينقلون الصناديق بعيدًا عن الباب.",
            "السيد تان",
            "أنتِ على حق. يجب أن تبقى المخارج والممرات خالية وغير مقفلة دائمًا.",
        ),
        "km": (
            "ប្រធានក្រុម និងកម្មករពីរនាក់រើប្រអប់ចេញពីទ្វារ។",
            "លោកតាន់",
            "នាងនិយាយត្រូវ។ ច្រកចេញ និងផ្លូវដើរត្រូវតែទំនេរ និងមិនចាក់សោជានិច្ច។",
        ),
        "bn": (
            "সুপারভাইজার ও দুজন শ্রমিক দরজা থেকে বাক্সগুলো সরিয়ে নিচ্ছেন।",
            "তান সাহেব",
            "আপনি ঠিক বলেছেন। বহির্গমন পথ ও চলার পথ সব সময় খোলা ও তালামুক্ত রাখতে হবে।",
        ),
    },
    {
        "scene": "extinguisher",
        "en": (
            "A trainer shows workers a red fire extinguisher.",
            "Trainer",
            "Pull the pin, aim at the base of the fire, squeeze, and sweep.",
        ),
        "vi": (
            "Giảng viên hướng dẫn công nhân dùng bình chữa cháy màu đỏ.",
            "Giảng viên",
            "Rút chốt, hướng vào gốc lửa, bóp cò và quét qua lại.",
        ),
        "ar": (
            "مدرب يري العمال طفاية حريق حمراء.",
            "المدرب",
            "اسحب المسمار، وجّه إلى قاعدة النار، اضغط، وحرّك يمينًا ويسارًا.",
        ),
        "km": (
            "គ្រូបង្វឹកបង្ហាញកម្មករពីឧបករណ៍ពន្លត់អគ្គីភ័យពណ៌ក្រហម។",
            "គ្រូបង្វឹក",
            "ទាញកាវ តម្រង់ទៅគល់ភ្លើង ច្របាច់ ហើយបក់ទៅមក។",
        ),
        "bn": (
            "একজন প্রশিক্ষক শ্রমিকদের একটি লাল অগ্নিনির্বাপক যন্ত্র দেখাচ্ছেন।",
            "প্রশিক্ষক",
            "পিন টানুন, আগুনের গোড়ায় তাক করুন, চাপ দিন, আর এদিক-ওদিক ঝাড়ুন।",
        ),
    },
    {
        "scene": "alarm",
        "en": (
            "An alarm bell rings; workers walk in a line towards the exit.",
            "",
            "When the alarm rings: stop work, walk calmly, do not run, do not go back.",
        ),
        "vi": (
            "Chuông báo động reo; công nhân đi thành hàng về phía lối thoát.",
            "",
            "Khi chuông reo: dừng việc, đi bình tĩnh, không chạy, không quay lại.",
        ),
        "ar": (
            "جرس الإنذار يرن؛ العمال يمشون في صف نحو المخرج.",
            "",
            "عندما يرن الإنذار: أوقف العمل، امشِ بهدوء، لا تركض، لا تعد إلى الداخل.",
        ),
        "km": (
            "កណ្ដឹងរោទិ៍បន្លឺ កម្មករដើរជាជួរទៅកាន់ច្រកចេញ។",
            "",
            "ពេលកណ្ដឹងរោទិ៍៖ ឈប់ធ្វើការ ដើរដោយស្ងប់ស្ងាត់ កុំរត់ កុំត្រឡប់ក្រោយ។",
        ),
        "bn": (
            "অ্যালার্ম বেল বাজছে; শ্রমিকেরা সারি বেঁধে বহির্গমনের দিকে হাঁটছেন।",
            "",
            "অ্যালার্ম বাজলে: কাজ থামান, শান্তভাবে হাঁটুন, দৌড়াবেন না, ফিরে যাবেন না।",
        ),
    },
    {
        "scene": "assembly",
        "en": (
            "Workers stand at a green assembly-point sign outside; a leader counts them.",
            "Mr. Tan",
            "Everyone meet here. We count so that nobody is left inside.",
        ),
        "vi": (
            "Công nhân đứng ở biển điểm tập kết màu xanh bên ngoài; tổ trưởng điểm danh.",
            "Anh Tân",
            "Mọi người tập trung ở đây. Chúng ta điểm danh để không ai bị bỏ lại.",
        ),
        "ar": (
            "العمال عند لافتة نقطة التجمع الخضراء في الخارج؛ القائد يعدّهم.",
            "السيد تان",
            "يجتمع الجميع هنا. نعدّ الأشخاص حتى لا يبقى أحد في الداخل.",
        ),
        "km": (
            "កម្មករឈរនៅស្លាកចំណុចជួបជុំពណ៌បៃតងខាងក្រៅ ប្រធានរាប់ចំនួន។",
            "លោកតាន់",
            "គ្រប់គ្នាជួបជុំនៅទីនេះ។ យើងរាប់ដើម្បីកុំឲ្យនរណាម្នាក់នៅខាងក្នុង។",
        ),
        "bn": (
            "বাইরে সবুজ সমাবেশস্থলের চিহ্নের কাছে শ্রমিকেরা দাঁড়িয়ে; একজন নেতা তাঁদের গুনছেন।",
            "তান সাহেব",
            "সবাই এখানে জড়ো হন। আমরা গুনে দেখি যাতে কেউ ভেতরে না থেকে যায়।",
        ),
    },
    {
        "scene": "committee",
        "en": (
            "Workers and managers sit together around a table with a checklist.",
            "Mai",
            "Our safety committee checks the exits every week. Anyone can raise a concern.",
        ),
        "vi": (
            "Công nhân và quản lý ngồi quanh bàn với một bảng kiểm tra.",
            "Mai",
            "Ủy ban an toàn kiểm tra lối thoát mỗi tuần. Ai cũng có thể nêu lo ngại.",
        ),
        "ar": (
            "عمال ومديرون يجلسون معًا حول طاولة عليها قائمة تحقق.",
            "ماي",
            "تفحص لجنة السلامة المخارج كل أسبوع. يمكن لأي شخص أن يطرح مخاوفه.",
        ),
        "km": (
            "កម្មករ និងអ្នកគ្រប់គ្រងអង្គុយជុំគ្នានៅតុជាមួយបញ្ជីត្រួតពិនិត្យ។",
            "ម៉ៃ",
            "គណៈកម្មការសុវត្ថិភាពពិនិត្យច្រកចេញរៀងរាល់សប្ដាហ៍។ អ្នកណាក៏អាចលើកបញ្ហាបានដែរ។",
        ),
        "bn": (
            "শ্রমিক ও ব্যবস্থাপকেরা একটি চেকলিস্ট নিয়ে টেবিল ঘিরে একসঙ্গে বসেছেন।",
            "মাই",
            "আমাদের নিরাপত্তা কমিটি প্রতি সপ্তাহে বহির্গমন পথ পরীক্ষা করে। যে কেউ উদ্বেগের কথা তুলতে পারেন।",
        ),
    },
]

# The languages the demo's pages are translated into (through wagtail-localize) and the
# languages of the episodes' caption files.
CONTENT_LANGUAGES = ("vi", "ar", "km", "bn")
CAPTION_LANGUAGES = ("en", *CONTENT_LANGUAGES)

REACH_COUNTRIES = {"vn": ("vi", "en"), "jo": ("ar", "en"), "kh": ("km", "en"), "bd": ("en",)}


def _locale(code: str) -> Locale:
    return Locale.objects.get_or_create(language_code=code)[0]


# --- Videos -------------------------------------------------------------------------------


def _generate_episode_video(path: Path, episode: dict) -> None:
    title = f"Episode {episode['number']}: {episode['en']['title']}".replace(":", r"\:")
    graph = (
        f"color=c={episode['colour']}:s=1280x720:d=12:r=24[bg];"
        "testsrc2=s=320x180:d=12:r=24[pattern];"
        "[bg][pattern]overlay=x='mod(t*90,960)':y=480[moving];"
        f"[moving]drawtext=fontfile={FONT}:text='Life on the Line':fontcolor=white:"
        "fontsize=40:x=(w-text_w)/2:y=120,"
        f"drawtext=fontfile={FONT}:text='{title}':fontcolor=white:fontsize=56:"
        "x=(w-text_w)/2:y=220[v];"
        f"sine=frequency={episode['tone']}:duration=12:sample_rate=44100,volume=0.2[a]"
    )
    subprocess.run(  # noqa: S603
        [
            settings.MEDIA_FFMPEG,
            "-nostdin",
            "-y",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=44100:cl=mono",
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-c:a",
            "aac",
            "-t",
            "12",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _vtt(cues) -> str:
    def stamp(seconds):
        minutes, secs = divmod(seconds, 60)
        return f"{int(minutes):02d}:{secs:06.3f}"

    blocks = ["WEBVTT"]
    for start, end, text in cues:
        blocks.append(f"{stamp(start)} --> {stamp(end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def load_videos() -> dict[int, VideoItem]:
    videos = {}
    for episode in EPISODES:
        title = f"{SERIES['en']['title']} {episode['number']}: {episode['en']['title']}"
        video = VideoItem.objects.filter(title=title).first()
        if video is None:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{episode['slug']}.mp4"
                _generate_episode_video(path, episode)
                with open(path, "rb") as handle:
                    video = services.video_create(
                        title=title,
                        master=File(handle, name=path.name),
                        original_language="en",
                        description=episode["en"]["summary"],
                        captions={
                            language: _vtt(episode[language]["captions"])
                            for language in CAPTION_LANGUAGES
                        },
                        # `make demo` serves the site while the renditions are made.
                        process=not settings.MEDIA_DEMO_VIDEOS_IN_BACKGROUND,
                    )
        else:
            have = set(video.captions.values_list("language", flat=True))
            for language in CAPTION_LANGUAGES:
                if language not in have:
                    Caption.objects.create(
                        video=video,
                        language=language,
                        vtt=_vtt(episode[language]["captions"]),
                    )
            if not video.is_ready and not settings.MEDIA_DEMO_VIDEOS_IN_BACKGROUND:
                services.video_process(video_id=video.pk)
        video.refresh_from_db()
        videos[episode["number"]] = video
    return videos


# --- Pages --------------------------------------------------------------------------------


def _section() -> Page:
    """The "Know your rights" section the portal's demo makes, else the site's home page."""
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page
    section = home.get_children().filter(slug=SECTION_SLUG).first()
    return (section or home).specific


def series_phrasebooks() -> dict[str, dict[str, str]]:
    """English segment -> translation, per language, of the series, its episodes (with their
    discussion guides and quizzes) and the comic with its panels."""
    books = {}
    for language in CONTENT_LANGUAGES:
        book = phrasebook_add({}, SERIES["en"], SERIES[language])
        for episode in EPISODES:
            english, translated = dict(episode["en"]), dict(episode[language])
            english.pop("captions"), translated.pop("captions")
            phrasebook_add(book, english, translated)
            number = episode["number"]
            phrasebook_add(book, _guide(number), _guide(number, language))
            phrasebook_add(book, _quiz(number), _quiz(number, language))
        if language in COMIC:
            phrasebook_add(book, COMIC["en"], COMIC[language])
            phrasebook_add(
                book,
                [panel["en"] for panel in PANELS],
                [panel[language] for panel in PANELS],
            )
        books[language] = book
    return books


def _tag(page, *, clusters=(), points=()):
    page.clusters.set(Cluster.objects.canonical().filter(code__in=clusters))
    page.compliance_points.set(CompliancePoint.objects.canonical().filter(code__in=points))
    page.save_revision().publish()


def _guide(number, language="en"):
    text = DISCUSSION[language]
    guide = [("heading", text["heading"]), ("paragraph", text["intro"])]
    for question in text[number]:
        guide.append(("question", {"question": question, "prompt": ""}))
    return guide


def _quiz(number, language="en"):
    question, choices, correct = QUIZ[language][number]
    return [
        (
            "question",
            {"question": question, "choices": choices, "correct": correct, "explanation": ""},
        )
    ]


@transaction.atomic
def load_series(videos: dict[int, VideoItem]) -> SeriesPage:
    section = _section()
    series = SeriesPage.objects.filter(slug=SERIES["slug"], locale=_locale("en")).first()
    if series is None:
        series = SeriesPage(
            title=SERIES["en"]["title"],
            slug=SERIES["slug"],
            summary=SERIES["en"]["summary"],
            intro=SERIES["en"]["intro"],
        )
        section.add_child(instance=series)
        _tag(series, clusters=["working-time", "compensation"], points=["overtime"])
    books = series_phrasebooks()
    translate_all(series, books, CONTENT_LANGUAGES)
    for episode in EPISODES:
        page = EpisodePage.objects.filter(slug=episode["slug"], locale=_locale("en")).first()
        if page is None:
            page = EpisodePage(
                title=episode["en"]["title"],
                slug=episode["slug"],
                number=episode["number"],
                summary=episode["en"]["summary"],
                synopsis=episode["en"]["synopsis"],
                video=videos[episode["number"]],
                discussion_guide=_guide(episode["number"]),
                quiz=_quiz(episode["number"]),
            )
            series.add_child(instance=page)
            _tag(
                page,
                clusters=["working-time", "compensation"],
                points=["overtime", "overtime-wages"],
            )
        translate_all(page, books, CONTENT_LANGUAGES)
    return series


# --- Comic --------------------------------------------------------------------------------

SKY = (226, 239, 250)
FLOOR = (205, 196, 180)
SKIN = (241, 194, 125)


def _person(draw, x, y, shirt, scale=1.0):
    head = 26 * scale
    draw.ellipse([x - head, y - 3 * head, x + head, y - head], fill=SKIN, outline="black", width=3)
    draw.rounded_rectangle(
        [x - 1.4 * head, y - head, x + 1.4 * head, y + 3 * head],
        radius=int(12 * scale),
        fill=shirt,
        outline="black",
        width=3,
    )
    draw.rectangle([x - head, y + 3 * head, x - 0.2 * head, y + 5.5 * head], fill=(60, 60, 80))
    draw.rectangle([x + 0.2 * head, y + 3 * head, x + head, y + 5.5 * head], fill=(60, 60, 80))


def _exit_sign(draw, x, y):
    draw.rectangle([x, y, x + 120, y + 50], fill=(0, 150, 70), outline="black", width=3)
    draw.polygon([(x + 20, y + 25), (x + 50, y + 10), (x + 50, y + 40)], fill="white")
    draw.rectangle([x + 50, y + 20, x + 100, y + 30], fill="white")


def _door(draw, x, y):
    draw.rectangle([x, y, x + 160, y + 300], fill=(150, 110, 70), outline="black", width=4)
    draw.ellipse([x + 130, y + 150, x + 145, y + 165], fill=(230, 200, 80))


def _boxes(draw, x, y):
    for row in range(3):
        for column in range(2):
            left = x + column * 95
            top = y - row * 80
            draw.rectangle(
                [left, top, left + 90, top + 75], fill=(196, 152, 96), outline="black", width=3
            )
            draw.line([left + 45, top, left + 45, top + 75], fill=(140, 100, 60), width=3)


def _extinguisher(draw, x, y):
    draw.rounded_rectangle(
        [x, y, x + 60, y + 170], radius=20, fill=(210, 30, 30), outline="black", width=3
    )
    draw.rectangle([x + 15, y - 30, x + 45, y], fill=(40, 40, 40))
    draw.line([x + 45, y - 20, x + 100, y + 10], fill=(40, 40, 40), width=8)


def _machine(draw, x, y):
    draw.rectangle([x, y, x + 220, y + 40], fill=(120, 130, 140), outline="black", width=3)
    draw.rectangle([x + 150, y - 70, x + 190, y], fill=(90, 100, 110), outline="black", width=3)


def _draw_scene(scene: str) -> bytes:
    image = PILImage.new("RGB", (960, 720), SKY)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 520, 960, 720], fill=FLOOR)
    if scene == "smoke":
        _machine(draw, 120, 470)
        _person(draw, 230, 400, (230, 120, 150))
        draw.rectangle([560, 430, 900, 470], fill=(170, 150, 120), outline="black", width=3)
        for i, (cx, cy, r) in enumerate([(760, 380, 60), (700, 290, 80), (800, 200, 100)]):
            shade = 150 + i * 25
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(shade, shade, shade))
    elif scene == "blocked":
        _door(draw, 560, 220)
        _exit_sign(draw, 580, 150)
        _boxes(draw, 520, 440)
        _person(draw, 250, 400, (230, 120, 150))
    elif scene == "tell":
        _person(draw, 300, 400, (230, 120, 150))
        _person(draw, 620, 390, (70, 110, 180), 1.1)
        draw.line([340, 380, 470, 300], fill="black", width=8)
        _exit_sign(draw, 800, 120)
    elif scene == "clear":
        _door(draw, 650, 220)
        _exit_sign(draw, 670, 150)
        _boxes(draw, 120, 440)
        _person(draw, 450, 400, (70, 110, 180), 1.1)
        _person(draw, 330, 410, (240, 200, 80))
    elif scene == "extinguisher":
        _person(draw, 250, 390, (70, 110, 180), 1.1)
        _extinguisher(draw, 330, 330)
        for index, x in enumerate((560, 680, 800)):
            _person(draw, x, 420, [(230, 120, 150), (240, 200, 80), (140, 200, 140)][index], 0.9)
    elif scene == "alarm":
        draw.ellipse([60, 60, 180, 180], fill=(220, 40, 40), outline="black", width=4)
        draw.ellipse([105, 105, 135, 135], fill=(250, 230, 80))
        for x in (300, 440, 580, 720):
            _person(draw, x, 420, (230, 120, 150) if x % 280 else (140, 200, 140), 0.9)
        _exit_sign(draw, 820, 140)
    elif scene == "assembly":
        draw.rectangle([0, 0, 960, 520], fill=(200, 230, 255))
        draw.rectangle([0, 520, 960, 720], fill=(120, 180, 100))
        draw.rectangle([80, 140, 260, 260], fill=(0, 150, 70), outline="black", width=4)
        for dx in (-30, 0, 30):
            draw.ellipse([170 + dx - 12, 180, 170 + dx + 12, 204], fill="white")
        draw.rectangle([165, 260, 175, 520], fill=(80, 80, 80))
        for index, x in enumerate((380, 480, 580, 680, 780)):
            _person(
                draw, x, 430, [(230, 120, 150), (240, 200, 80), (140, 200, 140)][index % 3], 0.8
            )
    elif scene == "committee":
        draw.rectangle([220, 420, 740, 470], fill=(150, 110, 70), outline="black", width=4)
        draw.rectangle([420, 380, 540, 420], fill="white", outline="black", width=2)
        for row in range(3):
            draw.line([430, 390 + row * 10, 530, 390 + row * 10], fill=(0, 120, 60), width=3)
        for index, x in enumerate((260, 380, 580, 700)):
            _person(
                draw,
                x,
                330,
                [(230, 120, 150), (70, 110, 180), (240, 200, 80), (70, 110, 180)][index],
                0.8,
            )
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def panel_image(index: int, scene: str):
    image_model = get_image_model()
    title = f"Fire safety comic, panel {index}"
    image = image_model.objects.filter(title=title).first()
    if image is None:
        data = _draw_scene(scene)
        image = image_model(title=title)
        image.file = ImageFile(io.BytesIO(data), name=f"fire-safety-{index}.png")
        image.save()
    return image


@transaction.atomic
def load_comic() -> ComicPage:
    section = _section()
    comic = ComicPage.objects.filter(slug=COMIC["slug"], locale=_locale("en")).first()
    if comic is None:
        comic = ComicPage(
            title=COMIC["en"]["title"],
            slug=COMIC["slug"],
            summary=COMIC["en"]["summary"],
            intro=COMIC["en"]["intro"],
        )
        comic.panels = [
            ComicPanel(
                image=panel_image(index, panel["scene"]),
                description=panel["en"][0],
                speaker=panel["en"][1],
                text=panel["en"][2],
                text_position="below",
                sort_order=index,
            )
            for index, panel in enumerate(PANELS, start=1)
        ]
        section.add_child(instance=comic)
        _tag(comic, clusters=["osh"], points=["emergency-preparedness"])
    books = series_phrasebooks()
    translate_all(comic, books, [language for language in CONTENT_LANGUAGES if language in COMIC])
    return comic


# --- Reach --------------------------------------------------------------------------------


def load_reach(videos: dict[int, VideoItem], comic: ComicPage) -> int:
    """Sixty days of views and completions, the same every time (seeded, fixed ids)."""
    rng = random.Random(2026)
    countries = {c.code: c for c in Country.objects.canonical().filter(code__in=REACH_COUNTRIES)}
    today = timezone.localdate()
    items = [("video", video.pk) for video in videos.values()] + [("comic", comic.pk)]
    rows = []
    for kind, item in items:
        for code, languages in REACH_COUNTRIES.items():
            for language in languages:
                if kind == "video" and language == "km":
                    continue
                for days_ago in range(60):
                    day = today - timedelta(days=days_ago)
                    views = rng.randint(0, 6 if language != "en" else 2)
                    completions = rng.randint(0, views)
                    for action, count in (("view", views), ("complete", completions)):
                        for n in range(count):
                            seed = f"{kind}-{item}-{code}-{language}-{day}-{action}-{n}"
                            rows.append(
                                ReachEvent(
                                    id=uuid.UUID(hashlib.md5(seed.encode()).hexdigest()),  # noqa: S324
                                    kind=kind,
                                    video_id=item if kind == "video" else None,
                                    comic_id=item if kind == "comic" else None,
                                    language=language,
                                    country=countries.get(code),
                                    action=action,
                                    day=day,
                                )
                            )
    ReachEvent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def load():
    videos = load_videos()
    load_series(videos)
    comic = load_comic()
    for page in ComicPage.objects.filter(translation_key=comic.translation_key):
        services.comic_print_render(page_id=page.pk)
    load_reach(videos, comic)
