"""Impact indicators beyond training: labour-standards compliance, productivity and quality,
employment, exports and foreign direct investment, training per factory, and the hook for
human and social development (worker surveys, another room).

Every indicator is computed for the factories the filters pick out, which gives the four
levels of the issue with the reports room's own filters (:class:`ReportFilters`):

* **factory**: the organisation filter set to a factory's organisation;
* **industry**: a sector within a country (country and sector filters);
* **country**: the country filter;
* **programme**: no country filter.

The period (from/to) chooses the assessments (first day in the period), the months of the
monthly figures, the plan actions due and the economic figures' years. Gender is a column
of the employment table and role one of the training coverage table; they do not narrow
factory-level figures (a factory's assessment is about the whole workplace).

Definitions (docs/rooms/reports.md has them for readers):

* **Non-compliance rate per compliance point**: factories non-compliant on the point in
  their latest published independent assessment of the period (at least one question of
  the point answered non-compliant), out of the factories whose assessment covered it.
* **Per cluster**: factories with at least one non-compliant point of the cluster, out of
  the factories assessed on the cluster; and the mean number of non-compliant points of
  the cluster per factory.
* **Publicly reported issues**: for each point with questions Better Work reports
  publicly, the share of factories non-compliant on those questions.
* **Change first → latest cycle**: for factories with two or more published independent
  assessments in the period, the mean number of non-compliant points in the first and in
  the latest, and how many factories improved, stayed the same or worsened.
* **Remediation**: plan actions due in the period (and by today): the share done (or
  verified) on or before their due date.
* **Productivity and quality**: medians over factory-months of efficiency, defect or
  rework rate, absenteeism, turnover, overtime hours per worker and lost-time accidents
  per 100 employees, per year (trend) and per country (comparison).
* **Employment**: the workforce in the factories' profiles, by gender.
* **Exports and FDI**: figures entered by staff per country and year, with unit and source.
* **Training per factory**: class sessions held for the factory's cohorts (one session is
  one training day) against its allocation; managers and supervisors of the factory trained
  in the period (completed a course or attended a class) out of those registered.

Each function costs a fixed number of queries whatever the number of factories, cycles
or months (tests/reports/test_impact.py asserts it at two sizes).
"""

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from compliance.models import Assessment, Factory, MonthlyFigures, PlanAction, PointResult, Question
from compliance.services import OFFICIAL_KINDS
from courses.models import Attendance, Enrolment
from lms.accounts.models import Organisation, User
from lms.reports.aggregates import Median
from lms.reports.filters import ReportFilters
from lms.reports.models import CountryEconomicFigure
from lms.reports.selectors import Column, Table, countries_for, percent

# The hook another room registers to add tables (e.g. worker-survey results): a function
# ``(filters: ReportFilters) -> list[Table]``. Without one, the dashboard says that no
# human and social development figures are connected yet; nothing is made up.
HUMAN_DEVELOPMENT_HOOK = "reports_human_development_tables"

DONE = (PlanAction.Status.DONE, PlanAction.Status.VERIFIED)
FIGURES = (
    ("efficiency_percent", _("Efficiency (%)")),
    ("defect_percent", _("Defect or rework rate (%)")),
    ("absenteeism_percent", _("Absenteeism (%)")),
    ("turnover_percent", _("Turnover (%)")),
    ("overtime_hours_per_worker", _("Overtime hours per worker")),
)
ACCIDENTS = ("accidents_per_100", _("Lost-time accidents per 100 employees"))


def level_of(f: ReportFilters) -> str:
    """ "factory", "industry", "country" or "programme"."""
    if f.organisation:
        return "factory"
    if f.sector:
        return "industry"
    if f.country:
        return "country"
    return "programme"


def factories_q(f: ReportFilters, prefix: str = "") -> Q:
    """The factories of the filters, reached through ``prefix`` (e.g. ``"factory__"``)."""
    q = Q()
    if f.organisation:
        q &= Q(**{f"{prefix}organisation_id": f.organisation.pk})
    if f.country:
        q &= Q(**{f"{prefix}organisation__country_id": f.country.pk})
    if f.sector:
        q &= Q(**{f"{prefix}organisation__sector_id": f.sector.pk})
    return q


