"""The demo courses' text in the content languages: English segment -> translation, the
translation memory that ``courses.demo`` hands to wagtail-localize (``lms.demo_translations``)
for the induction kit, the seminar and Supervisory Skills Training with their lessons.

The English keys are exactly the segments of the English pages (``courses/demo.py``); a key
that no longer matches is simply not used, and the test of the demo languages then finds
the English text on the translated page.
"""

INDUCTION = {
    "km": {
        "Welcome to the factory: induction for new workers": "សូមស្វាគមន៍មកកាន់រោងចក្រ៖ "
        "ការណែនាំសម្រាប់កម្មករថ្មី",
        "Short lessons, handouts and posters for a new worker's first week.": "មេរៀនខ្លីៗ "
        "ឯកសារចែក និងផ្ទាំងរូបភាព សម្រាប់សប្ដាហ៍ដំបូងរបស់កម្មករថ្មី។",
        "New workers": "កម្មករថ្មី",
        "Three sessions of 30 minutes": "បីវគ្គ វគ្គនីមួយៗ ៣០ នាទី",
        "Your rights at work, on one page": "សិទ្ធិរបស់អ្នកនៅកន្លែងធ្វើការ ក្នុងមួយទំព័រ",
        "A written contract in your language": "កិច្ចសន្យាជាលាយលក្ខណ៍អក្សរ ជាភាសារបស់អ្នក",
        "The minimum wage or more, on time": "ប្រាក់ឈ្នួលអប្បបរមា ឬច្រើនជាងនេះ ទាន់ពេលវេលា",
        "Overtime only if you agree": "ការងារបន្ថែមម៉ោង លុះត្រាតែអ្នកយល់ព្រម",
        "A safe workplace and free protective equipment": "កន្លែងធ្វើការមានសុវត្ថិភាព "
        "និងឧបករណ៍ការពារដោយឥតគិតថ្លៃ",
        "Two ways out: know your exits": "ផ្លូវចេញពីរ៖ ស្គាល់ច្រកចេញរបស់អ្នក",
        "Every worker knows two ways out. Exits stay open.": "កម្មករគ្រប់រូបស្គាល់ផ្លូវចេញពីរ។ "
        "ច្រកចេញត្រូវតែបើកជានិច្ច។",
        "Run each session in small groups of 10-15. Start with a question, not a lecture. "
        "Give the one-page handout at the end of the first session.": "ដឹកនាំវគ្គនីមួយៗ"
        "ជាក្រុមតូចៗ ១០-១៥ នាក់។ ចាប់ផ្ដើមដោយសំណួរ មិនមែនដោយការបង្រៀនទេ។ "
        "ចែកឯកសារមួយទំព័រនៅចុងវគ្គទីមួយ។",
    },
    "bn": {
        "Welcome to the factory: induction for new workers": "কারখানায় স্বাগতম: নতুন "
        "শ্রমিকদের পরিচিতি প্রশিক্ষণ",
        "Short lessons, handouts and posters for a new worker's first week.": "নতুন শ্রমিকের "
        "প্রথম সপ্তাহের জন্য ছোট পাঠ, হ্যান্ডআউট ও পোস্টার।",
        "New workers": "নতুন শ্রমিক",
        "Three sessions of 30 minutes": "৩০ মিনিটের তিনটি সেশন",
        "Your rights at work, on one page": "কর্মস্থলে আপনার অধিকার, এক পাতায়",
        "A written contract in your language": "আপনার ভাষায় লিখিত চুক্তি",
        "The minimum wage or more, on time": "ন্যূনতম মজুরি বা তার বেশি, সময়মতো",
        "Overtime only if you agree": "ওভারটাইম শুধু আপনি রাজি হলে",
        "A safe workplace and free protective equipment": "নিরাপদ কর্মস্থল ও বিনামূল্যে সুরক্ষা সরঞ্জাম",
        "Two ways out: know your exits": "বের হওয়ার দুটি পথ: আপনার বহির্গমন পথ চিনুন",
        "Every worker knows two ways out. Exits stay open.": "প্রত্যেক শ্রমিক বের হওয়ার দুটি "
        "পথ চেনেন। বহির্গমন পথ সব সময় খোলা থাকে।",
        "Run each session in small groups of 10-15. Start with a question, not a lecture. "
        "Give the one-page handout at the end of the first session.": "প্রতিটি সেশন ১০-১৫ "
        "জনের ছোট দলে চালান। বক্তৃতা নয়, একটি প্রশ্ন দিয়ে শুরু করুন। প্রথম সেশনের শেষে "
        "এক পাতার হ্যান্ডআউটটি দিন।",
    },
    "vi": {
        "Welcome to the factory: induction for new workers": "Chào mừng đến nhà máy: định "
        "hướng cho người lao động mới",
        "Short lessons, handouts and posters for a new worker's first week.": "Bài học ngắn, "
        "tài liệu phát tay và áp phích cho tuần đầu tiên của người lao động mới.",
        "New workers": "Người lao động mới",
        "Three sessions of 30 minutes": "Ba buổi, mỗi buổi 30 phút",
        "Your rights at work, on one page": "Quyền của bạn tại nơi làm việc, trong một trang",
        "A written contract in your language": "Hợp đồng bằng văn bản bằng ngôn ngữ của bạn",
        "The minimum wage or more, on time": "Lương tối thiểu trở lên, trả đúng hạn",
        "Overtime only if you agree": "Chỉ làm thêm giờ khi bạn đồng ý",
        "A safe workplace and free protective equipment": "Nơi làm việc an toàn và thiết bị "
        "bảo hộ miễn phí",
        "Two ways out: know your exits": "Hai lối ra: hãy biết lối thoát của bạn",
        "Every worker knows two ways out. Exits stay open.": "Mỗi người lao động đều biết hai "
        "lối ra. Lối thoát luôn được mở.",
        "Run each session in small groups of 10-15. Start with a question, not a lecture. "
        "Give the one-page handout at the end of the first session.": "Tổ chức mỗi buổi theo "
        "nhóm nhỏ 10-15 người. Hãy bắt đầu bằng một câu hỏi, không phải bài giảng. Phát tài "
        "liệu một trang vào cuối buổi đầu tiên.",
    },
    "ar": {
        "Welcome to the factory: induction for new workers": "مرحبًا بك في المصنع: التوجيه "
        "للعمال الجدد",
        "Short lessons, handouts and posters for a new worker's first week.": "دروس قصيرة "
        "ونشرات وملصقات للأسبوع الأول للعامل الجديد.",
        "New workers": "العمال الجدد",
        "Three sessions of 30 minutes": "ثلاث جلسات مدة كل منها 30 دقيقة",
        "Your rights at work, on one page": "حقوقك في العمل، في صفحة واحدة",
        "A written contract in your language": "عقد مكتوب بلغتك",
        "The minimum wage or more, on time": "الحد الأدنى للأجور أو أكثر، في موعده",
        "Overtime only if you agree": "العمل الإضافي فقط إذا وافقت",
        "A safe workplace and free protective equipment": "مكان عمل آمن ومعدات وقاية مجانية",
        "Two ways out: know your exits": "طريقان للخروج: اعرف مخارجك",
        "Every worker knows two ways out. Exits stay open.": "كل عامل يعرف طريقين للخروج. "
        "المخارج تبقى مفتوحة.",
        "Run each session in small groups of 10-15. Start with a question, not a lecture. "
        "Give the one-page handout at the end of the first session.": "أدِر كل جلسة في "
        "مجموعات صغيرة من 10 إلى 15 شخصًا. ابدأ بسؤال لا بمحاضرة. وزّع النشرة ذات الصفحة "
        "الواحدة في نهاية الجلسة الأولى.",
    },
}

