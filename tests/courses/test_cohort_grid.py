"""The trainer's grid counts its statements as they arrive and writes its rows in Python
(decision 0632): on random learning records, each figure is the one the rule in
courses/selectors.py's docstring gives when computed directly, statement by statement, and
the rows are the HTML the template's loop wrote."""

import datetime as dt
import hashlib
import random
import uuid

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation
from wagtail.models import Locale

from courses import selectors
from courses.models import Attendance, Enrolment
from lms.records import verbs
from lms.records.activities import activity_id
from lms.records.models import Statement
from tests.courses import factories

pytestmark = pytest.mark.django_db

VERBS = [
    verbs.COMPLETED,
    verbs.PASSED,
    verbs.ANSWERED,
    verbs.FAILED,
    verbs.EXPERIENCED,
    verbs.ATTEMPTED,
]


def _course(kind, training):
    if kind == "programme":  # columns are modules
        return factories.programme(training, modules=3, lessons=2, complete_knowledge_checks=True)
    return factories.seminar(training, lessons=3, questions=3, complete_knowledge_checks=True)


def _random_records(rng, course, cohort, people):
    """Statements on the course's lessons, questions and tests and on things inside lessons
    or elsewhere, with every verb; later cycles for some enrolments, completions, and
    attendance."""
    structure = selectors.course_structure(course=course)
    lessons = [activity_id("lesson", key) for key in structure.lesson_ids]
    questions = list(structure.question_ids)
    tests = [activity_id("test", f"{course.pk}.{phase}") for phase in ("pre", "post")]
    test_ids = [block.id for block in course.test_questions]
    start = timezone.now() - dt.timedelta(days=30)
    moments = rng.sample(range(30 * 24 * 60), 60 * len(people))  # distinct: the last test wins
    statements = []
    for person in people:
        for _ in range(rng.randint(0, 60)):
            kind = rng.random()
            if kind < 0.35:
                activity, parent = rng.choice(lessons), rng.choice(["", *lessons])
            elif kind < 0.6:
                activity, parent = rng.choice(questions), rng.choice(["", *lessons])
            elif kind < 0.8:
                activity = activity_id("h5p", f"{rng.randint(1, 3)}")
                parent = rng.choice(["", *lessons])
            elif kind < 0.95:
                activity, parent = rng.choice(tests), ""
            else:
                activity, parent = "https://example.org/elsewhere", rng.choice(["", *lessons])
            verb = rng.choice(VERBS)
            if activity in tests and rng.random() < 0.8:
                verb = verbs.COMPLETED
            elif activity in questions and rng.random() < 0.5:
                verb = rng.choice([verbs.PASSED, verbs.ANSWERED])
            maximum = rng.choice([None, 0, 3, 5])
            answered = rng.sample(test_ids, rng.randint(0, len(test_ids)))
            marks = {i: rng.random() < 0.5 for i in answered}
            data = rng.choice(
                [
                    {},
                    {"result": None},
                    {"result": {"extensions": None}},
                    {"result": {"extensions": {selectors.ANSWERS_EXTENSION: marks}}},
                    {"result": {"extensions": {selectors.ANSWERS_EXTENSION: marks}}},
                ]
            )
            statements.append(
                Statement(
                    actor=person,
                    verb=verb,
                    activity=activity,
                    activity_kind="x",
                    parent_activity=parent,
                    success=rng.choice([None, True, False]),
                    score_raw=None if maximum is None else rng.randint(0, maximum),
                    score_max=maximum,
                    timestamp=start + dt.timedelta(minutes=moments.pop()),
                    content_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
                    data=data,
                )
            )
    Statement.objects.bulk_create(statements)
    for enrolment in Enrolment.objects.filter(learner__in=people):
        changes = {}
        if rng.random() < 0.3:  # a later cycle of a recurring training
            changes["cycle_started_at"] = start + dt.timedelta(days=rng.randint(0, 30))
        if rng.random() < 0.2:
            changes["completed_at"] = timezone.now()
        if changes:
            Enrolment.objects.filter(pk=enrolment.pk).update(**changes)
    sessions = [factories.session(cohort, title=f"Session {n}") for n in range(3)]
    for session in sessions:
        moment = start + dt.timedelta(days=rng.randint(0, 30))
        type(session).objects.filter(pk=session.pk).update(starts_at=moment)
        for person in rng.sample(people, rng.randint(0, len(people))):
            Attendance.objects.create(session=session, learner=person, present=rng.random() < 0.8)


