"""Each learner's tests rolled up as records arrive (``lms.reports.test_scores``, decision
0613): the knowledge gain read from the rolled-up rows (and, for learners whose tests
straddle a period's bounds, from their records) is the direct pairing of every record
(``selectors.paired_scores``) on random data under every filter; the rows are kept by each
kind of write (a new record, a record sent again, a batch whose transaction failed, a
learner erased or moved), and the reading costs the same queries at two sizes."""

import datetime as dt
import random
import uuid
from collections import Counter

import pytest
from django.utils import timezone

from courses import services as course_services
from lms.records import verbs
from lms.records.activities import activity_id
from lms.records.services import StatementForbidden, statements_record
from lms.records.signals import statements_recorded
from lms.reports.filters import ReportFilters
from lms.reports.models import LearnerTestScores
from lms.reports.selectors import knowledge_gain, paired_scores
from lms.reports.test_scores import UNSURE_BY_ID, _conditions, rolled_up_pairs, scores_rebuild
from tests.courses import factories as courses
from tests.reports.test_paired_scores import reference_gain
from tests.reports.test_training_prepared import (
    CODES,
    random_training,
    server_scored_test,
    views_across_periods,
)
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def counted(pairs) -> dict[int, Counter]:
    """Pairs as {course: {(pre, post): learners}}: the rolled-up reading may give one
    (pre, post) value in two rows (rows read exactly, learners read from their records)."""
    result: dict[int, Counter] = {}
    for course, scores in pairs.items():
        for pre, post, learners in scores:
            result.setdefault(course, Counter())[(pre, post)] += learners
    return result


def kept_rows():
    return sorted(
        LearnerTestScores.objects.values_list(
            "learner_id",
            "course",
            "pre_score",
            "pre_first_at",
            "pre_last_at",
            "post_score",
            "post_first_at",
            "post_last_at",
        )
    )


@pytest.mark.parametrize("seed", [1, 8, 31, 2026])
def test_the_rolled_up_gain_is_the_direct_pairing_on_random_data(seed, home_page):
    rng = random.Random(seed)
    course, cohort, organisations = random_training(rng, home_page)
    # More tests on either side of the periods' bounds, one record at a time.
    learners = list(LearnerTestScores.objects.values_list("learner", flat=True).distinct())
    now = timezone.now()
    for learner_id in rng.sample(learners, len(learners) // 2):
        learner = LearnerTestScores.objects.filter(learner_id=learner_id).first().learner
        for _take in range(rng.randint(1, 3)):
            server_scored_test(
                learner,
                course,
                rng.choice(["pre", "post"]),
                rng.randint(0, 10),
                timestamp=now - dt.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23)),
                self_reported=False,
            )
    views = views_across_periods(rng, course, cohort, organisations, days=65)
    straddling = 0
    for filters in views:
        assert counted(rolled_up_pairs(filters)) == counted(paired_scores(filters)), filters
        if not filters.narrows_people:  # what Python's reading of every record knows
            assert untitled(knowledge_gain(filters)) == untitled(reference_gain(filters))
        _exact, unsure = _conditions(filters)
        if unsure is not None:
            straddling += LearnerTestScores.objects.filter(unsure).count()
    assert straddling, "no learner's tests straddled a bound: the records' path went untested"
    assert any(knowledge_gain(filters) for filters in views)
    # The rows kept record by record are those a rebuild from every record computes.
    kept = kept_rows()
    scores_rebuild()
    assert kept_rows() == kept


def untitled(rows):
    return [{k: v for k, v in row.items() if k != "course"} for row in rows]


def test_learners_straddling_a_bound_beyond_the_id_list_are_read_through_their_rows(
    home_page, monkeypatch
):
    """Past ``UNSURE_BY_ID`` learners the records are joined to the rows instead of read by
    id: the same pairs."""
    random_training(random.Random(5), home_page)
    filters = ReportFilters(since=timezone.localdate() - dt.timedelta(days=30))
    expected = counted(paired_scores(filters))
    assert UNSURE_BY_ID > 1
    monkeypatch.setattr("lms.reports.test_scores.UNSURE_BY_ID", 1)
    assert counted(rolled_up_pairs(filters)) == expected


# --- kept by every kind of write -------------------------------------------------------


@pytest.fixture
def tested_course(home_page):
    section = courses.section(home_page)
    return courses.seminar(section, questions=2, self_enrolment=True)


def submit(learner, course, phase, answers, token):
    ids = [block.id for block in course.test_questions]
    return course_services.test_submit(
        learner=learner,
        course=course,
        phase=phase,
        answers=dict(zip(ids, answers, strict=True)),
        form_token=course_services.derived_statement_id(token),
    )


def test_a_test_taken_on_the_site_is_rolled_up_in_its_transaction(tested_course):
    learner = courses.learner("vn")
    course_services.enrolment_create(learner=learner, course=tested_course)
    submit(learner, tested_course, "pre", [0, 1], "pre")
    row = LearnerTestScores.objects.get(learner=learner)
    assert (row.course, row.pre_score, row.post_score) == (str(tested_course.pk), 50.0, None)
    submit(learner, tested_course, "post", [0, 0], "post")
    submit(learner, tested_course, "post", [1, 1], "post-again")  # a worse retake
    row = LearnerTestScores.objects.get(learner=learner)  # computed again: a new row
    assert (row.pre_score, row.post_score) == (50.0, 100.0)
    assert knowledge_gain(ReportFilters()) == [
        {
            "course_id": tested_course.pk,
            "course": tested_course.title,
            "pre": 50.0,
            "post": 100.0,
            "gain": 50.0,
            "learners": 1,
        }
    ]