# The lessons of the induction kit and the seminar (also lessons of the programme).
LESSONS = {
    "km": {
        "Contracts workers understand": "កិច្ចសន្យាដែលកម្មករយល់",
        "Every worker gets a written contract in a language they read, before starting work, "
        "stating pay, hours, leave and how the contract ends.": "កម្មករគ្រប់រូបទទួលបាន"
        "កិច្ចសន្យាជាលាយលក្ខណ៍អក្សរ ជាភាសាដែលខ្លួនអានបាន មុនពេលចាប់ផ្ដើមធ្វើការ ដែលចែងអំពី"
        "ប្រាក់ឈ្នួល ម៉ោងធ្វើការ ការឈប់សម្រាក និងរបៀបបញ្ចប់កិច្ចសន្យា។",
        "When should a worker receive the contract?": "តើកម្មករគួរទទួលបានកិច្ចសន្យានៅពេលណា?",
        "Before starting work": "មុនពេលចាប់ផ្ដើមធ្វើការ",
        "After probation": "ក្រោយពេលសាកល្បងការងារ",
        "Only if asked": "លុះត្រាតែគេសុំ",
        "How do migrant workers in your factory learn what their contract says?": "តើកម្មករ"
        "ចំណាកស្រុកនៅរោងចក្ររបស់អ្នក ដឹងពីខ្លឹមសារកិច្ចសន្យារបស់ពួកគេដោយរបៀបណា?",
        "Check three personnel files for a signed contract in the worker's language.": "ពិនិត្យ"
        "សំណុំឯកសារបុគ្គលិកបី ដើម្បីរកកិច្ចសន្យាដែលបានចុះហត្ថលេខា ជាភាសារបស់កម្មករ។",
        "Evacuation drills": "ការហ្វឹកហាត់ជម្លៀសចេញ",
        "Exits are unlocked and clear during working hours; every worker knows two ways out; "
        "drills happen at least twice a year, on every shift.": "ច្រកចេញមិនចាក់សោ និងទំនេរ"
        "ក្នុងម៉ោងធ្វើការ កម្មករគ្រប់រូបស្គាល់ផ្លូវចេញពីរ ហើយការហ្វឹកហាត់ធ្វើឡើងយ៉ាងហោចណាស់"
        "ពីរដងក្នុងមួយឆ្នាំ គ្រប់វេនការងារ។",
        "When may an emergency exit be locked?": "តើច្រកចេញពេលអាសន្នអាចចាក់សោបាននៅពេលណា?",
        "Never during working hours": "មិនដែលក្នុងម៉ោងធ្វើការ",
        "At night shifts": "នៅវេនយប់",
        "When it rains": "ពេលភ្លៀង",
        "What went wrong in the last drill?": "តើមានអ្វីខុសប្រក្រតីក្នុងការហ្វឹកហាត់លើកមុន?",
        "Time how long your section takes to leave the building in the next drill.": "វាស់ពេល"
        "ដែលផ្នែករបស់អ្នកត្រូវការដើម្បីចេញពីអគារ ក្នុងការហ្វឹកហាត់លើកក្រោយ។",
        "A grievance procedure workers trust": "នីតិវិធីបណ្ដឹងតវ៉ាដែលកម្មករទុកចិត្ត",
        "A grievance procedure has clear steps, time limits, a way to raise a complaint "
        "without going through your own supervisor, and protection from retaliation.": "នីតិវិធី"
        "បណ្ដឹងតវ៉ាមានជំហានច្បាស់លាស់ កំណត់ពេលវេលា មធ្យោបាយលើកបណ្ដឹងដោយមិនចាំបាច់ឆ្លងកាត់"
        "ប្រធានក្រុមផ្ទាល់ខ្លួន និងការការពារពីការសងសឹក។",
        "Why should workers be able to bypass their supervisor?": "ហេតុអ្វីកម្មករគួរអាចរំលង"
        "ប្រធានក្រុមរបស់ខ្លួនបាន?",
        "The complaint may be about the supervisor": "បណ្ដឹងអាចនឹងទាក់ទងនឹងប្រធានក្រុមផ្ទាល់",
        "Supervisors are always wrong": "ប្រធានក្រុមតែងតែខុស",
        "To save paper": "ដើម្បីសន្សំក្រដាស",
        "What stops workers from complaining in your factory?": "តើអ្វីរារាំងកម្មករមិនឲ្យប្ដឹង"
        "តវ៉ានៅរោងចក្ររបស់អ្នក?",
        "Find where the grievance procedure is posted and read it with a colleague.": "ស្វែងរក"
        "កន្លែងដែលនីតិវិធីបណ្ដឹងតវ៉ាត្រូវបានបិទផ្សាយ ហើយអានវាជាមួយមិត្តរួមការងារ។",
        "What sexual harassment is": "អ្វីទៅជាការយាយីផ្លូវភេទ",
        "Sexual harassment is unwanted conduct of a sexual nature: comments, touching, "
        "requests for favours, images. It harms workers and productivity.": "ការយាយីផ្លូវភេទ"
        "គឺជាអាកប្បកិរិយាបែបផ្លូវភេទដែលគេមិនចង់បាន៖ ពាក្យសម្ដី ការប៉ះពាល់ ការស្នើសុំការតបស្នង "
        "រូបភាព។ វាប៉ះពាល់ដល់កម្មករ និងផលិតភាព។",
        "Is a repeated unwanted comment about a worker's body harassment?": "តើពាក្យសម្ដីដដែលៗ"
        "ដែលគេមិនចង់បាន អំពីរាងកាយរបស់កម្មករ ជាការយាយីឬទេ?",
        "Yes": "បាទ/ចាស",
        "No, if it is a joke": "ទេ ប្រសិនបើជាការលេងសើច",
        "Only if a manager says it": "លុះត្រាតែអ្នកគ្រប់គ្រងជាអ្នកនិយាយ",
        "Why do many workers never report harassment?": "ហេតុអ្វីកម្មករជាច្រើនមិនដែលរាយការណ៍អំពីការយាយី?",
        "Check whether the anti-harassment policy is posted in the languages workers read.": "ពិនិត្យ"
        "មើលថា គោលនយោបាយប្រឆាំងការយាយីត្រូវបានបិទផ្សាយជាភាសាដែលកម្មករអានបានឬទេ។",
        "Responding to a complaint": "ការឆ្លើយតបនឹងបណ្ដឹង",
        "Listen, keep it confidential, protect the person who complained, investigate "
        "promptly and act. Record each step.": "ស្ដាប់ រក្សាការសម្ងាត់ ការពារអ្នកដែលប្ដឹង "
        "ស៊ើបអង្កេតភ្លាមៗ ហើយចាត់វិធានការ។ កត់ត្រាជំហាននីមួយៗ។",
        "What comes first when someone reports harassment?": "នៅពេលមាននរណាម្នាក់រាយការណ៍"
        "អំពីការយាយី តើត្រូវធ្វើអ្វីមុនគេ?",
        "Listen and keep it confidential": "ស្ដាប់ និងរក្សាការសម្ងាត់",
        "Tell the whole line": "ប្រាប់ខ្សែទាំងមូល",
        "Ask them to forget it": "សុំឲ្យគេបំភ្លេចវាចោល",
        "Role-play: a worker tells you a mechanic touched her. What do you say?": "សម្ដែង"
        "តួនាទី៖ កម្មការិនីម្នាក់ប្រាប់អ្នកថា ជាងម៉ាស៊ីនបានប៉ះពាល់នាង។ តើអ្នកនិយាយអ្វី?",
        "Find out who the trained harassment focal points are in your factory.": "ស្វែងយល់ថា "
        "នរណាជាបុគ្គលបង្គោលដែលបានទទួលការបណ្តុះបណ្តាលអំពីការយាយី នៅរោងចក្ររបស់អ្នក។",
    },
    "bn": {
        "Contracts workers understand": "শ্রমিকেরা বোঝেন এমন চুক্তি",
        "Every worker gets a written contract in a language they read, before starting work, "
        "stating pay, hours, leave and how the contract ends.": "প্রত্যেক শ্রমিক কাজ শুরুর "
        "আগে নিজের পড়তে পারা ভাষায় একটি লিখিত চুক্তি পান, যাতে মজুরি, কর্মঘণ্টা, ছুটি এবং "
        "চুক্তি কীভাবে শেষ হয় তা লেখা থাকে।",
        "When should a worker receive the contract?": "একজন শ্রমিকের কখন চুক্তি পাওয়া উচিত?",
        "Before starting work": "কাজ শুরুর আগে",
        "After probation": "শিক্ষানবিশকালের পরে",
        "Only if asked": "চাইলে তবেই",
        "How do migrant workers in your factory learn what their contract says?": "আপনার "
        "কারখানার অভিবাসী শ্রমিকেরা কীভাবে জানেন তাঁদের চুক্তিতে কী লেখা আছে?",
        "Check three personnel files for a signed contract in the worker's language.": "তিনটি "
        "কর্মী-ফাইলে শ্রমিকের ভাষায় স্বাক্ষরিত চুক্তি আছে কি না দেখুন।",
        "Evacuation drills": "অপসারণ মহড়া",
        "Exits are unlocked and clear during working hours; every worker knows two ways out; "
        "drills happen at least twice a year, on every shift.": "কাজের সময় বহির্গমন পথ "
        "তালামুক্ত ও খালি থাকে; প্রত্যেক শ্রমিক বের হওয়ার দুটি পথ চেনেন; প্রতিটি শিফটে বছরে "
        "অন্তত দুবার মহড়া হয়।",
        "When may an emergency exit be locked?": "জরুরি বহির্গমন পথ কখন তালাবদ্ধ রাখা যায়?",
        "Never during working hours": "কাজের সময় কখনোই না",
        "At night shifts": "রাতের শিফটে",
        "When it rains": "বৃষ্টি হলে",
        "What went wrong in the last drill?": "গত মহড়ায় কী ভুল হয়েছিল?",
        "Time how long your section takes to leave the building in the next drill.": "পরের "
        "মহড়ায় আপনার সেকশনের ভবন ছেড়ে বের হতে কত সময় লাগে তা মেপে দেখুন।",
        "A grievance procedure workers trust": "শ্রমিকেরা ভরসা করেন এমন অভিযোগ প্রক্রিয়া",
        "A grievance procedure has clear steps, time limits, a way to raise a complaint "
        "without going through your own supervisor, and protection from retaliation.": "একটি "
        "অভিযোগ প্রক্রিয়ায় থাকে স্পষ্ট ধাপ, সময়সীমা, নিজের সুপারভাইজারকে এড়িয়ে অভিযোগ "
        "জানানোর উপায় এবং প্রতিশোধ থেকে সুরক্ষা।",
        "Why should workers be able to bypass their supervisor?": "শ্রমিকদের কেন নিজের "
        "সুপারভাইজারকে এড়িয়ে যাওয়ার সুযোগ থাকা উচিত?",
        "The complaint may be about the supervisor": "অভিযোগটি সুপারভাইজারকে নিয়েও হতে পারে",
        "Supervisors are always wrong": "সুপারভাইজাররা সব সময় ভুল",
        "To save paper": "কাগজ বাঁচাতে",
        "What stops workers from complaining in your factory?": "আপনার কারখানায় শ্রমিকদের "
        "অভিযোগ করতে কী বাধা দেয়?",
        "Find where the grievance procedure is posted and read it with a colleague.": "অভিযোগ "
        "প্রক্রিয়াটি কোথায় টাঙানো আছে খুঁজে বের করুন এবং একজন সহকর্মীর সঙ্গে পড়ুন।",
        "What sexual harassment is": "যৌন হয়রানি কী",
        "Sexual harassment is unwanted conduct of a sexual nature: comments, touching, "
        "requests for favours, images. It harms workers and productivity.": "যৌন হয়রানি হলো "
        "যৌন প্রকৃতির অনাকাঙ্ক্ষিত আচরণ: মন্তব্য, স্পর্শ, সুবিধা চাওয়া, ছবি। এটি শ্রমিক ও "
        "উৎপাদনশীলতার ক্ষতি করে।",
        "Is a repeated unwanted comment about a worker's body harassment?": "একজন শ্রমিকের "
        "শরীর নিয়ে বারবার অনাকাঙ্ক্ষিত মন্তব্য কি হয়রানি?",
        "Yes": "হ্যাঁ",
        "No, if it is a joke": "না, যদি তা ঠাট্টা হয়",
        "Only if a manager says it": "শুধু ব্যবস্থাপক বললে",
        "Why do many workers never report harassment?": "অনেক শ্রমিক কেন কখনো হয়রানির কথা জানান না?",
        "Check whether the anti-harassment policy is posted in the languages workers read.": "হয়রানি"
        "-বিরোধী নীতিটি শ্রমিকেরা পড়তে পারেন এমন ভাষায় টাঙানো আছে কি না দেখুন।",
        "Responding to a complaint": "অভিযোগের জবাব দেওয়া",
        "Listen, keep it confidential, protect the person who complained, investigate "
        "promptly and act. Record each step.": "শুনুন, গোপন রাখুন, অভিযোগকারীকে সুরক্ষা দিন, "
        "দ্রুত তদন্ত করুন এবং ব্যবস্থা নিন। প্রতিটি ধাপ লিখে রাখুন।",
        "What comes first when someone reports harassment?": "কেউ হয়রানির কথা জানালে প্রথমে কী করতে হয়?",
        "Listen and keep it confidential": "শুনুন এবং গোপন রাখুন",
        "Tell the whole line": "পুরো লাইনকে বলে দিন",
        "Ask them to forget it": "তাঁকে ভুলে যেতে বলুন",
        "Role-play: a worker tells you a mechanic touched her. What do you say?": "অভিনয় "
        "অনুশীলন: একজন নারী শ্রমিক আপনাকে বলেন একজন মেকানিক তাঁকে স্পর্শ করেছে। আপনি কী "
        "বলবেন?",
        "Find out who the trained harassment focal points are in your factory.": "আপনার "
        "কারখানায় হয়রানি বিষয়ে প্রশিক্ষিত ফোকাল পয়েন্ট কারা, তা জেনে নিন।",
    },
}