def _official(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": Assessment.State.PUBLISHED, f"{prefix}kind__in": OFFICIAL_KINDS})


def _in_period(f: ReportFilters, field_name: str) -> Q:
    return f.period_q(field_name, is_date=True)


def _latest_assessments(f: ReportFilters):
    """Each factory's latest published independent assessment of the period, as a subquery
    of ids. Without a period this is the factory's own ``latest_published`` (kept by the
    compliance services); with one, a correlated look-up on the factory's index."""
    factories = Factory.objects.filter(factories_q(f))
    if not (f.since or f.until):
        return factories.filter(latest_published__isnull=False).values("latest_published_id")
    latest = (
        Assessment.objects.filter(_official(), _in_period(f, "starts_on"), factory=OuterRef("pk"))
        .order_by("-starts_on", "-pk")
        .values("pk")[:1]
    )
    return factories.annotate(latest=Subquery(latest)).filter(latest__isnull=False).values("latest")


def _latest_results(f: ReportFilters):
    return PointResult.objects.filter(assessment_id__in=_latest_assessments(f))


NON_COMPLIANT = Q(questions_non_compliant__gt=0)
PUBLIC_NON_COMPLIANT = Q(publicly_reported_non_compliant__gt=0)


def compliance_summary(f: ReportFilters) -> dict:
    """Factories assessed (latest assessment of the period), those non-compliant on at
    least one point, on at least one publicly reported issue, and the non-compliant points
    per factory. One query."""
    row = _latest_results(f).aggregate(
        factories=Count("assessment_id", distinct=True),
        any_non_compliant=Count("assessment_id", distinct=True, filter=NON_COMPLIANT),
        any_public=Count("assessment_id", distinct=True, filter=PUBLIC_NON_COMPLIANT),
        non_compliant_points=Count("pk", filter=NON_COMPLIANT),
    )
    row["points_per_factory"] = (
        round(row["non_compliant_points"] / row["factories"], 1) if row["factories"] else None
    )
    return row


def compliance_by_cluster(f: ReportFilters) -> list[dict]:
    """Per cluster: factories assessed on it, factories with a non-compliant point in it
    (and the rate), non-compliant points per factory. One query."""
    rows = (
        _latest_results(f)
        .values("cluster_id")
        .annotate(
            factories=Count("assessment_id", distinct=True),
            non_compliant=Count("assessment_id", distinct=True, filter=NON_COMPLIANT),
            points=Count("pk", filter=NON_COMPLIANT),
        )
        .order_by()
    )
    result = []
    for row in rows:
        row["rate"] = percent(row["non_compliant"], row["factories"])
        row["points_per_factory"] = round(row["points"] / row["factories"], 1)
        result.append(row)
    return result


def compliance_by_point(f: ReportFilters) -> list[dict]:
    """Per compliance point: factories assessed on it, non-compliant on it, non-compliant on
    its publicly reported questions, whether it has such questions. Two queries."""
    public_points = set(
        Question.objects.filter(publicly_reported=True)
        .values_list("compliance_point_id", flat=True)
        .distinct()
    )
    rows = (
        _latest_results(f)
        .values("compliance_point_id", "cluster_id")
        .annotate(
            factories=Count("pk"),
            non_compliant=Count("pk", filter=NON_COMPLIANT),
            public_non_compliant=Count("pk", filter=PUBLIC_NON_COMPLIANT),
        )
        .order_by()
    )
    result = []
    for row in rows:
        row["rate"] = percent(row["non_compliant"], row["factories"])
        row["publicly_reported"] = row["compliance_point_id"] in public_points
        row["public_rate"] = percent(row["public_non_compliant"], row["factories"])
        result.append(row)
    return result


def compliance_by_country(f: ReportFilters) -> list[dict]:
    """Per country: factories assessed, share non-compliant on a publicly reported issue,
    non-compliant points per factory (latest assessment of the period). One query."""
    rows = (
        _latest_results(f)
        .values(country_code=F("assessment__factory__organisation__country__code"))
        .annotate(
            factories=Count("assessment_id", distinct=True),
            any_public=Count("assessment_id", distinct=True, filter=PUBLIC_NON_COMPLIANT),
            points=Count("pk", filter=NON_COMPLIANT),
        )
        .order_by("country_code")
    )
    result = []
    for row in rows:
        row["public_rate"] = percent(row["any_public"], row["factories"])
        row["points_per_factory"] = round(row["points"] / row["factories"], 1)
        result.append(row)
    return result


def compliance_by_cycle(f: ReportFilters) -> list[dict]:
    """The trend over cycles: per cycle number, factories assessed in that cycle (published
    independent assessments of the period), non-compliant points per factory and the share
    non-compliant on a publicly reported issue. One query.

    The database counts per assessment (a hashed grouping of the point results, no
    ``COUNT(DISTINCT)`` sorting them per cycle); the assessments, one row each, are added up
    per cycle here."""
    per_assessment = (
        PointResult.objects.filter(
            _official("assessment__"),
            _in_period(f, "assessment__starts_on"),
            factories_q(f, "assessment__factory__"),
        )
        .values("assessment_id", cycle=F("assessment__cycle"))
        .annotate(
            points=Count("pk", filter=NON_COMPLIANT),
            public=Count("pk", filter=PUBLIC_NON_COMPLIANT),
        )
        .order_by()
        .values_list("cycle", "points", "public")
    )
    cycles: dict = {}
    for cycle, points, public in per_assessment:
        row = cycles.setdefault(
            cycle, {"cycle": cycle, "factories": 0, "any_public": 0, "points": 0}
        )
        row["factories"] += 1
        row["any_public"] += public > 0
        row["points"] += points
    result = []
    for cycle in sorted(cycles):
        row = cycles[cycle]
        row["public_rate"] = percent(row["any_public"], row["factories"])
        row["points_per_factory"] = round(row["points"] / row["factories"], 1)
        result.append(row)
    return result


def compliance_change(f: ReportFilters) -> dict:
    """First → latest cycle for the factories with two published independent assessments
    or more in the period: mean non-compliant points in each, how many improved, stayed,
    worsened. One query."""
    in_period = Assessment.objects.filter(
        _official(), _in_period(f, "starts_on"), factory=OuterRef("pk")
    )
    first = in_period.order_by("starts_on", "pk").values("pk")[:1]
    latest = in_period.order_by("-starts_on", "-pk").values("pk")[:1]

    def points_of(ref: str):
        return (
            PointResult.objects.filter(NON_COMPLIANT, assessment_id=OuterRef(ref))
            .order_by()
            .values("assessment_id")
            .annotate(n=Count("pk"))
            .values("n")
        )

    pairs = (
        Factory.objects.filter(factories_q(f))
        .annotate(first=Subquery(first), latest=Subquery(latest))
        .filter(first__isnull=False)
        .exclude(first=F("latest"))
        .annotate(
            first_points=Subquery(points_of("first")), latest_points=Subquery(points_of("latest"))
        )
        .values_list("first_points", "latest_points")
    )
    pairs = [(a or 0, b or 0) for a, b in pairs]
    factories = len(pairs)
    first_mean = round(sum(a for a, _b in pairs) / factories, 1) if factories else None
    latest_mean = round(sum(b for _a, b in pairs) / factories, 1) if factories else None
    return {
        "factories": factories,
        "first": first_mean,
        "latest": latest_mean,
        "change": round(latest_mean - first_mean, 1) if factories else None,
        "improved": sum(1 for a, b in pairs if b < a),
        "unchanged": sum(1 for a, b in pairs if b == a),
        "worsened": sum(1 for a, b in pairs if b > a),
    }


def remediation(f: ReportFilters) -> list[dict]:
    """Per country: plan actions due in the period and by today, those done (or verified)
    on or before their due date, done late, still open; the on-time share. One query."""
    today = timezone.localdate()
    due = PlanAction.objects.filter(
        factories_q(f, "plan__factory__"), _in_period(f, "due_on"), due_on__lte=today
    )
    rows = (
        due.values(country_code=F("plan__factory__organisation__country__code"))
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status__in=DONE, done_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(status__in=DONE) & ~Q(done_on__lte=F("due_on"))),
            open=Count("pk", filter=~Q(status__in=DONE)),
        )
        .order_by("country_code")
    )
    result = []
    for row in rows:
        row["on_time_rate"] = percent(row["on_time"], row["due"])
        result.append(row)
    return result