def test_a_record_sent_again_changes_nothing(tested_course):
    learner = courses.learner("vn")
    course_services.enrolment_create(learner=learner, course=tested_course)
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": verbs.COMPLETED},
        "object": {"id": activity_id("test", f"{tested_course.pk}.pre")},
        "result": {"score": {"raw": 3, "max": 4}},
    }
    statements_record(actor=learner, statements=statement, scored_by_server=True)
    before = kept_rows()
    statements_record(actor=learner, statements=statement, scored_by_server=True)
    statements_record(actor=learner, statements=[statement], scored_by_server=True)
    assert kept_rows() == before
    assert LearnerTestScores.objects.get().pre_score == 75.0


def test_a_batch_whose_transaction_fails_leaves_no_row_and_its_retry_counts_once(tested_course):
    learner = courses.learner("vn")
    course_services.enrolment_create(learner=learner, course=tested_course)
    statements = [
        {
            "id": str(uuid.uuid4()),
            "verb": {"id": verbs.COMPLETED},
            "object": {"id": activity_id("test", f"{tested_course.pk}.{phase}")},
            "result": {"score": {"raw": raw, "max": 4}},
        }
        for phase, raw in (("pre", 1), ("post", 4))
    ]

    def crash(sender, **kwargs):
        raise RuntimeError("a receiver died half-way")

    statements_recorded.connect(crash, dispatch_uid="test_crash")
    try:
        with pytest.raises(RuntimeError):
            statements_record(actor=learner, statements=statements, scored_by_server=True)
    finally:
        statements_recorded.disconnect(dispatch_uid="test_crash")
    assert not LearnerTestScores.objects.exists()
    statements_record(actor=learner, statements=statements, scored_by_server=True)
    statements_record(actor=learner, statements=statements, scored_by_server=True)
    assert [(r.pre_score, r.post_score) for r in LearnerTestScores.objects.all()] == [(25.0, 100.0)]
    assert knowledge_gain(ReportFilters())[0]["learners"] == 1


def test_a_learner_cannot_score_a_test_themselves(tested_course):
    """The test is scored on the server: a score the learner sends is refused, so it never
    reaches the rows (nor the records)."""
    learner = courses.learner("vn")
    course_services.enrolment_create(learner=learner, course=tested_course)
    with pytest.raises(StatementForbidden):
        statements_record(
            actor=learner,
            statements={
                "id": str(uuid.uuid4()),
                "verb": {"id": verbs.COMPLETED},
                "object": {"id": activity_id("test", f"{tested_course.pk}.post")},
                "result": {"score": {"raw": 4, "max": 4}},
            },
        )
    assert not LearnerTestScores.objects.exists()


def test_an_erased_learner_still_counts_and_a_moved_one_counts_where_they_are_now(
    tested_course,
):
    from lms.privacy.erasure import person_erase, pseudonym_new

    erased, moving, staying = (courses.learner("vn") for _ in range(3))
    for n, learner in enumerate((erased, moving, staying)):
        course_services.enrolment_create(learner=learner, course=tested_course)
        submit(learner, tested_course, "pre", [1, 1], f"pre-{n}")
        submit(learner, tested_course, "post", [0, n % 2], f"post-{n}")
    person_erase(person=erased, pseudonym=pseudonym_new())
    moving.country = country("jo")
    moving.save(update_fields=["country"])
    for filters in (
        ReportFilters(),
        ReportFilters(country=country("vn")),
        ReportFilters(country=country("jo")),
    ):
        assert counted(rolled_up_pairs(filters)) == counted(paired_scores(filters)), filters
    assert knowledge_gain(ReportFilters(country=country("jo")))[0]["learners"] == 1
    assert knowledge_gain(ReportFilters(country=country("vn")))[0]["learners"] == 2


def test_a_learner_with_records_cannot_be_deleted_so_no_row_outlives_them(tested_course):
    """Records are kept (an erasure pseudonymises the person instead): the rows of a
    learner go only with the learner, who goes only without records."""
    from django.db.models import ProtectedError

    learner = courses.learner("vn")
    course_services.enrolment_create(learner=learner, course=tested_course)
    submit(learner, tested_course, "pre", [1, 1], "pre")
    with pytest.raises(ProtectedError):
        learner.delete()
    assert LearnerTestScores.objects.filter(learner=learner).exists()
    other = courses.learner("vn")
    LearnerTestScores.objects.create(learner=other, course="1", pre_score=1.0)
    other.delete()
    assert not LearnerTestScores.objects.filter(learner_id=other.pk).exists()


# --- queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("learners", [4, 40])
def test_the_gain_costs_the_same_queries_at_two_sizes(
    learners, tested_course, django_assert_max_num_queries
):
    rng = random.Random(learners)
    now = timezone.now()
    for _n in range(learners):
        learner = courses.learner(rng.choice(CODES))
        for phase in ("pre", "post", "pre", "post"):
            server_scored_test(
                learner,
                tested_course,
                phase,
                rng.randint(0, 10),
                timestamp=now - dt.timedelta(days=rng.randint(0, 20)),
                self_reported=False,
            )
    straddling = ReportFilters(since=timezone.localdate() - dt.timedelta(days=10))
    with django_assert_max_num_queries(2):  # the rows, the titles
        assert knowledge_gain(ReportFilters())
    with django_assert_max_num_queries(4):  # + the learners straddling, their records
        assert knowledge_gain(straddling)