LESSONS["vi"] = {
    "Contracts workers understand": "Hợp đồng người lao động hiểu được",
    "Every worker gets a written contract in a language they read, before starting work, "
    "stating pay, hours, leave and how the contract ends.": "Mỗi người lao động nhận hợp đồng "
    "bằng văn bản, bằng ngôn ngữ họ đọc được, trước khi bắt đầu làm việc, ghi rõ tiền lương, "
    "giờ làm, ngày nghỉ và cách chấm dứt hợp đồng.",
    "When should a worker receive the contract?": "Khi nào người lao động phải nhận hợp đồng?",
    "Before starting work": "Trước khi bắt đầu làm việc",
    "After probation": "Sau thời gian thử việc",
    "Only if asked": "Chỉ khi được yêu cầu",
    "How do migrant workers in your factory learn what their contract says?": "Lao động di cư "
    "trong nhà máy của bạn biết hợp đồng của họ ghi gì bằng cách nào?",
    "Check three personnel files for a signed contract in the worker's language.": "Kiểm tra "
    "ba hồ sơ nhân sự xem có hợp đồng đã ký bằng ngôn ngữ của người lao động không.",
    "Evacuation drills": "Diễn tập sơ tán",
    "Exits are unlocked and clear during working hours; every worker knows two ways out; "
    "drills happen at least twice a year, on every shift.": "Lối thoát không khóa và thông "
    "thoáng trong giờ làm việc; mỗi người lao động biết hai lối ra; diễn tập ít nhất hai lần "
    "một năm, ở mọi ca.",
    "When may an emergency exit be locked?": "Khi nào lối thoát hiểm được phép khóa?",
    "Never during working hours": "Không bao giờ trong giờ làm việc",
    "At night shifts": "Vào ca đêm",
    "When it rains": "Khi trời mưa",
    "What went wrong in the last drill?": "Lần diễn tập trước có điều gì chưa tốt?",
    "Time how long your section takes to leave the building in the next drill.": "Đo thời gian "
    "bộ phận của bạn rời khỏi tòa nhà trong lần diễn tập tới.",
    "A grievance procedure workers trust": "Quy trình khiếu nại người lao động tin tưởng",
    "A grievance procedure has clear steps, time limits, a way to raise a complaint "
    "without going through your own supervisor, and protection from retaliation.": "Quy trình "
    "khiếu nại có các bước rõ ràng, thời hạn, cách nêu khiếu nại không cần qua tổ trưởng của "
    "mình, và bảo vệ khỏi bị trả thù.",
    "Why should workers be able to bypass their supervisor?": "Vì sao người lao động cần có "
    "thể không qua tổ trưởng của mình?",
    "The complaint may be about the supervisor": "Khiếu nại có thể liên quan đến chính tổ trưởng",
    "Supervisors are always wrong": "Tổ trưởng luôn sai",
    "To save paper": "Để tiết kiệm giấy",
    "What stops workers from complaining in your factory?": "Điều gì khiến người lao động "
    "trong nhà máy bạn ngại khiếu nại?",
    "Find where the grievance procedure is posted and read it with a colleague.": "Tìm nơi "
    "niêm yết quy trình khiếu nại và đọc cùng một đồng nghiệp.",
    "What sexual harassment is": "Quấy rối tình dục là gì",
    "Sexual harassment is unwanted conduct of a sexual nature: comments, touching, "
    "requests for favours, images. It harms workers and productivity.": "Quấy rối tình dục là "
    "hành vi mang tính tình dục không mong muốn: lời nói, đụng chạm, gạ gẫm, hình ảnh. Nó gây "
    "hại cho người lao động và năng suất.",
    "Is a repeated unwanted comment about a worker's body harassment?": "Lời bình luận lặp lại, "
    "không mong muốn về cơ thể người lao động có phải là quấy rối không?",
    "Yes": "Có",
    "No, if it is a joke": "Không, nếu chỉ là đùa",
    "Only if a manager says it": "Chỉ khi quản lý nói",
    "Why do many workers never report harassment?": "Vì sao nhiều người lao động không bao giờ "
    "báo cáo quấy rối?",
    "Check whether the anti-harassment policy is posted in the languages workers read.": "Kiểm "
    "tra xem chính sách phòng chống quấy rối có được niêm yết bằng ngôn ngữ người lao động "
    "đọc được không.",
    "Responding to a complaint": "Xử lý một khiếu nại",
    "Listen, keep it confidential, protect the person who complained, investigate "
    "promptly and act. Record each step.": "Lắng nghe, giữ bí mật, bảo vệ người khiếu nại, "
    "điều tra kịp thời và hành động. Ghi lại từng bước.",
    "What comes first when someone reports harassment?": "Khi có người báo cáo quấy rối, việc "
    "đầu tiên là gì?",
    "Listen and keep it confidential": "Lắng nghe và giữ bí mật",
    "Tell the whole line": "Kể cho cả chuyền biết",
    "Ask them to forget it": "Bảo họ quên chuyện đó đi",
    "Role-play: a worker tells you a mechanic touched her. What do you say?": "Đóng vai: một "
    "nữ công nhân kể với bạn rằng một thợ máy đã đụng chạm chị. Bạn sẽ nói gì?",
    "Find out who the trained harassment focal points are in your factory.": "Tìm hiểu ai là "
    "đầu mối phòng chống quấy rối đã được đào tạo trong nhà máy của bạn.",
}