def _figures(f: ReportFilters):
    figures = MonthlyFigures.objects.filter(factories_q(f, "factory__"))
    if f.since:
        figures = figures.filter(month__gte=f.since.replace(day=1))
    if f.until:
        figures = figures.filter(month__lte=f.until)
    return figures


def _accidents_per_100():
    from django.db.models import ExpressionWrapper, FloatField

    employed = F("employees_women") + F("employees_men") + F("employees_other")
    return Median(
        ExpressionWrapper(100.0 * F("lost_time_accidents") / employed, output_field=FloatField()),
        filter=Q(employees_women__gt=0) | Q(employees_men__gt=0) | Q(employees_other__gt=0),
    )


def _medians() -> dict:
    medians = {key: Median(key) for key, _label in FIGURES}
    medians[ACCIDENTS[0]] = _accidents_per_100()
    return medians


def _rounded(row: dict) -> dict:
    for key in [k for k, _l in FIGURES] + [ACCIDENTS[0]]:
        if row.get(key) is not None:
            row[key] = round(float(row[key]), 1)
    return row


def productivity_by_year(f: ReportFilters) -> list[dict]:
    """The trend: per calendar year, factories reporting and the median of each figure over
    their factory-months. One query."""
    rows = (
        _figures(f)
        .annotate(year=ExtractYear("month"))
        .values("year")
        .annotate(factories=Count("factory_id", distinct=True), months=Count("pk"), **_medians())
        .order_by("year")
    )
    return [_rounded(row) for row in rows]


