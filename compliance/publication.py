"""Public reporting (the transparency portal): which factories and which issues a country's
rules make public, and what the anonymous pages and the open data read.

A factory of a country with an active :class:`~compliance.models.PublicReportingRule`
appears once it has at least ``min_published_assessments`` published official
(independent) assessments; drafts, assessments in review, self-assessments and inspections
never count and never show. An issue is a question, known by its code (the same in every
version and language): the instrument's publicly reported questions, less those the
country withdrew, plus those it added. A finding stays until the next assessment is
published, because only the latest published assessment is shown as "now".

Every function reads in a fixed number of queries, whatever the number of factories,
cycles or questions. Nothing here reads people: no public page shows personal data.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import get_language

from compliance.models import (
    Assessment,
    Factory,
    FactoryResponse,
    Finding,
    PublicReportingRule,
    Question,
)
from compliance.selectors import localized_questions, taxonomy_names
from compliance.services import OFFICIAL_KINDS
from lms.taxonomy.models import Country, Sector
from lms.taxonomy.selectors import terms_in_language

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# What a finding on a public issue says.
NON_COMPLIANT = "non_compliant"
COMPLIANT = "compliant"
NOT_APPLICABLE = "not_applicable"


# --- the rules -------------------------------------------------------------------------------


def rule_for(country) -> PublicReportingRule | None:
    """The country's active rule (with its issue changes), or ``None``: without one, the
    country's factories are not named publicly. Two queries."""
    return (
        PublicReportingRule.objects.filter(country=country, is_active=True)
        .prefetch_related("issue_changes")
        .first()
    )


def _changes(rule: PublicReportingRule) -> tuple[set[str], set[str]]:
    withdrawn = {c.code for c in rule.issue_changes.all() if not c.reported}
    added = {c.code for c in rule.issue_changes.all() if c.reported}
    return withdrawn, added


def reported_questions_filter(rule: PublicReportingRule, prefix: str = "") -> Q:
    """A filter on Question (or, with ``prefix="question__"``, on Finding) for the issues
    the country reports publicly."""
    withdrawn, added = _changes(rule)
    flagged = Q(**{f"{prefix}publicly_reported": True}) & ~Q(**{f"{prefix}code__in": withdrawn})
    return flagged | Q(**{f"{prefix}code__in": added})


def _published_official():
    return Assessment.objects.filter(state=Assessment.State.PUBLISHED, kind__in=OFFICIAL_KINDS)