LESSONS["ar"] = {
    "Contracts workers understand": "عقود يفهمها العمال",
    "Every worker gets a written contract in a language they read, before starting work, "
    "stating pay, hours, leave and how the contract ends.": "يحصل كل عامل على عقد مكتوب بلغة "
    "يقرؤها قبل بدء العمل، يبيّن الأجر وساعات العمل والإجازات وكيف ينتهي العقد.",
    "When should a worker receive the contract?": "متى يجب أن يستلم العامل العقد؟",
    "Before starting work": "قبل بدء العمل",
    "After probation": "بعد فترة التجربة",
    "Only if asked": "فقط إذا طلبه",
    "How do migrant workers in your factory learn what their contract says?": "كيف يعرف "
    "العمال المهاجرون في مصنعك ما يقوله عقدهم؟",
    "Check three personnel files for a signed contract in the worker's language.": "افحص ثلاثة "
    "ملفات للموظفين بحثًا عن عقد موقّع بلغة العامل.",
    "Evacuation drills": "تدريبات الإخلاء",
    "Exits are unlocked and clear during working hours; every worker knows two ways out; "
    "drills happen at least twice a year, on every shift.": "المخارج غير مقفلة وخالية خلال "
    "ساعات العمل؛ وكل عامل يعرف طريقين للخروج؛ وتُجرى التدريبات مرتين في السنة على الأقل "
    "في كل وردية.",
    "When may an emergency exit be locked?": "متى يجوز إقفال مخرج الطوارئ؟",
    "Never during working hours": "أبدًا خلال ساعات العمل",
    "At night shifts": "في الورديات الليلية",
    "When it rains": "عندما تمطر",
    "What went wrong in the last drill?": "ما الذي لم يسر على ما يرام في التدريب الأخير؟",
    "Time how long your section takes to leave the building in the next drill.": "قِس الوقت "
    "الذي يستغرقه قسمك لمغادرة المبنى في التدريب القادم.",
    "A grievance procedure workers trust": "إجراء تظلّم يثق به العمال",
    "A grievance procedure has clear steps, time limits, a way to raise a complaint "
    "without going through your own supervisor, and protection from retaliation.": "لإجراء "
    "التظلّم خطوات واضحة ومهل زمنية وطريقة لتقديم الشكوى دون المرور بمشرفك المباشر، "
    "وحماية من الانتقام.",
    "Why should workers be able to bypass their supervisor?": "لماذا يجب أن يتمكن العمال من "
    "تجاوز مشرفهم؟",
    "The complaint may be about the supervisor": "قد تكون الشكوى ضد المشرف نفسه",
    "Supervisors are always wrong": "المشرفون مخطئون دائمًا",
    "To save paper": "لتوفير الورق",
    "What stops workers from complaining in your factory?": "ما الذي يمنع العمال من الشكوى "
    "في مصنعك؟",
    "Find where the grievance procedure is posted and read it with a colleague.": "ابحث عن "
    "مكان نشر إجراء التظلّم واقرأه مع زميل.",
    "What sexual harassment is": "ما هو التحرش الجنسي",
    "Sexual harassment is unwanted conduct of a sexual nature: comments, touching, "
    "requests for favours, images. It harms workers and productivity.": "التحرش الجنسي سلوك "
    "غير مرغوب فيه ذو طبيعة جنسية: تعليقات أو لمس أو طلب خدمات أو صور. وهو يضر بالعمال "
    "وبالإنتاجية.",
    "Is a repeated unwanted comment about a worker's body harassment?": "هل التعليق المتكرر "
    "غير المرغوب فيه على جسد عاملة تحرش؟",
    "Yes": "نعم",
    "No, if it is a joke": "لا، إذا كان مزاحًا",
    "Only if a manager says it": "فقط إذا قاله مدير",
    "Why do many workers never report harassment?": "لماذا لا يبلّغ كثير من العمال عن التحرش أبدًا؟",
    "Check whether the anti-harassment policy is posted in the languages workers read.": "تحقق "
    "مما إذا كانت سياسة مكافحة التحرش منشورة باللغات التي يقرؤها العمال.",
    "Responding to a complaint": "الاستجابة لشكوى",
    "Listen, keep it confidential, protect the person who complained, investigate "
    "promptly and act. Record each step.": "استمع، وحافظ على السرية، واحمِ صاحب الشكوى، "
    "وحقق بسرعة واتخذ إجراءً. وسجّل كل خطوة.",
    "What comes first when someone reports harassment?": "ما أول ما يجب فعله عندما يبلّغ "
    "شخص عن تحرش؟",
    "Listen and keep it confidential": "الاستماع والحفاظ على السرية",
    "Tell the whole line": "إخبار الخط كله",
    "Ask them to forget it": "الطلب منه أن ينسى الأمر",
    "Role-play: a worker tells you a mechanic touched her. What do you say?": "تمثيل أدوار: "
    "عاملة تخبرك أن ميكانيكيًا لمسها. ماذا تقول؟",
    "Find out who the trained harassment focal points are in your factory.": "اعرف من هم "
    "جهات الاتصال المدرَّبة لقضايا التحرش في مصنعك.",
}