def productivity_by_country(f: ReportFilters) -> list[dict]:
    """The comparison: per country, the same medians over the period. One query."""
    rows = (
        _figures(f)
        .values(country_code=F("factory__organisation__country__code"))
        .annotate(factories=Count("factory_id", distinct=True), months=Count("pk"), **_medians())
        .order_by("country_code")
    )
    return [_rounded(row) for row in rows]


def employment(f: ReportFilters) -> list[dict]:
    """Per country: factories and their workforce by gender (the factories' profiles), the
    share of women. One query."""
    from django.db.models import Sum

    rows = (
        Factory.objects.filter(factories_q(f))
        .values(country_code=F("organisation__country__code"))
        .annotate(
            factories=Count("pk"),
            women=Sum("workers_women"),
            men=Sum("workers_men"),
            other=Sum("workers_other"),
            migrant=Sum("workers_migrant"),
        )
        .order_by("country_code")
    )
    result = []
    for row in rows:
        row["total"] = row["women"] + row["men"] + row["other"]
        row["women_share"] = percent(row["women"], row["total"])
        result.append(row)
    return result


def economic_figures(f: ReportFilters) -> list[CountryEconomicFigure]:
    """Exports and FDI per country and year of the period, with unit and source. One
    query."""
    figures = CountryEconomicFigure.objects.select_related("country").order_by(
        "country__code", "kind", "year"
    )
    if f.country:
        figures = figures.filter(country_id=f.country.pk)
    if f.since:
        figures = figures.filter(year__gte=f.since.year)
    if f.until:
        figures = figures.filter(year__lte=f.until.year)
    return list(figures)


def factory_training(f: ReportFilters) -> list[dict]:
    """Per factory: training days held for its cohorts in the period against its
    allocation; its managers and supervisors trained in the period out of those registered
    (a role filter of manager or supervisor keeps that role only). Two queries."""
    sessions = Q(cohorts__sessions__isnull=False) & f.period_q("cohorts__sessions__starts_at")
    organisations = (
        Organisation.objects.filter(factory__isnull=False)
        .filter(factories_q(f, "factory__"))
        .values("pk", "name", "training_days_allocation", country_code=F("country__code"))
        .annotate(delivered=Count("cohorts__sessions", filter=sessions, distinct=True))
        .order_by("country__code", "name")
    )
    completed = Enrolment.objects.filter(
        Q(completed_at__isnull=False) & f.period_q("completed_at"), learner_id=OuterRef("pk")
    )
    attended = Attendance.objects.filter(
        f.period_q("session__starts_at"), present=True, learner_id=OuterRef("pk")
    )
    roles = [f.role] if f.role in ("manager", "supervisor") else ["manager", "supervisor"]
    people = (
        User.objects.filter(
            organisation__factory__isnull=False,
            roles__code__in=roles,
        )
        .filter(factories_q(f, "organisation__factory__"))
        .values("organisation_id", role=F("roles__code"))
        .annotate(
            people=Count("pk", distinct=True),
            trained=Count("pk", distinct=True, filter=Q(Exists(completed) | Exists(attended))),
        )
        .order_by()
    )
    coverage: dict = {}
    for row in people:
        coverage[(row["organisation_id"], row["role"])] = (row["people"], row["trained"])
    result = []
    for row in organisations:
        managers = coverage.get((row["pk"], "manager"), (0, 0))
        supervisors = coverage.get((row["pk"], "supervisor"), (0, 0))
        result.append(
            {
                "organisation": row["name"],
                "country_code": row["country_code"],
                "delivered": row["delivered"],
                "allocation": row["training_days_allocation"],
                "used_percent": percent(row["delivered"], row["training_days_allocation"]),
                "managers": managers[0],
                "managers_trained": managers[1],
                "managers_percent": percent(managers[1], managers[0]),
                "supervisors": supervisors[0],
                "supervisors_trained": supervisors[1],
                "supervisors_percent": percent(supervisors[1], supervisors[0]),
            }
        )
    return result


