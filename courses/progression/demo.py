"""Demo content for prerequisites and the question bank: an OSH bank of questions, and a
seminar on the factory's OSH committee that requires the induction kit first and ends with
a knowledge check drawn from the bank (three attempts, the best counts)."""

from courses.models import InductionKitPage, LessonPage, SeminarPage
from courses.progression.models import BankQuestion, CoursePrerequisite, QuizRules
from lms.taxonomy.models import Cluster

OSH_BANK = [
    (
        "Who pays for personal protective equipment?",
        ["The employer", "The worker", "The worker and the employer, half each"],
        "The law puts the cost of protective equipment on the employer.",
    ),
    (
        "When may an emergency exit be locked?",
        ["Never during working hours", "At night only", "When the line is busy"],
        "",
    ),
    (
        "How often should the factory hold a fire drill?",
        ["At least every six months", "Once, when the factory opens", "Only after a fire"],
        "",
    ),
    (
        "Who sits on the OSH committee?",
        [
            "Management and worker representatives",
            "Managers only",
            "The buyer's auditor",
        ],
        "",
    ),
    (
        "A worker sees a chemical without a label. What should they do?",
        ["Stop and report it to the supervisor", "Smell it to find out", "Pour it away"],
        "",
    ),
    (
        "What must be next to every chemical in use?",
        ["Its safety data sheet in a language workers read", "A fire extinguisher", "Nothing"],
        "",
    ),
    (
        "Where is first-aid equipment kept?",
        ["Within reach of every section, with a trained first-aider", "In the office safe"],
        "",
    ),
    (
        "How should a heavy load be lifted?",
        ["With a straight back, bending the knees", "With a bent back, legs straight"],
        "",
    ),
]


def _bank(osh):
    existing = set(BankQuestion.objects.filter(topic=osh).values_list("question", flat=True))
    for text, answers, explanation in OSH_BANK:
        if text in existing:
            continue
        question = BankQuestion(
            topic=osh,
            question=text,
            explanation=explanation,
            choices=[("answer", {"text": a, "correct": i == 0}) for i, a in enumerate(answers)],
        )
        question.full_clean()
        question.save()


def load():
    from courses.demo import _child, _section, _tag

    osh = Cluster.objects.canonical().get(code="osh")
    _bank(osh)
    training = _section("training")
    kit = InductionKitPage.objects.live().filter(slug="induction-new-workers").first()
    seminar, created = _child(
        training,
        SeminarPage,
        "osh-committee-in-practice",
        title="The OSH committee in practice",
        summary="For committee members: walk-throughs, risk registers and following up "
        "what the committee found. Complete the induction for new workers first.",
        audience="OSH committee members",
        duration="Half a day",
        self_enrolment=True,
        complete_lessons=True,
        complete_knowledge_checks=True,
    )
    if created:
        _tag(seminar, countries=["vn", "jo"], clusters=["osh"])
        _child(
            seminar,
            LessonPage,
            "committee-walk-through",
            title="The monthly walk-through",
            minutes=30,
            body=[
                (
                    "rich_text",
                    "<p>Once a month, two committee members, one from management and one "
                    "worker representative, walk every section with a checklist. They "
                    "note hazards, ask workers what worries them, and agree who fixes "
                    "what by when.</p>",
                ),
                ("bank_quiz", {"topic": osh, "count": 4, "pass_percent": 75}),
            ],
        )
    if kit and not CoursePrerequisite.objects.filter(course=seminar).exists():
        CoursePrerequisite.objects.create(course=seminar, required=kit)
    QuizRules.objects.get_or_create(
        course=seminar, defaults={"attempt_limit": 3, "counts": QuizRules.Counts.BEST}
    )
    return seminar
