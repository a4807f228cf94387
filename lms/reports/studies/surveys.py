"""Worker surveys: reading a survey in a worker's language, storing an anonymous response
once, and the results (always through the small-count rule of lms/reports/disclosure.py:
answers are about workers, even without their names).

``survey_results`` is also the selector the "human and social development" indicators use.
"""

import datetime as dt
import hashlib
import hmac
import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.reports.disclosure import SMALLEST_SHARED_COUNT, shared_table
from lms.reports.selectors import Column, Table
from lms.reports.studies.models import (
    QuestionAudio,
    RoundFactory,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)
from lms.taxonomy.locales import locale_for_language


class AlreadyAnswered(Exception):
    """This device has already answered this survey in this factory."""


class RoundClosed(Exception):
    """The round is not open today."""


@dataclass
class ShownQuestion:
    """A question as a worker sees it: the canonical row (answers point at it), the text in
    their language and the recording in their language, if any."""

    question: SurveyQuestion
    text: str
    options: list[tuple[int, str]]
    low_label: str
    high_label: str
    unit: str
    audio_url: str
    language: str  # the language the text is in (for lang= when it is not the page's)

    @property
    def field_name(self) -> str:
        return f"q{self.question.pk}"

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.question.scale_min, self.question.scale_max + 1))


def round_is_open(survey_round: SurveyRound, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey_round.opens_on <= today <= survey_round.closes_on


def questions_for(survey, language: str) -> tuple[str, str, list[ShownQuestion]]:
    """The survey's title, introduction and questions in ``language`` where translated
    (else in the original). Four queries at most, whatever the number of questions: the
    locale comes from what the process keeps (lms.taxonomy.locales)."""
    questions = list(survey.questions.order_by("sort_order", "pk"))
    locale = locale_for_language(language)
    translated_survey = survey
    translated = {}
    if locale and locale.pk != survey.locale_id:
        translated_survey = survey.get_translation_or_none(locale) or survey
        translated = {
            q.translation_key: q
            for q in SurveyQuestion.objects.filter(
                locale=locale, translation_key__in=[q.translation_key for q in questions]
            )
        }
    recordings = {
        a.question_id: a.file.url
        for a in QuestionAudio.objects.filter(question__in=questions, language=language)
    }
    shown = []
    for question in questions:
        text_row = translated.get(question.translation_key, question)
        labels = text_row.option_labels()
        if len(labels) != len(question.option_labels()):
            labels = question.option_labels()  # a translation missing options: the original
            text_row = question
        shown.append(
            ShownQuestion(
                question=question,
                text=text_row.text,
                options=list(enumerate(labels, start=1)),
                low_label=text_row.low_label,
                high_label=text_row.high_label,
                unit=text_row.unit,
                audio_url=recordings.get(question.pk, ""),
                language=language if text_row is not question else survey.locale.language_code,
            )
        )
    return translated_survey.title, translated_survey.introduction, shown


def device_key(token: str, round_factory: RoundFactory) -> str:
    """A keyed hash of a device's random token and this round's factory: the same device
    gives the same key in one round, and keys of two rounds cannot be linked."""
    secret = settings.SECRET_KEY.encode()
    message = f"survey-device:{round_factory.pk}:{token}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def clean_answers(questions: list[SurveyQuestion], data) -> tuple[dict[int, int], dict[int, str]]:
    """The answers given (a question may be skipped), and an error per question whose
    answer is not one it allows."""
    answers, errors = {}, {}
    for question in questions:
        raw = (data.get(f"q{question.pk}") or "").strip()
        if not raw:
            continue
        try:
            value = int(raw)
        except ValueError:
            errors[question.pk] = _("Give a whole number.")
            continue
        low, high = question.allowed_values()
        if not low <= value <= high:
            errors[question.pk] = _("Give a number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
            continue
        answers[question.pk] = value
    return answers, errors


def _earlier_responses(
    *, round_factory: RoundFactory, client_id: uuid.UUID, device: str
) -> tuple[SurveyResponse | None, bool]:
    """This submission if it was stored before, and whether the device has answered in this
    round: one query for both (a response row per match, two at most, since each is unique)."""
    rows = list(
        SurveyResponse.objects.filter(
            Q(client_id=client_id) | Q(round_factory=round_factory, device=device)
        )[:2]
    )
    existing = next((row for row in rows if row.client_id == client_id), None)
    device_answered = any(
        row.round_factory_id == round_factory.pk and row.device == device for row in rows
    )
    return existing, device_answered


def response_record(
    *,
    round_factory: RoundFactory,
    client_id: uuid.UUID,
    device_token: str,
    language: str,
    answers: dict[int, int],
) -> tuple[SurveyResponse, bool]:
    """Store one anonymous response; ``(response, False)`` when this submission was stored
    before (a retried send). Raises AlreadyAnswered for a second response of one device,
    RoundClosed outside the round's dates, ValidationError for an empty response."""
    device = device_key(device_token, round_factory)
    existing, device_answered = _earlier_responses(
        round_factory=round_factory, client_id=client_id, device=device
    )
    if existing is not None:
        if existing.round_factory_id != round_factory.pk:
            raise ValidationError(_("This form was sent for another factory."))
        return existing, False
    if not round_is_open(round_factory.round):
        raise RoundClosed
    if not answers:
        raise ValidationError(_("Answer at least one question."))
    if device_answered:
        raise AlreadyAnswered
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                round_factory=round_factory,
                client_id=client_id,
                device=device,
                language=language[:8],
                submitted_on=timezone.localdate(),
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, question_id=pk, value=value)
                for pk, value in answers.items()
            )
    except IntegrityError:
        # The same submission (or device) raced in: whatever got there first stands.
        existing = SurveyResponse.objects.filter(client_id=client_id).first()
        if existing is not None:
            return existing, False
        raise AlreadyAnswered from None
    return response, True


