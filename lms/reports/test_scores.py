"""Each learner's tests rolled up as records arrive, and the knowledge gain read from them
(decision 0613).

The knowledge gain pairs each learner's first pre-test with their best post-test
(``selectors.paired_scores``, the direct definition, reads every test record: 1,000,000 at
programme scale). ``LearnerTestScores`` keeps, per learner and course, the first pre-test's
score, the best post-test's score and each phase's first and last moment, computed from the
records by the same SQL (``selectors._phase_results``) in the transaction that stores a
test result. Recomputing a learner's rows from their records, rather than adding the new
record to a running figure, is what makes the rows hold: a record sent again, a batch
retried after a crash, or a receiver run twice recompute the same rows; nothing but a
stored, server-scored record enters them.

Reading: the people filters (country, sector, organisation, role, gender, migrant status:
the person's attributes now, as in the direct definition), the course and the cohort apply
to the rows as they do to the records. A period is answered from a row when it is exact:

- the first pre-test in the period is the learner's first one when that one is in it; there
  is none when every pre-test is outside it (all after its end, or all before its start);
- the best post-test in the period is the learner's best one when every post-test is in it;
  none when every one is outside.

Any other learner and course (some tests of a phase in the period, some not) is paired from
the records, for those learners only. With no period every row is exact.
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q

from lms.records import verbs
from lms.reports.filters import ReportFilters, _day_start
from lms.reports.models import LearnerTestScores
from lms.reports.selectors import TEST_PREFIX, _phase_results, paired_scores

# The learners whose rows cannot answer a period are looked up by id (an index read of
# their records) up to this many; beyond it the records are joined to their rows instead.
UNSURE_BY_ID = 5_000

# Each learner's first pre-test (earliest, then lowest id), best post-test and each phase's
# first and last moment, per course, from the same results the direct pairing reads.
ROLL_UP_SQL = """
INSERT INTO {table} ("learner_id", "course", "pre_score", "pre_first_at", "pre_last_at",
                     "post_score", "post_first_at", "post_last_at")
SELECT "actor_id", "course", MAX("pre_score"), MAX("pre_first_at"), MAX("pre_last_at"),
       MAX("post_score"), MAX("post_first_at"), MAX("post_last_at")
FROM (
    SELECT "actor_id", "course",
           MAX(CASE WHEN "turn" = 1 THEN "score" END) AS "pre_score",
           MIN("timestamp") AS "pre_first_at", MAX("timestamp") AS "pre_last_at",
           NULL AS "post_score", NULL AS "post_first_at", NULL AS "post_last_at"
    FROM (
        SELECT "actor_id", "course", "score", "timestamp",
               ROW_NUMBER() OVER (
                   PARTITION BY "course", "actor_id" ORDER BY "timestamp", "id"
               ) AS "turn"
        FROM ({pre}) AS pre_results
    ) AS pre
    GROUP BY "actor_id", "course"
    UNION ALL
    SELECT "actor_id", "course", NULL, NULL, NULL,
           MAX("score"), MIN("timestamp"), MAX("timestamp")
    FROM ({post}) AS post_results
    GROUP BY "actor_id", "course"
) AS phases
GROUP BY "actor_id", "course"
"""


def _roll_up(only: Q | None) -> None:
    pre_sql, pre_params = _phase_results(ReportFilters(), "pre", only)
    post_sql, post_params = _phase_results(ReportFilters(), "post", only)
    table = connection.ops.quote_name(LearnerTestScores._meta.db_table)
    with connection.cursor() as cursor:
        # Django's own compilation of the results' querysets, and the table's name.
        cursor.execute(
            ROLL_UP_SQL.format(table=table, pre=pre_sql, post=post_sql),
            (*pre_params, *post_params),
        )


def scores_refresh(learner_ids) -> None:
    """Compute the rows of these learners again from their records (every course). Two
    queries, in the caller's transaction (or one of their own)."""
    learner_ids = sorted(set(learner_ids))
    if not learner_ids:
        return
    with transaction.atomic():
        LearnerTestScores.objects.filter(learner_id__in=learner_ids).delete()
        _roll_up(Q(actor_id__in=learner_ids))


def scores_rebuild() -> None:
    """Compute every row again from the records (after a bulk load that bypassed the
    records' write path, or to check the rows). One transaction: readers see the old rows
    or the new ones."""
    with transaction.atomic():
        LearnerTestScores.objects.all().delete()
        _roll_up(None)


