"""The labour administration and the social partners.

- A **labour inspector** (role ``labour_inspector``, a public servant of one country) reads
  the published official assessments of their country's factories as far as the country's
  public reporting rule allows (``inspector_access``: nothing beyond the public pages, the
  publicly reported issues of every assessed factory, or the full published reports), and
  records their own inspections with the same instrument: an assessment of kind
  ``inspection`` that goes through the country staff's quality review like any other and is
  never published without them (and never counts on the public pages).
- A **social partner** (role ``social_partner``: a union's or an employers' organisation's
  member) reads country-level aggregates: non-compliance rates and their trend, training
  reach, with factory names only for the factories named publicly anyway.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from compliance import publication, services
from compliance.models import Assessment, Factory, PublicReportingRule
from lms.accounts.models import Role, User

Access = PublicReportingRule.InspectorAccess


def is_inspector(user) -> bool:
    return (
        user.is_authenticated
        and user.has_role(Role.Code.LABOUR_INSPECTOR)
        and user.country_id is not None
    )


def is_social_partner(user) -> bool:
    return (
        user.is_authenticated
        and user.has_role(Role.Code.SOCIAL_PARTNER)
        and user.country_id is not None
    )


def inspector_access(user, country) -> str:
    """What an inspector of ``country`` may read under its rule (nothing for anyone else)."""
    if not is_inspector(user) or user.country_id != country.pk:
        return Access.NONE
    rule = PublicReportingRule.objects.filter(country=country).only("inspector_access").first()
    return rule.inspector_access if rule else Access.NONE


def inspector_factories(*, user) -> QuerySet[Factory]:
    """The inspector's country's factories with a published official assessment (when the
    rule lets them read any), with their count of published assessments."""
    factories = Factory.objects.filter(organisation__country_id=user.country_id)
    if inspector_access(user, user.country) == Access.NONE:
        return factories.none()
    return (
        factories.filter(latest_published__isnull=False)
        .annotate(published_count=publication.published_count_subquery())
        .select_related("organisation__sector", "latest_published")
        .order_by("legal_name", "pk")
    )


def can_inspect(user, factory) -> bool:
    """Start an inspection: an inspector of the factory's country."""
    return is_inspector(user) and user.country_id == factory.organisation.country_id


def inspector_can_read(user, assessment) -> str:
    """How much of ``assessment`` an inspector may read: ``full_reports``,
    ``public_issues`` or ``none``. Their own inspections they read in full."""
    if not is_inspector(user):
        return Access.NONE
    if (
        assessment.kind == Assessment.Kind.INSPECTION
        and assessment.assessors.filter(pk=user.pk).exists()
    ):
        return Access.FULL_REPORTS
    if (
        assessment.state != Assessment.State.PUBLISHED
        or assessment.kind not in services.OFFICIAL_KINDS
    ):
        return Access.NONE
    return inspector_access(user, assessment.factory.organisation.country)


def my_inspections(*, user) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(kind=Assessment.Kind.INSPECTION, assessors=user)
        .select_related("factory__organisation")
        .order_by("-starts_on", "-pk")
    )


def inspection_create(
    *, factory: Factory, user, instrument, starts_on: datetime.date, co_inspectors=()
) -> Assessment:
    """An inspection in draft, made by ``user`` (and fellow inspectors of the country) with
    an instrument in use for the factory's country. It goes to the country staff's review
    when submitted; only they publish it."""
    if not can_inspect(user, factory):
        raise ValidationError(_("Only an inspector of the factory's country can inspect it."))
    others = [p for p in co_inspectors if p.pk != user.pk]
    if any(not can_inspect(person, factory) for person in others):
        raise ValidationError(
            {"co_inspectors": _("Fellow inspectors must be inspectors of the same country.")}
        )
    return services.assessment_create(
        factory=factory,
        instrument=instrument,
        kind=Assessment.Kind.INSPECTION,
        starts_on=starts_on,
        assessors=[user, *others],
        created_by=user,
        announced=False,
    )


def fellow_inspectors(*, user) -> QuerySet[User]:
    return (
        User.objects.filter(
            roles__code=Role.Code.LABOUR_INSPECTOR, country_id=user.country_id, is_active=True
        )
        .exclude(pk=user.pk)
        .distinct()
    )


# --- social partners -------------------------------------------------------------------------


def training_reach(*, country) -> list[dict]:
    """People of the country enrolled in training, and how many completed, per year, with
    the organisations they came from (counts only)."""
    from courses.models import Enrolment

    rows = (
        Enrolment.objects.filter(learner__country=country)
        .annotate(year=ExtractYear("enrolled_at"))
        .values("year")
        .annotate(
            people=Count("learner", distinct=True),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            organisations=Count("learner__organisation", distinct=True),
        )
        .order_by("year")
    )
    return list(rows)


def country_aggregates(*, country, language_code: str | None = None) -> dict:
    """What a social partner of ``country`` reads: over every factory with a published
    official assessment (named or not), the share non-compliant on each publicly reported
    issue now and by year, how many factories were assessed, training reach, and the names
    of the factories named publicly anyway."""
    # The country's rule even when public naming is off: it still says which issues count.
    # Without one, the instrument's own publicly reported questions (an unsaved rule).
    rule = PublicReportingRule.objects.filter(country=country).prefetch_related(
        "issue_changes"
    ).first() or PublicReportingRule(country=country, is_active=False)
    assessed = Factory.objects.filter(organisation__country=country, latest_published__isnull=False)
    history = Assessment.objects.filter(
        factory__organisation__country=country,
        state=Assessment.State.PUBLISHED,
        kind__in=services.OFFICIAL_KINDS,
    )
    rates = publication.issue_rates(
        rule=rule,
        latest_ids=assessed.values("latest_published_id"),
        history_assessments=history,
        language_code=language_code,
    )
    named = (
        publication.public_factories(country=country, rule=rule if rule.pk else None)
        .select_related("organisation__sector")
        .order_by("legal_name", "pk")
    )
    return {
        "country": country,
        "rates": rates,
        "factories_assessed": assessed.count(),
        "training": training_reach(country=country),
        "named": named,
        "rule": rule if rule.pk else None,
    }