def _direct(course, person):
    """The learner's figures from the rule itself, statement by statement."""
    structure = selectors.course_structure(course=course)
    enrolment = Enrolment.objects.filter(learner=person, course=course).first()
    statements = list(Statement.objects.filter(actor=person).order_by("timestamp"))
    counted = [
        s
        for s in statements
        if enrolment is None
        or enrolment.cycle_started_at is None
        or s.timestamp >= enrolment.cycle_started_at
    ]
    lesson_ids = {activity_id("lesson", key): key for key in structure.lesson_ids}
    done = set()
    for s in counted:
        if s.verb in (verbs.COMPLETED, verbs.PASSED):
            # A lesson's own statement completes that lesson, not its parent.
            if s.activity in lesson_ids:
                done.add(lesson_ids[s.activity])
            elif s.parent_activity in lesson_ids and not s.activity.startswith(
                activity_id("question", "")
            ):
                done.add(lesson_ids[s.parent_activity])
    passed = {
        question
        for question in structure.question_ids
        if any(
            s.activity == question
            and (s.verb == verbs.PASSED or (s.verb == verbs.ANSWERED and s.success))
            for s in counted
        )
    }
    latest = {}
    for phase in ("pre", "post"):
        tests = [
            s
            for s in statements  # tests count in every cycle
            if s.verb == verbs.COMPLETED
            and s.activity == activity_id("test", f"{course.pk}.{phase}")
        ]
        latest[phase] = tests[-1] if tests else None
    percents = [
        100 * (s.score_raw or 0) / s.score_max if s is not None and s.score_max else None
        for s in (latest["pre"], latest["post"])
    ]
    gain = percents[1] - percents[0] if None not in percents else None
    return done, passed, latest, (*percents, gain)