SEMINAR = {
    "km": {
        "Preventing sexual harassment at work": "ការបង្ការការយាយីផ្លូវភេទនៅកន្លែងធ្វើការ",
        "A one-day seminar for managers, supervisors and committee members on recognising, "
        "preventing and responding to sexual harassment.": "សិក្ខាសាលារយៈពេលមួយថ្ងៃ សម្រាប់"
        "អ្នកគ្រប់គ្រង ប្រធានក្រុម និងសមាជិកគណៈកម្មការ អំពីការស្គាល់ ការបង្ការ និងការឆ្លើយតប"
        "នឹងការយាយីផ្លូវភេទ។",
        "Owners, general managers, middle managers and supervisors": "ម្ចាស់ អគ្គនាយក "
        "អ្នកគ្រប់គ្រងកម្រិតកណ្ដាល និងប្រធានក្រុម",
        "1 day": "១ ថ្ងៃ",
        "Can a single serious incident be sexual harassment?": "តើហេតុការណ៍ធ្ងន់ធ្ងរតែមួយដង "
        "អាចជាការយាយីផ្លូវភេទបានទេ?",
        "No, it must happen several times": "ទេ វាត្រូវតែកើតឡើងច្រើនដង",
        "Who should a worker be able to report harassment to?": "តើកម្មករគួរអាចរាយការណ៍អំពី"
        "ការយាយីទៅនរណា?",
        "A trained focal point outside their reporting line": "បុគ្គលបង្គោលដែលបានទទួលការ"
        "បណ្តុះបណ្តាល ក្រៅខ្សែបង្គាប់របស់ខ្លួន",
        "Only their direct supervisor": "តែប្រធានក្រុមផ្ទាល់របស់ខ្លួនប៉ុណ្ណោះ",
        "Nobody": "គ្មាននរណាម្នាក់",
        "What must happen to a worker who reports harassment?": "តើត្រូវមានអ្វីកើតឡើងចំពោះ"
        "កម្មករដែលរាយការណ៍អំពីការយាយី?",
        "They are protected from retaliation": "ពួកគេត្រូវបានការពារពីការសងសឹក",
        "They are moved to night shift": "ពួកគេត្រូវបានផ្ទេរទៅវេនយប់",
        "Are comments about a worker's body harassment if they are meant as jokes?": "តើ"
        "ពាក្យសម្ដីអំពីរាងកាយរបស់កម្មករ ជាការយាយីឬទេ ប្រសិនបើគេនិយាយលេងសើច?",
        "Yes, if they are unwanted": "បាទ/ចាស ប្រសិនបើគេមិនចង់បាន",
        "No, jokes are never harassment": "ទេ ការលេងសើចមិនដែលជាការយាយីទេ",
    },
    "bn": {
        "Preventing sexual harassment at work": "কর্মস্থলে যৌন হয়রানি প্রতিরোধ",
        "A one-day seminar for managers, supervisors and committee members on recognising, "
        "preventing and responding to sexual harassment.": "যৌন হয়রানি চেনা, প্রতিরোধ করা ও "
        "তার জবাব দেওয়া নিয়ে ব্যবস্থাপক, সুপারভাইজার ও কমিটির সদস্যদের জন্য এক দিনের "
        "সেমিনার।",
        "Owners, general managers, middle managers and supervisors": "মালিক, মহাব্যবস্থাপক, "
        "মধ্যম পর্যায়ের ব্যবস্থাপক ও সুপারভাইজার",
        "1 day": "১ দিন",
        "Can a single serious incident be sexual harassment?": "একটিমাত্র গুরুতর ঘটনা কি যৌন "
        "হয়রানি হতে পারে?",
        "No, it must happen several times": "না, এটি কয়েকবার ঘটতে হবে",
        "Who should a worker be able to report harassment to?": "একজন শ্রমিক কার কাছে "
        "হয়রানির কথা জানাতে পারা উচিত?",
        "A trained focal point outside their reporting line": "নিজের রিপোর্টিং লাইনের বাইরের "
        "একজন প্রশিক্ষিত ফোকাল পয়েন্ট",
        "Only their direct supervisor": "শুধু নিজের সরাসরি সুপারভাইজার",
        "Nobody": "কেউ না",
        "What must happen to a worker who reports harassment?": "যে শ্রমিক হয়রানির কথা "
        "জানান, তাঁর ক্ষেত্রে কী হতে হবে?",
        "They are protected from retaliation": "তাঁকে প্রতিশোধ থেকে সুরক্ষা দেওয়া হয়",
        "They are moved to night shift": "তাঁকে রাতের শিফটে সরিয়ে দেওয়া হয়",
        "Are comments about a worker's body harassment if they are meant as jokes?": "ঠাট্টা "
        "হিসেবে বলা হলেও কি একজন শ্রমিকের শরীর নিয়ে মন্তব্য হয়রানি?",
        "Yes, if they are unwanted": "হ্যাঁ, যদি তা অনাকাঙ্ক্ষিত হয়",
        "No, jokes are never harassment": "না, ঠাট্টা কখনো হয়রানি নয়",
    },
    "vi": {
        "Preventing sexual harassment at work": "Phòng chống quấy rối tình dục tại nơi làm việc",
        "A one-day seminar for managers, supervisors and committee members on recognising, "
        "preventing and responding to sexual harassment.": "Hội thảo một ngày cho quản lý, tổ "
        "trưởng và thành viên ủy ban về nhận biết, phòng ngừa và xử lý quấy rối tình dục.",
        "Owners, general managers, middle managers and supervisors": "Chủ doanh nghiệp, tổng "
        "giám đốc, quản lý cấp trung và tổ trưởng",
        "1 day": "1 ngày",
        "Can a single serious incident be sexual harassment?": "Một sự việc nghiêm trọng duy "
        "nhất có thể là quấy rối tình dục không?",
        "No, it must happen several times": "Không, phải xảy ra nhiều lần",
        "Who should a worker be able to report harassment to?": "Người lao động cần có thể báo "
        "cáo quấy rối với ai?",
        "A trained focal point outside their reporting line": "Một đầu mối đã được đào tạo, "
        "ngoài cấp quản lý trực tiếp của họ",
        "Only their direct supervisor": "Chỉ tổ trưởng trực tiếp",
        "Nobody": "Không ai cả",
        "What must happen to a worker who reports harassment?": "Người lao động báo cáo quấy "
        "rối phải được đối xử thế nào?",
        "They are protected from retaliation": "Được bảo vệ khỏi bị trả thù",
        "They are moved to night shift": "Bị chuyển sang ca đêm",
        "Are comments about a worker's body harassment if they are meant as jokes?": "Những lời "
        "bình luận về cơ thể người lao động có phải là quấy rối nếu chỉ để đùa không?",
        "Yes, if they are unwanted": "Có, nếu người nghe không mong muốn",
        "No, jokes are never harassment": "Không, đùa thì không bao giờ là quấy rối",
    },
    "ar": {
        "Preventing sexual harassment at work": "الوقاية من التحرش الجنسي في العمل",
        "A one-day seminar for managers, supervisors and committee members on recognising, "
        "preventing and responding to sexual harassment.": "ندوة ليوم واحد للمديرين والمشرفين "
        "وأعضاء اللجان حول التعرف على التحرش الجنسي والوقاية منه والاستجابة له.",
        "Owners, general managers, middle managers and supervisors": "المالكون والمديرون "
        "العامون والمديرون المتوسطون والمشرفون",
        "1 day": "يوم واحد",
        "Can a single serious incident be sexual harassment?": "هل يمكن أن تكون حادثة خطيرة "
        "واحدة تحرشًا جنسيًا؟",
        "No, it must happen several times": "لا، يجب أن تتكرر عدة مرات",
        "Who should a worker be able to report harassment to?": "إلى من يجب أن يتمكن العامل "
        "من الإبلاغ عن التحرش؟",
        "A trained focal point outside their reporting line": "جهة اتصال مدرَّبة من خارج "
        "تسلسله الإداري",
        "Only their direct supervisor": "مشرفه المباشر فقط",
        "Nobody": "لا أحد",
        "What must happen to a worker who reports harassment?": "ماذا يجب أن يحدث للعامل الذي "
        "يبلّغ عن التحرش؟",
        "They are protected from retaliation": "يُحمى من الانتقام",
        "They are moved to night shift": "يُنقل إلى الوردية الليلية",
        "Are comments about a worker's body harassment if they are meant as jokes?": "هل "
        "التعليقات على جسد العامل تحرش إذا قيلت على سبيل المزاح؟",
        "Yes, if they are unwanted": "نعم، إذا كانت غير مرغوب فيها",
        "No, jokes are never harassment": "لا، المزاح ليس تحرشًا أبدًا",
    },
}