def human_development_tables(f: ReportFilters) -> list[Table]:
    """Tables of human and social development from the rooms that measure it (worker
    surveys), through the ``reports_human_development_tables`` hook."""
    tables = []
    for provider in hooks.get_hooks(HUMAN_DEVELOPMENT_HOOK):
        tables.extend(provider(f))
    return tables


# --- the tables shown on the impact dashboard and exported ------------------------------


def impact_tables(f: ReportFilters) -> list[Table]:
    """Every impact indicator as a table. A fixed number of queries."""
    from compliance.selectors import taxonomy_names

    names = countries_for(f)
    country = lambda code: names.get(code, code or str(_("No country")))  # noqa: E731
    clusters, points = taxonomy_names()
    tables = []

    summary = compliance_summary(f)
    change = compliance_change(f)

    def share_row(label, count, base):
        return {
            "indicator": str(label),
            "factories": count,
            "base": base,
            "share": percent(count, base),
            "value": None,
            "_counts": ("base",),
        }

    def value_row(label, value, base):
        return {"indicator": str(label), "factories": None, "value": value, "_from_count": base}

    assessed, compared = summary["factories"], change["factories"]
    tables.append(
        Table(
            "compliance_summary",
            str(_("Compliance: summary")),
            [
                Column("indicator", str(_("Indicator"))),
                Column("factories", str(_("Factories")), count=True),
                Column("share", str(_("Share of the factories (%)")), ratio=("factories", "base")),
                Column("value", str(_("Value"))),
            ],
            [
                share_row(_("Factories assessed (latest assessment)"), assessed, assessed),
                share_row(
                    _("Non-compliant on at least one point"),
                    summary["any_non_compliant"],
                    assessed,
                ),
                share_row(
                    _("Non-compliant on a publicly reported issue"), summary["any_public"], assessed
                ),
                value_row(
                    _("Non-compliant points per factory"), summary["points_per_factory"], assessed
                ),
                share_row(_("Factories with a first and a latest cycle"), compared, compared),
                value_row(
                    _("Non-compliant points per factory, first cycle"), change["first"], compared
                ),
                value_row(
                    _("Non-compliant points per factory, latest cycle"), change["latest"], compared
                ),
                value_row(_("Change first → latest (points)"), change["change"], compared),
                share_row(_("Improved (fewer non-compliant points)"), change["improved"], compared),
                share_row(_("Unchanged"), change["unchanged"], compared),
                share_row(_("Worsened"), change["worsened"], compared),
            ],
            additive=False,
            note=str(
                _(
                    "Each factory counts with its latest published independent assessment "
                    "in the period; the change compares its first and latest in the period."
                )
            ),
        )
    )

    def cluster_name(cluster_id):
        return str(clusters.get(cluster_id, cluster_id))

    def cluster_order(cluster_id):
        return getattr(clusters.get(cluster_id), "sort_order", 99)

    tables.append(
        Table(
            "compliance_clusters",
            str(_("Non-compliance by cluster")),
            [
                Column("cluster", str(_("Cluster"))),
                Column("factories", str(_("Factories assessed")), count=True),
                Column("non_compliant", str(_("Factories non-compliant")), count=True),
                Column(
                    "rate", str(_("Non-compliance rate (%)")), ratio=("non_compliant", "factories")
                ),
                Column(
                    "points_per_factory",
                    str(_("Non-compliant points per factory")),
                    derived_from=("factories",),
                ),
            ],
            [
                {
                    "cluster": cluster_name(r["cluster_id"]),
                    "factories": r["factories"],
                    "non_compliant": r["non_compliant"],
                    "rate": r["rate"],
                    "points_per_factory": r["points_per_factory"],
                }
                for r in sorted(
                    compliance_by_cluster(f), key=lambda r: cluster_order(r["cluster_id"])
                )
            ],
            "cluster",
            ["rate"],
            additive=False,
        )
    )
    by_point = sorted(
        compliance_by_point(f),
        key=lambda r: (
            cluster_order(r["cluster_id"]),
            str(points.get(r["compliance_point_id"], "")),
        ),
    )
    point_columns = [
        Column("point", str(_("Compliance point"))),
        Column("cluster", str(_("Cluster"))),
        Column("factories", str(_("Factories assessed")), count=True),
    ]
    tables.append(
        Table(
            "compliance_points",
            str(_("Non-compliance by compliance point")),
            [
                *point_columns,
                Column("non_compliant", str(_("Factories non-compliant")), count=True),
                Column(
                    "rate", str(_("Non-compliance rate (%)")), ratio=("non_compliant", "factories")
                ),
            ],
            [
                {
                    "point": str(points.get(r["compliance_point_id"], r["compliance_point_id"])),
                    "cluster": cluster_name(r["cluster_id"]),
                    "factories": r["factories"],
                    "non_compliant": r["non_compliant"],
                    "rate": r["rate"],
                }
                for r in by_point
            ],
            "point",
            ["rate"],
            additive=False,
        )
    )
    tables.append(
        Table(
            "compliance_public",
            str(_("Publicly reported issues: factories non-compliant")),
            [
                *point_columns,
                Column("public_non_compliant", str(_("Factories non-compliant")), count=True),
                Column(
                    "public_rate",
                    str(_("Share of factories (%)")),
                    ratio=("public_non_compliant", "factories"),
                ),
            ],
            [
                {
                    "point": str(points.get(r["compliance_point_id"], r["compliance_point_id"])),
                    "cluster": cluster_name(r["cluster_id"]),
                    "factories": r["factories"],
                    "public_non_compliant": r["public_non_compliant"],
                    "public_rate": r["public_rate"],
                }
                for r in by_point
                if r["publicly_reported"]
            ],
            "point",
            ["public_rate"],
            additive=False,
        )
    )
    tables.append(
        Table(
            "compliance_cycles",
            str(_("Compliance over the cycles")),
            [
                Column("cycle", str(_("Cycle"))),
                Column("factories", str(_("Factories assessed")), count=True),
                Column(
                    "points_per_factory",
                    str(_("Non-compliant points per factory")),
                    derived_from=("factories",),
                ),
                Column(
                    "any_public", str(_("Non-compliant on a publicly reported issue")), count=True
                ),
                Column(
                    "public_rate",
                    str(_("Share non-compliant on a publicly reported issue (%)")),
                    ratio=("any_public", "factories"),
                ),
            ],
            [
                {
                    k: r[k]
                    for k in (
                        "cycle",
                        "factories",
                        "points_per_factory",
                        "any_public",
                        "public_rate",
                    )
                }
                for r in compliance_by_cycle(f)
            ],
            "cycle",
            ["points_per_factory", "public_rate"],
            chart_kind="line",
            additive=False,
        )
    )
    tables.append(
        Table(
            "compliance_countries",
            str(_("Compliance by country")),
            [
                Column("country", str(_("Country"))),
                Column("factories", str(_("Factories assessed")), count=True),
                Column(
                    "any_public", str(_("Non-compliant on a publicly reported issue")), count=True
                ),
                Column(
                    "public_rate",
                    str(_("Share non-compliant on a publicly reported issue (%)")),
                    ratio=("any_public", "factories"),
                ),
                Column(
                    "points_per_factory",
                    str(_("Non-compliant points per factory")),
                    derived_from=("factories",),
                ),
            ],
            [
                {
                    "country": country(r["country_code"]),
                    "factories": r["factories"],
                    "any_public": r["any_public"],
                    "public_rate": r["public_rate"],
                    "points_per_factory": r["points_per_factory"],
                }
                for r in compliance_by_country(f)
            ],
            "country",
            ["public_rate"],
        )
    )
    tables.append(
        Table(
            "remediation",
            str(_("Remediation: plan actions done on time")),
            [
                Column("country", str(_("Country"))),
                Column("due", str(_("Actions due")), count=True),
                Column("on_time", str(_("Done on time")), count=True),
                Column("late", str(_("Done late")), count=True),
                Column("open", str(_("Not done yet")), count=True),
                Column("on_time_rate", str(_("Done on time (%)")), ratio=("on_time", "due")),
            ],
            [
                {
                    "country": country(r["country_code"]),
                    **{k: r[k] for k in ("due", "on_time", "late", "open", "on_time_rate")},
                }
                for r in remediation(f)
            ],
            "country",
            ["on_time_rate"],
            note=str(_("Actions whose due date is in the period and not after today.")),
        )
    )
    figure_columns = [
        Column("factories", str(_("Factories reporting")), count=True),
        Column("months", str(_("Factory-months")), count=True),
        *[
            Column(key, str(label), derived_from=("factories",))
            for key, label in (*FIGURES, ACCIDENTS)
        ],
    ]
    figure_keys = ["factories", "months", *[k for k, _l in FIGURES], ACCIDENTS[0]]
    tables.append(
        Table(
            "productivity_years",
            str(_("Productivity and quality by year (medians)")),
            [Column("year", str(_("Year"))), *figure_columns],
            [
                {"year": str(r["year"]), **{k: r[k] for k in figure_keys}}
                for r in productivity_by_year(f)
            ],
            "year",
            ["efficiency_percent", "defect_percent", "absenteeism_percent", "turnover_percent"],
            chart_kind="line",
            additive=False,
            note=str(_("Medians over the factory-months of each year.")),
        )
    )
    tables.append(
        Table(
            "productivity_countries",
            str(_("Productivity and quality by country (medians)")),
            [Column("country", str(_("Country"))), *figure_columns],
            [
                {"country": country(r["country_code"]), **{k: r[k] for k in figure_keys}}
                for r in productivity_by_country(f)
            ],
            "country",
            ["efficiency_percent", "defect_percent"],
        )
    )
    tables.append(
        Table(
            "employment",
            str(_("Employment by gender")),
            [
                Column("country", str(_("Country"))),
                Column("factories", str(_("Factories")), count=True),
                Column("women", str(_("Women")), count=True),
                Column("men", str(_("Men")), count=True),
                Column("other", str(_("Another or undisclosed gender")), count=True),
                Column("total", str(_("Workers")), count=True),
                Column("women_share", str(_("Women (%)")), ratio=("women", "total")),
                Column("migrant", str(_("Migrant workers")), count=True),
            ],
            [
                {
                    "country": country(r["country_code"]),
                    **{
                        k: r[k]
                        for k in (
                            "factories",
                            "women",
                            "men",
                            "other",
                            "total",
                            "women_share",
                            "migrant",
                        )
                    },
                }
                for r in employment(f)
            ],
            "country",
            ["women", "men"],
            note=str(_("From the workforce in the factories' profiles.")),
        )
    )
    tables.append(
        Table(
            "economic_figures",
            str(_("Exports and foreign direct investment")),
            [
                Column("country", str(_("Country"))),
                Column("year", str(_("Year"))),
                Column("kind", str(_("Figure"))),
                Column("value", str(_("Value"))),
                Column("unit", str(_("Unit"))),
                Column("source", str(_("Source"))),
            ],
            [
                {
                    "country": country(item.country.code),
                    "year": str(item.year),
                    "kind": item.get_kind_display(),
                    "value": float(item.value),
                    "unit": item.unit,
                    "source": item.source,
                }
                for item in economic_figures(f)
            ],
            additive=False,
            note=str(_("Entered by programme staff with their source; not computed here.")),
        )
    )
    tables.append(
        Table(
            "factory_training",
            str(_("Training per factory")),
            [
                Column("organisation", str(_("Factory"))),
                Column("country", str(_("Country"))),
                Column("delivered", str(_("Days delivered")), count=True),
                Column("allocation", str(_("Days allocated"))),
                Column("used_percent", str(_("Used (%)")), ratio=("delivered", "allocation")),
                Column("managers", str(_("Managers registered")), count=True),
                Column("managers_trained", str(_("Managers trained")), count=True),
                Column(
                    "managers_percent",
                    str(_("Managers trained (%)")),
                    ratio=("managers_trained", "managers"),
                ),
                Column("supervisors", str(_("Supervisors registered")), count=True),
                Column("supervisors_trained", str(_("Supervisors trained")), count=True),
                Column(
                    "supervisors_percent",
                    str(_("Supervisors trained (%)")),
                    ratio=("supervisors_trained", "supervisors"),
                ),
            ],
            [{**r, "country": country(r.pop("country_code"))} for r in factory_training(f)],
            "organisation",
            ["used_percent", "managers_percent", "supervisors_percent"],
        )
    )
    human = human_development_tables(f)
    if human:
        tables.extend(human)
    else:
        tables.append(
            Table(
                "human_development",
                str(_("Human and social development")),
                [Column("indicator", str(_("Indicator"))), Column("value", str(_("Value")))],
                [],
                additive=False,
                note=str(
                    _(
                        "These figures come from worker surveys; no survey results are "
                        "connected to the reports yet."
                    )
                ),
            )
        )
    return tables