@pytest.mark.parametrize("kind", ["programme", "seminar", "translation"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_grid_figures_are_the_rules_own_on_random_records(training, kind, seed):
    rng = random.Random(seed)
    course = _course("programme" if kind == "translation" else kind, training)
    people = [factories.learner() for _ in range(12)]
    if kind == "translation":
        # A cohort of the Arabic translation, whose enrolments name the translation (rows
        # from before enrolments named the course itself) for some learners and the course
        # for the others: their progress counts in the cycles of their enrolments in it.
        arabic = Locale.objects.get_or_create(language_code="ar")[0]
        for page in [course, *course.get_descendants().specific()]:
            page.copy_for_translation(arabic, copy_parents=True)
        translation = course.get_translation(arabic)
        cohort = factories.cohort(translation, trainers=[factories.trainer()])
        factories.enrol(translation, people[:6], cohort=cohort)
        Enrolment.objects.bulk_create(
            Enrolment(learner=p, course=translation, cohort=cohort, source="trainer")
            for p in people[6:]
        )
        assert Enrolment.objects.filter(cohort=cohort, course=course).count() == 6
    else:
        cohort = factories.cohort(course, trainers=[factories.trainer()])
        factories.enrol(course, people, cohort=cohort)
    _random_records(rng, course, cohort, people)

    grid = selectors.cohort_grid(cohort=cohort)
    one_by_one = selectors.progress_for_learners(course=course, learners=people, cohort=cohort)
    gain = selectors.knowledge_gain(course=course, learner_ids=[p.pk for p in people])
    assert sorted(row.learner.pk for row in grid.rows) == sorted(p.pk for p in people)
    answers = {"pre": {}, "post": {}}
    for row in grid.rows:
        done, passed, latest, percents = _direct(course, row.learner)
        assert row.progress.lessons_done == done
        assert row.progress.checks_passed == passed
        assert row.cells == [
            (len(set(column.lesson_keys) & done), len(column.lesson_keys))
            for column in grid.columns
        ]
        assert (row.pre, row.post, row.gain) == percents
        assert row.progress == one_by_one[row.learner.pk]
        assert row.percent == one_by_one[row.learner.pk].percent(course)
        for phase, statement in latest.items():
            if statement is not None:
                result = (statement.data.get("result") or {}).get("extensions") or {}
                answers[phase][row.learner.pk] = result.get(selectors.ANSWERS_EXTENSION, {})
    per_question = []
    for block in course.test_questions:
        rates = []
        for phase in ("pre", "post"):
            marks = [a[block.id] for a in answers[phase].values() if block.id in a]
            rates.append(100 * sum(marks) / len(marks) if marks else None)
        per_question.append((block.value["question"], *rates))
    assert grid.gain.per_question == per_question == gain.per_question
    # The records are not empty: lessons done and not, checks passed, tests taken.
    assert any(row.progress.lessons_done for row in grid.rows)
    assert any(row.progress.checks_passed for row in grid.rows)
    assert any(row.pre is not None for row in grid.rows) or kind == "programme"
    assert any(row.progress.sessions_attended for row in grid.rows)


# The loop courses/cohort_detail.html wrote the rows with before decision 0632.
TEMPLATE_LOOP = """{% load i18n %}{% for row in grid.rows %}
      <tr>
        <th scope="row">{{ row.learner.name }}{% if not row.learner.email %}
          <form method="post" action="{% url 'courses:learner_new_slip' cohort.pk row.learner.pk %}" class="inline-form">{% csrf_token %}<button type="submit" class="link-button slip-button" title="{% translate 'New password and login slip' %}">{% translate "New slip" %}</button></form>{% endif %}{% if has_cmi5 %} <a class="cmi5-units-link" href="{% url 'courses:learner_cmi5' cohort.pk row.learner.pk %}">{% translate "cmi5 units" %}</a>{% endif %}{% if row.progress.completed_at %} <span class="status-done">✓<span class="visually-hidden"> {% translate "completed" %}</span></span>{% endif %}</th>
        {% for done, total in row.cells %}<td class="cell{% if total and done == total %} cell-done{% elif done %} cell-partial{% endif %}">{{ done }}/{{ total }}</td>{% endfor %}
        <td>{{ row.progress.sessions_attended }}/{{ grid.sessions_total }}</td>
        <td>{% if row.gain is not None %}{{ row.gain|floatformat:0 }}{% else %}—{% endif %}</td>
        <td>{{ row.percent }}</td>
      </tr>
    {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "vi", "ar"])
@pytest.mark.parametrize("has_cmi5", [True, False])
def test_the_grid_rows_are_the_html_the_template_loop_wrote(training, language, has_cmi5):
    rng = random.Random(language)
    course = _course("programme", training)
    trainer = factories.trainer()
    cohort = factories.cohort(course, trainers=[trainer])
    people = [
        factories.learner(display_name=name, email=email)
        for name, email in [
            ("Nguyễn Thị <b>Lan</b>", ""),
            ('O\'Brien & "Sons"', "ob@example.org"),
            ("", ""),
            ("Ahmad", "a@example.org"),
        ]
    ]
    factories.enrol(course, people, cohort=cohort)
    _random_records(rng, course, cohort, people)
    grid = selectors.cohort_grid(cohort=cohort)
    gains = [None, -12.5, 0.5, 2.5, 33.3333, -0.4, 100.0]
    for row in grid.rows:
        row.gain = rng.choice(gains)
        row.percent = rng.choice([0, 7, 100, 1234])
        row.progress.sessions_attended = rng.choice([0, 2, 1500])
    request = RequestFactory().get("/")
    request.user = trainer
    marker = "<!-- the tag's rows -->"
    both = engines["django"].from_string(
        TEMPLATE_LOOP + marker + "{% load cohort_grid %}{% cohort_grid_rows grid cohort has_cmi5 %}"
    )
    with translation.override(language):
        html = both.render({"grid": grid, "cohort": cohort, "has_cmi5": has_cmi5}, request=request)
    loop, tag = html.split(marker)
    assert tag == loop
    assert tag.count("<tr>") == 4
    assert "&lt;b&gt;Lan&lt;/b&gt;" in tag
    assert "csrfmiddlewaretoken" in tag