def counts_for_scores(statement) -> bool:
    """Whether a record can move a learner's rolled-up scores: a server-scored, completed
    test with a score, as the direct definition reads (``selectors._test_statements``)."""
    return (
        statement.verb == verbs.COMPLETED
        and statement.activity.startswith(TEST_PREFIX)
        and not statement.self_reported
        and statement.score_raw is not None
        and (statement.score_max or 0) > 0
    )


def on_statements_recorded(sender, actor, statements, **kwargs):
    """New records stored (in their transaction): a test result recomputes its learner's
    rows there too, so the two are committed, or lost, together."""
    if any(counts_for_scores(statement) for statement in statements):
        scores_refresh([actor.pk])


def on_statement_saved(sender, instance, created, raw=False, **kwargs):
    """A record saved one by one (``Statement.objects.create``: an import, a fixture)
    rather than through the write path, which stores in bulk and sends
    ``statements_recorded``: its learner's rows are recomputed too (records are never
    changed once stored). Bulk inserts that bypass both call :func:`scores_rebuild`."""
    if created and not raw and counts_for_scores(instance):
        scores_refresh([instance.actor_id])


def connect_receivers() -> None:
    from django.db.models.signals import post_save

    from lms.records.models import Statement
    from lms.records.signals import statements_recorded

    statements_recorded.connect(on_statements_recorded, dispatch_uid="reports_test_scores")
    post_save.connect(on_statement_saved, sender=Statement, dispatch_uid="reports_test_scores")


def _bounds(f: ReportFilters):
    start = _day_start(f.since) if f.since else None
    end = _day_start(f.until + dt.timedelta(days=1)) if f.until else None
    return start, end


def _conditions(f: ReportFilters) -> tuple[Q, Q | None]:
    """The rows that answer ``f``'s period exactly, and those that may have a pair in it
    but cannot tell which (``None`` without a period)."""
    start, end = _bounds(f)
    both = Q(pre_score__isnull=False, post_score__isnull=False)
    if start is None and end is None:
        return both, None
    exact = both
    possible = both
    unsure = Q()
    if start is not None:
        exact &= Q(pre_first_at__gte=start, post_first_at__gte=start)
        possible &= Q(pre_last_at__gte=start, post_last_at__gte=start)
        unsure |= Q(pre_first_at__lt=start) | Q(post_first_at__lt=start)
    if end is not None:
        exact &= Q(pre_first_at__lt=end, post_last_at__lt=end)
        possible &= Q(pre_first_at__lt=end, post_first_at__lt=end)
        unsure |= Q(post_last_at__gte=end)
    return exact, possible & unsure


def rolled_up_pairs(f: ReportFilters) -> dict[int, list[tuple[float, float, int]]]:
    """What :func:`lms.reports.selectors.paired_scores` gives for ``f``, from the rolled-up
    rows where they answer exactly and from the records of the other learners (see the
    module's docstring). One query without a period; with one, two, and a third when some
    learners' tests straddle its bounds."""
    from courses.models import Enrolment

    rows = LearnerTestScores.objects.filter(f.people_q("learner__"))
    course = f.cohort.course if f.cohort else f.course
    if course:
        rows = rows.filter(course=str(course.pk))
    if f.cohort:
        rows = rows.filter(
            Exists(Enrolment.objects.filter(learner_id=OuterRef("learner_id"), cohort=f.cohort))
        )
    exact, unsure = _conditions(f)
    pairs: dict[int, list[tuple[float, float, int]]] = {}
    counted = (
        rows.filter(exact)
        .values_list("course", "pre_score", "post_score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for course_key, pre, post, learners in counted:
        if course_key.isdigit():  # an activity the site did not make has no course
            pairs.setdefault(int(course_key), []).append((pre, post, learners))
    if unsure is None:
        return pairs
    learners = list(
        rows.filter(unsure).values_list("learner_id", flat=True).distinct()[: UNSURE_BY_ID + 1]
    )
    if not learners:
        return pairs
    only = Exists(
        LearnerTestScores.objects.filter(
            unsure, learner_id=OuterRef("actor_id"), course=OuterRef("course")
        )
    )
    if len(learners) <= UNSURE_BY_ID:
        only = Q(only) & Q(actor_id__in=learners)
    for course_id, scores in paired_scores(f, only).items():
        pairs.setdefault(course_id, []).extend(scores)
    return pairs