# --- one factory against its country --------------------------------------------------------


@dataclass
class FactoryIndicator:
    key: str
    label: str
    lower_is_better: bool


FACTORY_INDICATORS = (
    FactoryIndicator("non_compliant_points", _("Non-compliant points (latest assessment)"), True),
    FactoryIndicator("public_issues", _("Publicly reported issues non-compliant"), True),
    FactoryIndicator("on_time_rate", _("Plan actions done on time (%)"), False),
    FactoryIndicator("efficiency_percent", _("Efficiency (%)"), False),
    FactoryIndicator("defect_percent", _("Defect or rework rate (%)"), True),
    FactoryIndicator("absenteeism_percent", _("Absenteeism (%)"), True),
    FactoryIndicator("turnover_percent", _("Turnover (%)"), True),
    FactoryIndicator("overtime_hours_per_worker", _("Overtime hours per worker"), True),
)


def factory_indicator_values(
    factories, *, since: dt.date | None = None, until: dt.date | None = None
) -> dict[int, dict]:
    """For each factory of the queryset ``factories``, the value of every indicator of
    :data:`FACTORY_INDICATORS` (``None`` when unknown): compliance from its latest published
    independent assessment started by ``until``, plan actions due in the period, the median
    of its monthly figures in the period. Three queries whatever the number of factories
    (the outcomes a study panel or a comparison needs)."""
    latest = Assessment.objects.filter(_official(), factory=OuterRef("pk"))
    if until:
        latest = latest.filter(starts_on__lte=until)
    latest = latest.order_by("-starts_on", "-pk").values("pk")[:1]

    def count_of(condition: Q):
        return (
            PointResult.objects.filter(condition, assessment_id=OuterRef("latest"))
            .order_by()
            .values("assessment_id")
            .annotate(n=Count("pk"))
            .values("n")
        )

    values: dict[int, dict] = {}
    rows = (
        factories.annotate(latest=Subquery(latest))
        .annotate(
            nc=Subquery(count_of(NON_COMPLIANT)), public=Subquery(count_of(PUBLIC_NON_COMPLIANT))
        )
        .values_list("pk", "latest", "nc", "public")
    )
    for pk, assessed, nc, public in rows:
        values[pk] = dict.fromkeys(i.key for i in FACTORY_INDICATORS)
        if assessed:
            values[pk]["non_compliant_points"] = nc or 0
            values[pk]["public_issues"] = public or 0
    today = timezone.localdate()
    actions = PlanAction.objects.filter(
        plan__factory__in=factories, due_on__lte=min(until or today, today)
    )
    if since:
        actions = actions.filter(due_on__gte=since)
    for row in (
        actions.values("plan__factory_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status__in=DONE, done_on__lte=F("due_on"))),
        )
        .order_by()
    ):
        if row["plan__factory_id"] in values:
            values[row["plan__factory_id"]]["on_time_rate"] = percent(row["on_time"], row["due"])
    figures = MonthlyFigures.objects.filter(factory__in=factories)
    if since:
        figures = figures.filter(month__gte=since.replace(day=1))
    if until:
        figures = figures.filter(month__lte=until)
    for row in (
        figures.values("factory_id")
        .annotate(**{key: Median(key) for key, _label in FIGURES})
        .order_by()
    ):
        for key, _label in FIGURES:
            if row[key] is not None and row["factory_id"] in values:
                values[row["factory_id"]][key] = round(float(row[key]), 1)
    return values