def published_count_subquery():
    return Coalesce(
        Subquery(
            _published_official()
            .filter(factory=OuterRef("pk"))
            .order_by()
            .values("factory")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    )


def public_factories(*, country, rule: PublicReportingRule | None) -> QuerySet[Factory]:
    """The country's factories its rule names publicly (none without an active rule)."""
    if rule is None or not rule.is_active:
        return Factory.objects.none()
    return (
        Factory.objects.filter(organisation__country=country)
        .annotate(published_count=published_count_subquery())
        .filter(published_count__gte=rule.min_published_assessments)
    )


def is_public(factory: Factory, rule: PublicReportingRule | None, published: int) -> bool:
    return bool(rule and rule.is_active and published >= rule.min_published_assessments)


def public_countries() -> list[dict]:
    """The countries with public reporting on, with how many factories are named."""
    rules = list(
        PublicReportingRule.objects.filter(is_active=True)
        .select_related("country")
        .order_by("country__code")
    )
    result = []
    counts = _public_counts(rules)
    for rule in rules:
        result.append({"country": rule.country, "factories": counts.get(rule.country_id, 0)})
    return result


def _public_counts(rules) -> dict[int, int]:
    """Public factories per country, in one query."""
    if not rules:
        return {}
    condition = Q()
    for rule in rules:
        condition |= Q(
            organisation__country_id=rule.country_id,
            published_count__gte=rule.min_published_assessments,
        )
    rows = (
        Factory.objects.annotate(published_count=published_count_subquery())
        .filter(condition)
        .values("organisation__country_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["organisation__country_id"]: row["count"] for row in rows}


# --- the factory page --------------------------------------------------------------------------


def finding_status(answer: str, is_non_compliant: bool) -> str:
    if is_non_compliant:
        return NON_COMPLIANT
    if answer == "na":
        return NOT_APPLICABLE
    return COMPLIANT


@dataclass
class IssueLine:
    code: str
    question: object  # in the reader's language
    cluster: object
    status: str | None = None  # in the latest published assessment; None when not asked
    history: list = field(default_factory=list)  # status per cycle, oldest first
    response: FactoryResponse | None = None


def factory_public_report(
    *,
    factory: Factory,
    rule: PublicReportingRule,
    language_code: str | None = None,
    require_public: bool = True,
) -> dict | None:
    """What the public page of a factory shows, or ``None`` when the factory is not public
    under its country's rule (``require_public=False``: the same for any factory with a
    published assessment, for the labour inspectors the rule lets read it)."""
    cycles = list(
        _published_official()
        .filter(factory=factory)
        .order_by("starts_on", "pk")
        .only("pk", "starts_on", "cycle", "instrument_id", "published_at")
    )
    if not cycles or (require_public and not is_public(factory, rule, len(cycles))):
        return None
    latest = cycles[-1]
    questions = list(
        Question.objects.filter(
            reported_questions_filter(rule), instrument_id__in={a.instrument_id for a in cycles}
        )
        .select_related("compliance_point")
        .order_by("sort_order", "pk")
    )
    findings = Finding.objects.filter(
        assessment_id__in=[a.pk for a in cycles], question__in=[q.pk for q in questions]
    ).values_list("pk", "assessment_id", "question_id", "answer", "is_non_compliant")
    by_question = {q.pk: q for q in questions}
    status: dict[tuple[int, str], str] = {}
    latest_finding_ids: dict[str, int] = {}
    for pk, assessment_id, question_id, answer, non_compliant in findings:
        code = by_question[question_id].code
        status[(assessment_id, code)] = finding_status(answer, non_compliant)
        if assessment_id == latest.pk:
            latest_finding_ids[code] = pk
    responses = {
        r.finding_id: r
        for r in FactoryResponse.objects.filter(
            finding_id__in=latest_finding_ids.values(), state=FactoryResponse.State.APPROVED
        )
    }
    # One line per code: the question as the latest version asked it, else the newest asking.
    order = {a.instrument_id: n for n, a in enumerate(cycles)}
    representative: dict[str, Question] = {}
    for question in sorted(questions, key=lambda q: order.get(q.instrument_id, -1)):
        representative[question.code] = question
    shown = localized_questions(representative.values(), language_code)
    clusters, _points = taxonomy_names(language_code)
    lines = []
    for code, question in representative.items():
        history = [status.get((a.pk, code)) for a in cycles]
        if not any(history):
            continue
        lines.append(
            IssueLine(
                code=code,
                question=shown[question.pk],
                cluster=clusters.get(question.compliance_point.cluster_id),
                status=status.get((latest.pk, code)),
                history=history,
                response=responses.get(latest_finding_ids.get(code)),
            )
        )
    lines.sort(key=lambda line: (getattr(line.cluster, "sort_order", 99), line.code))
    groups: OrderedDict = OrderedDict()
    for line in lines:
        groups.setdefault(line.cluster, []).append(line)
    return {
        "factory": factory,
        "cycles": cycles,
        "latest": latest,
        "groups": list(groups.items()),
        "issues": lines,
        "non_compliant": sum(1 for line in lines if line.status == NON_COMPLIANT),
        "assessed": sum(1 for line in lines if line.status in (NON_COMPLIANT, COMPLIANT)),
    }


# --- the country page ----------------------------------------------------------------------------


@dataclass
class IssueRate:
    code: str
    question: object
    cluster: object
    assessed: int = 0
    non_compliant: int = 0
    by_year: dict = field(default_factory=dict)  # year -> percent

    @property
    def rate(self) -> int:
        return round(100 * self.non_compliant / self.assessed) if self.assessed else 0


def issue_rates(
    *,
    rule: PublicReportingRule,
    latest_ids,
    history_assessments,
    language_code: str | None = None,
) -> dict:
    """Per public issue, the share of factories non-compliant in their latest published
    assessment (``latest_ids``: a subquery of assessment ids) and, per year, among the
    assessments of that year (``history_assessments``: a queryset of assessments).
    Shared by the public country page and the social partners' page."""
    reported = reported_questions_filter(rule, prefix="question__")
    now = (
        Finding.objects.filter(reported, assessment_id__in=latest_ids)
        .exclude(answer="na")
        .values("question__code")
        .annotate(
            assessed=Count("pk"),
            non_compliant=Count("pk", filter=Q(is_non_compliant=True)),
        )
        .order_by()
    )
    yearly = (
        Finding.objects.filter(reported, assessment__in=history_assessments)
        .exclude(answer="na")
        .annotate(year=ExtractYear("assessment__starts_on"))
        .values("year", "question__code")
        .annotate(
            assessed=Count("pk"),
            non_compliant=Count("pk", filter=Q(is_non_compliant=True)),
        )
        .order_by()
    )
    # Share of assessments non-compliant on at least one public issue, per year.
    any_yearly = (
        history_assessments.annotate(
            year=ExtractYear("starts_on"),
            issues_non_compliant=Count(
                "findings",
                filter=Q(findings__is_non_compliant=True)
                & reported_questions_filter(rule, prefix="findings__question__"),
            ),
        )
        .values("year", "issues_non_compliant")
        .order_by()
    )
    lines: dict[str, IssueRate] = {}
    for row in now:
        lines[row["question__code"]] = IssueRate(
            code=row["question__code"],
            question=None,
            cluster=None,
            assessed=row["assessed"],
            non_compliant=row["non_compliant"],
        )
    years: set[int] = set()
    for row in yearly:
        code = row["question__code"]
        line = lines.setdefault(code, IssueRate(code=code, question=None, cluster=None))
        years.add(row["year"])
        line.by_year[row["year"]] = (
            round(100 * row["non_compliant"] / row["assessed"]) if row["assessed"] else 0
        )
    overall: dict[int, list[int]] = {}
    for row in any_yearly:
        counts = overall.setdefault(row["year"], [0, 0])
        counts[0] += 1
        counts[1] += 1 if row["issues_non_compliant"] else 0
    # The question each code stands for: one of the newest version's, in the reader's language.
    representative = {}
    for question in (
        Question.objects.filter(code__in=list(lines), locale__language_code=settings.LANGUAGE_CODE)
        .filter(reported_questions_filter(rule))
        .select_related("compliance_point")
        .order_by("instrument__number", "pk")
    ):
        representative[question.code] = question
    shown = localized_questions(representative.values(), language_code)
    clusters, _points = taxonomy_names(language_code)
    for code, line in lines.items():
        question = representative.get(code)
        if question is not None:
            line.question = shown[question.pk]
            line.cluster = clusters.get(question.compliance_point.cluster_id)
    ordered = sorted(lines.values(), key=lambda r: (getattr(r.cluster, "sort_order", 99), r.code))
    return {
        "issues": ordered,
        "years": sorted(years),
        "any_by_year": [
            {
                "year": year,
                "assessments": counts[0],
                "non_compliant": counts[1],
                "rate": round(100 * counts[1] / counts[0]) if counts[0] else 0,
            }
            for year, counts in sorted(overall.items())
        ],
    }


def country_public_report(
    *, country, rule: PublicReportingRule, language_code: str | None = None
) -> dict:
    """The public country page: over the factories named publicly, the share non-compliant
    on each public issue now, and its trend by year."""
    factories = public_factories(country=country, rule=rule)
    latest_ids = factories.filter(latest_published__isnull=False).values("latest_published_id")
    history = _published_official().filter(factory__in=factories.values("pk"))
    report = issue_rates(
        rule=rule, latest_ids=latest_ids, history_assessments=history, language_code=language_code
    )
    report["factory_count"] = factories.count()
    return report


def public_factory_list(*, country, rule, query: str = "", sector_code: str = "") -> QuerySet:
    """The factories named publicly in a country, searchable by name and filtered by
    sector, each with its latest assessment and how many public issues it was
    non-compliant on then."""
    factories = public_factories(country=country, rule=rule)
    if rule is not None:
        non_compliant = (
            Finding.objects.filter(
                reported_questions_filter(rule, prefix="question__"),
                assessment_id=OuterRef("latest_published_id"),
                is_non_compliant=True,
            )
            .order_by()
            .values("assessment_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        factories = factories.annotate(
            issues_non_compliant=Coalesce(Subquery(non_compliant, output_field=IntegerField()), 0)
        )
    if query:
        factories = factories.filter(
            Q(legal_name__icontains=query)
            | Q(trading_name__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    if sector_code:
        factories = factories.filter(organisation__sector__code=sector_code)
    return factories.select_related(
        "organisation__sector", "organisation__country", "latest_published"
    ).order_by("legal_name", "pk")


# --- open data ---------------------------------------------------------------------------------


OPEN_DATA_COLUMNS = [
    "factory_id",
    "factory",
    "registry_id",
    "country",
    "sector",
    "assessment_date",
    "cycle",
    "issue_code",
    "cluster",
    "issue",
    "status",
    "factory_statement",
]


def open_data_rows(*, country, rule, language_code: str | None = None) -> list[list]:
    """One row per public factory and public issue of its latest published assessment.
    A fixed number of queries: the factories, their findings, the questions' texts."""
    language_code = language_code or get_language()
    factories = list(
        public_factories(country=country, rule=rule)
        .filter(latest_published__isnull=False)
        .select_related("organisation__sector", "organisation__country", "latest_published")
        .order_by("legal_name", "pk")
    )
    latest = {f.latest_published_id: f for f in factories}
    findings = list(
        Finding.objects.filter(
            reported_questions_filter(rule, prefix="question__"), assessment_id__in=list(latest)
        )
        .select_related("question__compliance_point")
        .order_by("assessment_id", "question__sort_order", "question_id")
    )
    responses = {
        r.finding_id: r.text
        for r in FactoryResponse.objects.filter(
            finding_id__in=[f.pk for f in findings], state=FactoryResponse.State.APPROVED
        ).only("finding_id", "text")
    }
    shown = localized_questions({f.question for f in findings}, language_code)
    clusters, _points = taxonomy_names(language_code)
    sectors = terms_in_language(model=Sector, language_code=language_code)
    countries = terms_in_language(model=Country, language_code=language_code)
    rows = []
    for finding in findings:
        factory = latest[finding.assessment_id]
        organisation = factory.organisation
        question = finding.question
        sector = sectors.get(organisation.sector.code) if organisation.sector_id else None
        rows.append(
            [
                factory.pk,
                str(factory),
                factory.registry_id,
                str(countries.get(organisation.country.code, organisation.country)),
                str(sector) if sector else "",
                factory.latest_published.starts_on.isoformat(),
                factory.latest_published.cycle,
                question.code,
                str(clusters.get(question.compliance_point.cluster_id, "")),
                shown[question.pk].text,
                finding_status(finding.answer, finding.is_non_compliant),
                responses.get(finding.pk, ""),
            ]
        )
    return rows


# --- keeping the cached public pages true ------------------------------------------------------


def on_assessment_published(sender, assessment, **kwargs) -> None:
    """A published official assessment changes what the public pages show (a factory may
    appear, its latest findings change): start a new page-cache generation."""
    from lms import page_cache

    if assessment.kind in OFFICIAL_KINDS:
        page_cache.invalidate()