# --- results -------------------------------------------------------------------------------

GROUPINGS = {
    "factory": "round_factory__factory_id",
    "country": "round_factory__round__country_id",
}


def _scope_q(prefix, *, rounds=None, factory_ids=None, country_id=None, since=None, until=None):
    q = Q()
    if rounds is not None:
        q &= Q(**{f"{prefix}round_factory__round__in": rounds})
    if factory_ids is not None:
        q &= Q(**{f"{prefix}round_factory__factory_id__in": factory_ids})
    if country_id is not None:
        q &= Q(**{f"{prefix}round_factory__round__country_id": country_id})
    if since is not None:
        q &= Q(**{f"{prefix}submitted_on__gte": since})
    if until is not None:
        q &= Q(**{f"{prefix}submitted_on__lte": until})
    return q


def _labels(by: str, ids) -> dict:
    if by == "factory":
        from compliance.models import Factory

        return {f.pk: str(f) for f in Factory.objects.filter(pk__in=ids)}
    from lms.taxonomy.models import Country

    return {c.pk: str(c) for c in Country.objects.filter(pk__in=ids)}


def survey_results(
    *,
    questions,
    by: str = "country",
    rounds=None,
    factory_ids=None,
    country_id=None,
    since=None,
    until=None,
    shared: bool = True,
    labels: dict | None = None,
) -> list[Table]:
    """One table per question: a row per factory or country (``by``), how many answered,
    how many gave each option or value (single choice, scale) or the mean and median (number).
    ``questions`` are canonical questions (of one survey, in order). With ``shared`` (the
    default, and the only way anyone sees survey results) the small-count rule applies:
    counts 1-4 show as "<5", others are rounded to 5, and no mean or median is shown for
    fewer than 5 answers. A fixed number of queries; one fewer when the caller knows the
    groups' names (``labels``: factory or country names by id)."""
    questions = list(questions)
    group = GROUPINGS[by]
    scope = _scope_q(
        "response__",
        rounds=rounds,
        factory_ids=factory_ids,
        country_id=country_id,
        since=since,
        until=until,
    )
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    rows = (
        SurveyAnswer.objects.filter(scope, question__in=questions)
        .values("question_id", f"response__{group}", "value")
        .annotate(n=Count("pk"))
    )
    groups = set()
    for row in rows:
        key = row[f"response__{group}"]
        groups.add(key)
        counts[row["question_id"]][key][row["value"]] += row["n"]
    labels = dict(labels or {})
    if missing := groups - labels.keys():
        labels |= _labels(by, missing)
    ordered_groups = sorted(groups, key=lambda pk: labels.get(pk, ""))
    tables = []
    for question in questions:
        columns = [
            Column("group", _("Factory") if by == "factory" else _("Country")),
            Column("answered", _("Answered"), count=True),
        ]
        if question.kind == SurveyQuestion.Kind.NUMBER:
            columns += [
                Column("mean", _("Mean"), derived_from=("answered",)),
                Column("median", _("Median"), derived_from=("answered",)),
            ]
            values = []
        else:
            low, high = question.allowed_values()
            values = list(range(low, high + 1))
            labels_by_value = dict(enumerate(question.option_labels(), start=1))
            for value in values:
                label = labels_by_value.get(value) or str(value)
                columns.append(Column(f"v{value}", label, count=True))
            columns.append(Column("mean", _("Mean"), derived_from=("answered",)))
        table_rows = []
        for key in ordered_groups:
            distribution = counts[question.pk].get(key, {})
            answered = sum(distribution.values())
            if not answered:
                continue
            row = {"group": labels.get(key, "?"), "answered": answered}
            flat = [v for v, n in distribution.items() for _i in range(n)]
            row["mean"] = round(statistics.fmean(flat), 2)
            if question.kind == SurveyQuestion.Kind.NUMBER:
                row["median"] = statistics.median(flat)
            for value in values:
                row[f"v{value}"] = distribution.get(value, 0)
            table_rows.append(row)
        table = Table(
            key=f"survey_{question.code}",
            title=question.text,
            columns=columns,
            rows=table_rows,
            chart_label="group",
            note=question.get_topic_display(),
            additive=True,
        )
        if shared:
            table = shared_table(table)
            # The rule hides a small count; a mean of 1-4 answers is hidden with it. A group
            # too small to show anything stays as a row saying so.
        tables.append(table)
    return tables


def responses_count(**scope) -> int:
    """How many responses the scope holds (for staff: shown only from 5 on)."""
    return SurveyResponse.objects.filter(_scope_q("", **scope)).count()


def shown_count(count: int):
    """A number of responses as it may be shown."""
    from lms.reports.disclosure import suppress

    return suppress(count) if count else 0


MIN_RESPONSES = SMALLEST_SHARED_COUNT