SMALLEST_COMPARISON = 5


def country_factory_values(country_id: int, *, since: dt.date, until: dt.date) -> dict[int, dict]:
    """:func:`factory_indicator_values` for every factory of a country. Three queries."""
    return factory_indicator_values(
        Factory.objects.filter(organisation__country_id=country_id), since=since, until=until
    )


def factory_against_country(
    factory: Factory, *, months: int = 12, country_values=country_factory_values
) -> list[dict]:
    """The factory's own indicators beside its country's median (over the country's
    factories with a value), for the last ``months`` months. A median over fewer than 5
    factories is not shown (suppression, as in shared exports). ``country_values`` reads
    the country's figures (three queries; the factory page passes the prepared ones)."""
    today = timezone.localdate()
    since = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    values = country_values(factory.organisation.country_id, since=since, until=today)
    own = values.get(factory.pk, {})
    rows = []
    for indicator in FACTORY_INDICATORS:
        known = [v[indicator.key] for v in values.values() if v[indicator.key] is not None]
        median = (
            round(float(statistics.median(known)), 1) if len(known) >= SMALLEST_COMPARISON else None
        )
        value = own.get(indicator.key)
        better = None
        if value is not None and median is not None and value != median:
            better = (value < median) == indicator.lower_is_better
        rows.append(
            {
                "key": indicator.key,
                "label": str(indicator.label),
                "value": value,
                "median": median,
                "factories": len(known),
                "better": better,
            }
        )
    return rows