SUPERVISOR_TRAINING = {
    "km": {
        "Supervisory Skills Training": "ការបណ្តុះបណ្តាលជំនាញប្រធានក្រុម",
        "Four days in class, split 2 + 2, with four to six weeks of practice on the line in "
        "between, for groups of 20-25 supervisors.": "បួនថ្ងៃក្នុងថ្នាក់ បែងចែកជា ២ + ២ "
        "ដោយមានការអនុវត្តនៅលើខ្សែរយៈពេលបួនទៅប្រាំមួយសប្ដាហ៍នៅចន្លោះ សម្រាប់ក្រុមប្រធានក្រុម "
        "២០-២៥ នាក់។",
        "Line supervisors and line leaders": "ប្រធានក្រុម និងប្រធានខ្សែ",
        "4 days + 4-6 weeks of practice": "៤ ថ្ងៃ + ការអនុវត្ត ៤-៦ សប្ដាហ៍",
        "Block 1": "ផ្នែកទី ១",
        "Block 2": "ផ្នែកទី ២",
        "Hold a five-minute line meeting every day for two weeks and coach two workers using "
        "the feedback steps. Note what changed.": "ធ្វើកិច្ចប្រជុំខ្សែរយៈពេលប្រាំនាទីរៀងរាល់ថ្ងៃ "
        "រយៈពេលពីរសប្ដាហ៍ ហើយណែនាំកម្មករពីរនាក់ដោយប្រើជំហាននៃការផ្ដល់មតិយោបល់។ "
        "កត់ត្រាអ្វីដែលបានផ្លាស់ប្ដូរ។",
        "Work standards and instructions": "ស្តង់ដារការងារ និងការណែនាំ",
        "Clear, fair targets and instructions workers understand.": "គោលដៅច្បាស់លាស់ យុត្តិធម៌ "
        "និងការណែនាំដែលកម្មករយល់។",
        "Coaching and feedback": "ការណែនាំ និងការផ្ដល់មតិយោបល់",
        "Praise in public, correct in private, and show how.": "សរសើរនៅមុខគេ កែតម្រូវដោយឡែក "
        "ហើយបង្ហាញពីរបៀបធ្វើ។",
        "Fair discipline": "វិន័យដោយយុត្តិធម៌",
        "Rules everyone knows, steps everyone can predict, no fines or shouting.": "ច្បាប់ដែល"
        "គ្រប់គ្នាដឹង ជំហានដែលគ្រប់គ្នាអាចរំពឹងទុកបាន គ្មានការពិន័យ ឬការស្រែកដាក់។",
        "Communication": "ការប្រាស្រ័យទាក់ទង",
        "Listening first; daily line meetings of five minutes.": "ស្ដាប់ជាមុនសិន "
        "កិច្ចប្រជុំខ្សែប្រចាំថ្ងៃរយៈពេលប្រាំនាទី។",
        "Problem solving": "ការដោះស្រាយបញ្ហា",
        "Find the root cause with the workers who do the job.": "ស្វែងរកឫសគល់នៃបញ្ហា "
        "ជាមួយកម្មករដែលធ្វើការងារនោះ។",
        "Workers' rights": "សិទ្ធិកម្មករ",
        "What the law and the code of conduct give every worker.": "អ្វីដែលច្បាប់ "
        "និងក្រមប្រតិបត្តិផ្ដល់ឲ្យកម្មករគ្រប់រូប។",
        "What would you do differently tomorrow?": "តើថ្ងៃស្អែកអ្នកនឹងធ្វើអ្វីខុសពីមុន?",
    },
    "bn": {
        "Supervisory Skills Training": "সুপারভাইজারি দক্ষতা প্রশিক্ষণ",
        "Four days in class, split 2 + 2, with four to six weeks of practice on the line in "
        "between, for groups of 20-25 supervisors.": "২০-২৫ জন সুপারভাইজারের দলের জন্য "
        "শ্রেণিকক্ষে চার দিন, ২ + ২ ভাগে, মাঝে লাইনে চার থেকে ছয় সপ্তাহের অনুশীলন।",
        "Line supervisors and line leaders": "লাইন সুপারভাইজার ও লাইন লিডার",
        "4 days + 4-6 weeks of practice": "৪ দিন + ৪-৬ সপ্তাহের অনুশীলন",
        "Block 1": "পর্ব ১",
        "Block 2": "পর্ব ২",
        "Hold a five-minute line meeting every day for two weeks and coach two workers using "
        "the feedback steps. Note what changed.": "দুই সপ্তাহ ধরে প্রতিদিন পাঁচ মিনিটের লাইন "
        "মিটিং করুন এবং ফিডব্যাকের ধাপগুলো ব্যবহার করে দুজন শ্রমিককে হাতে-কলমে শেখান। কী "
        "বদলাল তা লিখে রাখুন।",
        "Work standards and instructions": "কাজের মান ও নির্দেশনা",
        "Clear, fair targets and instructions workers understand.": "স্পষ্ট, ন্যায্য লক্ষ্য এবং "
        "শ্রমিকেরা বোঝেন এমন নির্দেশনা।",
        "Coaching and feedback": "হাতে-কলমে শেখানো ও ফিডব্যাক",
        "Praise in public, correct in private, and show how.": "প্রশংসা সবার সামনে, সংশোধন "
        "আড়ালে, আর কীভাবে করতে হয় তা দেখিয়ে দিন।",
        "Fair discipline": "ন্যায্য শৃঙ্খলা",
        "Rules everyone knows, steps everyone can predict, no fines or shouting.": "সবাই জানে "
        "এমন নিয়ম, সবাই আগে থেকে বুঝতে পারে এমন ধাপ, কোনো জরিমানা বা চিৎকার নয়।",
        "Communication": "যোগাযোগ",
        "Listening first; daily line meetings of five minutes.": "আগে শুনুন; প্রতিদিন পাঁচ "
        "মিনিটের লাইন মিটিং।",
        "Problem solving": "সমস্যা সমাধান",
        "Find the root cause with the workers who do the job.": "যাঁরা কাজটি করেন সেই "
        "শ্রমিকদের সঙ্গে মিলে মূল কারণ খুঁজুন।",
        "Workers' rights": "শ্রমিকের অধিকার",
        "What the law and the code of conduct give every worker.": "আইন ও আচরণবিধি প্রত্যেক "
        "শ্রমিককে কী দেয়।",
        "What would you do differently tomorrow?": "আগামীকাল আপনি কী ভিন্নভাবে করবেন?",
    },
    "vi": {
        "Supervisory Skills Training": "Đào tạo kỹ năng giám sát",
        "Four days in class, split 2 + 2, with four to six weeks of practice on the line in "
        "between, for groups of 20-25 supervisors.": "Bốn ngày trên lớp, chia 2 + 2, xen giữa "
        "là bốn đến sáu tuần thực hành trên chuyền, cho nhóm 20-25 tổ trưởng.",
        "Line supervisors and line leaders": "Giám sát viên và tổ trưởng chuyền",
        "4 days + 4-6 weeks of practice": "4 ngày + 4-6 tuần thực hành",
        "Block 1": "Phần 1",
        "Block 2": "Phần 2",
        "Hold a five-minute line meeting every day for two weeks and coach two workers using "
        "the feedback steps. Note what changed.": "Họp chuyền năm phút mỗi ngày trong hai tuần "
        "và kèm cặp hai công nhân theo các bước góp ý. Ghi lại những gì đã thay đổi.",
        "Work standards and instructions": "Tiêu chuẩn công việc và hướng dẫn",
        "Clear, fair targets and instructions workers understand.": "Chỉ tiêu rõ ràng, công bằng "
        "và hướng dẫn mà công nhân hiểu được.",
        "Coaching and feedback": "Kèm cặp và góp ý",
        "Praise in public, correct in private, and show how.": "Khen trước mọi người, góp ý "
        "riêng, và chỉ cách làm.",
        "Fair discipline": "Kỷ luật công bằng",
        "Rules everyone knows, steps everyone can predict, no fines or shouting.": "Nội quy ai "
        "cũng biết, các bước ai cũng lường trước được, không phạt tiền, không quát tháo.",
        "Communication": "Giao tiếp",
        "Listening first; daily line meetings of five minutes.": "Lắng nghe trước; họp chuyền "
        "năm phút mỗi ngày.",
        "Problem solving": "Giải quyết vấn đề",
        "Find the root cause with the workers who do the job.": "Tìm nguyên nhân gốc cùng những "
        "công nhân trực tiếp làm việc.",
        "Workers' rights": "Quyền của người lao động",
        "What the law and the code of conduct give every worker.": "Những gì pháp luật và bộ "
        "quy tắc ứng xử dành cho mỗi người lao động.",
        "What would you do differently tomorrow?": "Ngày mai bạn sẽ làm khác đi điều gì?",
    },
    "ar": {
        "Supervisory Skills Training": "تدريب المهارات الإشرافية",
        "Four days in class, split 2 + 2, with four to six weeks of practice on the line in "
        "between, for groups of 20-25 supervisors.": "أربعة أيام في الصف مقسّمة 2 + 2، بينها "
        "أربعة إلى ستة أسابيع من التطبيق على خط الإنتاج، لمجموعات من 20 إلى 25 مشرفًا.",
        "Line supervisors and line leaders": "مشرفو الخطوط ورؤساء الخطوط",
        "4 days + 4-6 weeks of practice": "4 أيام + 4 إلى 6 أسابيع من التطبيق",
        "Block 1": "الجزء الأول",
        "Block 2": "الجزء الثاني",
        "Hold a five-minute line meeting every day for two weeks and coach two workers using "
        "the feedback steps. Note what changed.": "اعقد اجتماعًا للخط مدته خمس دقائق كل يوم "
        "لمدة أسبوعين، ودرّب عاملَين باتباع خطوات التغذية الراجعة. دوّن ما تغيّر.",
        "Work standards and instructions": "معايير العمل والتعليمات",
        "Clear, fair targets and instructions workers understand.": "أهداف واضحة وعادلة "
        "وتعليمات يفهمها العمال.",
        "Coaching and feedback": "التوجيه والتغذية الراجعة",
        "Praise in public, correct in private, and show how.": "امدح علنًا، وصحّح على انفراد، "
        "وبيّن الطريقة.",
        "Fair discipline": "الانضباط العادل",
        "Rules everyone knows, steps everyone can predict, no fines or shouting.": "قواعد يعرفها "
        "الجميع، وخطوات يتوقعها الجميع، بلا غرامات ولا صراخ.",
        "Communication": "التواصل",
        "Listening first; daily line meetings of five minutes.": "الاستماع أولًا؛ واجتماعات "
        "يومية للخط مدتها خمس دقائق.",
        "Problem solving": "حل المشكلات",
        "Find the root cause with the workers who do the job.": "ابحث عن السبب الجذري مع "
        "العمال الذين يؤدون العمل.",
        "Workers' rights": "حقوق العمال",
        "What the law and the code of conduct give every worker.": "ما يمنحه القانون ومدونة "
        "السلوك لكل عامل.",
        "What would you do differently tomorrow?": "ما الذي ستفعله بشكل مختلف غدًا؟",
    },
}


def course_phrasebooks() -> dict[str, dict[str, str]]:
    """Every phrase above, per language."""
    books: dict[str, dict[str, str]] = {}
    for table in (INDUCTION, LESSONS, SEMINAR, SUPERVISOR_TRAINING):
        for language, phrases in table.items():
            books.setdefault(language, {}).update(phrases)
    return books
