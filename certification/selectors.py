"""Read-side queries of certification: requirement progress, queues, what each person may
see, and the figures the reports room reads (computed in the database)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from certification.dates import add_months
from certification.models import (
    AssessmentResult,
    Candidacy,
    Certificate,
    CourseCompletion,
    CPDActivity,
    Programme,
    Renewal,
    Requirement,
    Submission,
)
from lms.accounts.selectors import country_scope

Kind = Requirement.Kind


@dataclass
class RequirementProgress:
    requirement: Requirement
    title: str
    met: bool
    done: Decimal | int
    needed: Decimal | int
    detail: str = ""

    @property
    def percent(self) -> int:
        if not self.needed:
            return 100 if self.met else 0
        return min(100, int(Decimal(self.done) * 100 / Decimal(self.needed)))


def _country_id(country) -> int | None:
    if country is None:
        return None
    if isinstance(country, int):
        return country
    if isinstance(country, str):
        from lms.taxonomy.models import Country

        return Country.objects.canonical().filter(code=country).values_list("pk", flat=True).first()
    return country.pk


def localized_titles(requirements, language: str | None = None) -> dict:
    """Each requirement's title in ``language`` (default: the active one), by id; the
    default-locale title where no translation exists. One query."""
    language = language or get_language()
    keys = {r.translation_key: r.pk for r in requirements}
    titles = {r.pk: r.title for r in requirements}
    for key, title in Requirement.objects.filter(
        translation_key__in=keys, locale__language_code=language
    ).values_list("translation_key", "title"):
        titles[keys[key]] = title
    return titles


def localized_programme(programme: Programme, language: str | None = None) -> Programme:
    language = language or get_language()
    if programme.locale.language_code == language:
        return programme
    return (
        Programme.objects.filter(
            translation_key=programme.translation_key, locale__language_code=language
        ).first()
        or programme
    )


def cpd_hours_for(*, person, since: date | None = None, until: date | None = None) -> Decimal:
    activities = CPDActivity.objects.filter(person=person)
    if since:
        activities = activities.filter(date__gte=since)
    if until:
        activities = activities.filter(date__lte=until)
    return activities.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def cpd_counted_since(candidacy: Candidacy) -> date:
    """The first day whose CPD activities count towards a candidacy's CPD requirement."""
    return candidacy.started_at.date() - timedelta(days=365)


@dataclass(frozen=True)
class CPDCount:
    """A moment a person's CPD hours were counted: a certificate issued or renewed. The
    activities logged before it and dated within [since, until] are part of that record."""

    certificate: Certificate
    since: date
    until: date
    at: datetime
    is_renewal: bool = False

    def covers(self, activity: CPDActivity) -> bool:
        return activity.logged_at <= self.at and self.since <= activity.date <= self.until


def cpd_counts(*, person) -> list[CPDCount]:
    """Every issue and renewal of the person's certificates that counted CPD hours (a
    programme with a CPD requirement; a renewal that counted hours). Two queries."""
    certificates = Certificate.objects.filter(holder=person).select_related(
        "programme", "candidacy"
    )
    counts = [
        CPDCount(
            certificate=certificate,
            since=cpd_counted_since(certificate.candidacy),
            until=certificate.issued_on,
            at=certificate.issued_at,
        )
        for certificate in certificates.filter(
            Exists(
                Requirement.objects.filter(
                    programme_id=OuterRef("programme_id"), kind=Kind.CPD_HOURS
                )
            )
        )
    ]
    for renewal in Renewal.objects.filter(
        certificate__holder=person, cpd_hours__gt=0
    ).select_related("certificate__programme"):
        certificate = renewal.certificate
        counts.append(
            CPDCount(
                certificate=certificate,
                since=add_months(
                    renewal.previous_expires_on, -certificate.programme.validity_months
                ),
                until=timezone.localdate(renewal.renewed_at),
                at=renewal.renewed_at,
                is_renewal=True,
            )
        )
    return counts


def cpd_activity_lock(*, activity: CPDActivity, counts=None) -> CPDCount | None:
    """The issue or renewal an activity counted towards (which locks it), or None."""
    if counts is None:
        counts = cpd_counts(person=activity.person_id)
    return next((count for count in counts if count.covers(activity)), None)


def cpd_log_of(*, person, limit: int = 200) -> list[CPDActivity]:
    """The person's CPD activities, newest first, each with ``locked_by`` (a
    :class:`CPDCount` or None). Three queries."""
    counts = cpd_counts(person=person)
    activities = list(CPDActivity.objects.filter(person=person)[:limit])
    for activity in activities:
        activity.locked_by = cpd_activity_lock(activity=activity, counts=counts)
    return activities


def requirement_progress(*, candidacy: Candidacy) -> list[RequirementProgress]:
    """How far the candidate is with each requirement, computed from the records that meet
    them (so it is always current). Six queries whatever the programme's size."""
    requirements = list(candidacy.programme.requirements.select_related("course"))
    titles = localized_titles(requirements)
    person = candidacy.candidate
    completions = set(
        CourseCompletion.objects.filter(
            learner=person, course_id__in=[r.course_id for r in requirements if r.course_id]
        ).values_list("course_id", flat=True)
    )
    best_scores = {}
    for requirement_id, score in AssessmentResult.objects.filter(candidacy=candidacy).values_list(
        "requirement_id", "score"
    ):
        best_scores[requirement_id] = max(score, best_scores.get(requirement_id, score))
    approved = dict(
        Submission.objects.filter(candidacy=candidacy, status=Submission.Status.APPROVED)
        .values("requirement_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("requirement_id", "n")
    )
    cpd_needed = [r for r in requirements if r.kind == Kind.CPD_HOURS]
    cpd_done = (
        cpd_hours_for(person=person, since=cpd_counted_since(candidacy))
        if cpd_needed
        else Decimal("0")
    )
    progress = []
    for r in requirements:
        title = titles[r.pk]
        if r.kind == Kind.COURSE:
            met = r.course_id in completions
            progress.append(RequirementProgress(r, title, met, int(met), 1))
        elif r.kind == Kind.ASSESSMENT:
            score = best_scores.get(r.pk)
            met = score is not None and score >= r.minimum_score
            progress.append(
                RequirementProgress(r, title, met, score or 0, r.minimum_score or 0, "score")
            )
        elif r.kind in (Kind.OBSERVED_PRACTICE, Kind.PORTFOLIO):
            done = approved.get(r.pk, 0)
            progress.append(
                RequirementProgress(r, title, done >= r.required_count, done, r.required_count)
            )
        elif r.kind == Kind.CPD_HOURS:
            progress.append(
                RequirementProgress(r, title, cpd_done >= r.hours, cpd_done, r.hours, "hours")
            )
    return progress


def requirements_met(*, candidacy: Candidacy) -> bool:
    progress = requirement_progress(candidacy=candidacy)
    return bool(progress) and all(p.met for p in progress)


def programmes_open_to(*, user) -> QuerySet[Programme]:
    """The programmes of the person's audience (their roles) in the default locale."""
    programmes = Programme.objects.canonical().filter(is_open=True)
    if not user.is_authenticated:
        return programmes
    return programmes.filter(audience__in=user.role_codes())


def candidacies_of(*, user) -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(candidate=user)
        .select_related("programme")
        .prefetch_related(Prefetch("certificate"))
    )


def certificates_of(*, user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(holder=user).select_related("programme")


def review_queue(*, assessor) -> QuerySet[Submission]:
    """Submissions waiting for review in the programmes this person assesses, oldest first;
    never their own."""
    return (
        Submission.objects.filter(
            status=Submission.Status.SUBMITTED,
            candidacy__programme__assessors=assessor,
        )
        .exclude(candidacy__candidate=assessor)
        .select_related("candidacy__candidate", "candidacy__programme", "requirement")
        .order_by("submitted_at")
    )


def candidacies_visible_to(*, user) -> QuerySet[Candidacy]:
    """Candidacies staff may manage (their country's) or an assessor may follow (their
    programmes')."""
    candidacies = Candidacy.objects.select_related(
        "candidate__country", "programme", "certificate"
    ).order_by("-started_at")
    scope = country_scope(user)
    if scope is None:
        return candidacies
    if scope is not False:
        return candidacies.filter(candidate__country_id=scope)
    if user.is_authenticated:
        return candidacies.filter(programme__assessors=user).exclude(candidate=user)
    return candidacies.none()


def certificates_visible_to(*, user) -> QuerySet[Certificate]:
    certificates = Certificate.objects.select_related("programme", "holder__country")
    scope = country_scope(user)
    if scope is None:
        return certificates
    if scope is False:
        return certificates.none()
    return certificates.filter(holder__country_id=scope)


def valid_certificate_holdings(
    *, programme_ids, holder=None, on: date | None = None
) -> set[tuple[int, int]]:
    """(holder id, programme id) for every certificate of those programmes valid on ``on``
    (today by default: issued, not expired, not revoked), of one holder or all. One query."""
    certificates = Certificate.objects.active_on(on or timezone.localdate()).filter(
        programme_id__in=programme_ids
    )
    if holder is not None:
        certificates = certificates.filter(holder=holder)
    return set(certificates.values_list("holder_id", "programme_id"))


def certificate_by_code(*, code: str) -> Certificate | None:
    return Certificate.objects.select_related("programme", "holder").filter(code=code).first()


def renewal_status(*, certificate: Certificate, today: date | None = None) -> dict:
    """Whether the holder may renew now, and the CPD hours logged in the current period."""
    today = today or timezone.localdate()
    programme = certificate.programme
    period_start = add_months(certificate.expires_on, -programme.validity_months)
    hours = cpd_hours_for(person=certificate.holder, since=period_start, until=today)
    window_open = today >= certificate.renewal_window_opens()
    return {
        "period_start": period_start,
        "hours": hours,
        "needed": programme.renewal_cpd_hours,
        "window_open": window_open,
        "enough_hours": hours >= programme.renewal_cpd_hours,
        "allowed": window_open
        and certificate.revoked_at is None
        and hours >= programme.renewal_cpd_hours,
    }


def _certificate_states(on: date) -> dict:
    revoked = Q(revoked_at__isnull=False, revoked_at__date__lte=on)
    standing = ~revoked
    return {
        "active": Count("pk", filter=standing & Q(expires_on__gte=on)),
        "expiring": Count(
            "pk", filter=standing & Q(expires_on__gte=on, expires_on__lte=on + timedelta(days=90))
        ),
        "expired": Count("pk", filter=standing & Q(expires_on__lt=on)),
        "revoked": Count("pk", filter=revoked),
    }


def holder_country_q(country_id) -> Q:
    """Certificates whose holder was in the country when the certificate was issued (its
    ``holder_profile``), or, for certificates issued before snapshots existed, is now."""
    return Q(holder_profile__isnull=False, holder_profile__country_id=country_id) | Q(
        holder_profile__isnull=True, holder__country_id=country_id
    )


def _holder_country_code():
    """The holder's country code when the certificate was issued, else as it is now."""
    return Case(
        When(holder_profile__isnull=False, then=F("holder_profile__country__code")),
        default=F("holder__country__code"),
    )


def _certificates_for(*, on: date, since: date | None, country, holders, where, as_issued):
    certificates = Certificate.objects.filter(issued_on__lte=on)
    if country is not None:
        country_id = _country_id(country)
        certificates = certificates.filter(
            holder_country_q(country_id) if as_issued else Q(holder__country_id=country_id)
        )
    if holders is not None:
        certificates = certificates.filter(holder__in=holders)
    if where is not None:
        certificates = certificates.filter(where)
    issued = Count("pk", filter=Q(issued_on__gte=since)) if since else Count("pk")
    return certificates, issued


def certificate_counts(
    *,
    country=None,
    on: date | None = None,
    since: date | None = None,
    holders=None,
    where: Q | None = None,
) -> dict[str, int]:
    """Certificates issued (up to ``on``, or from ``since`` to ``on``), and those active,
    expiring within 90 days, expired and revoked on ``on`` (today by default), for the
    holders now in one country (as the staff's lists of certificates show them) or all;
    ``holders`` (people, e.g. a queryset of pks) and ``where`` (conditions on
    certificates, e.g. on ``holder_profile__``) narrow further. One query."""
    on = on or timezone.localdate()
    certificates, issued = _certificates_for(
        on=on, since=since, country=country, holders=holders, where=where, as_issued=False
    )
    return certificates.aggregate(issued=issued, **_certificate_states(on))


def cpd_hours(
    *, since: date | None = None, until: date | None = None, country=None, people=None
) -> Decimal:
    """CPD hours logged with a date in [since, until], by people of ``country`` or all;
    ``people`` (e.g. a queryset of pks) narrows further."""
    activities = CPDActivity.objects.all()
    if people is not None:
        activities = activities.filter(person__in=people)
    if since:
        activities = activities.filter(date__gte=since)
    if until:
        activities = activities.filter(date__lte=until)
    if country is not None:
        activities = activities.filter(person__country_id=_country_id(country))
    return activities.aggregate(
        total=Coalesce(
            Sum("hours"),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=12, decimal_places=1),
        )
    )["total"]


def default_locale():
    from lms.taxonomy.locales import default_locale as known_default_locale

    return known_default_locale()


def programme_titles(programmes, language: str | None = None) -> dict[int, str]:
    """Each (default-locale) programme's title in ``language``, by id. One query."""
    language = language or get_language()
    programmes = list(programmes)
    keys = {p.translation_key: p.pk for p in programmes}
    titles = {p.pk: p.title for p in programmes}
    for key, title in Programme.objects.filter(
        translation_key__in=keys, locale__language_code=language
    ).values_list("translation_key", "title"):
        titles[keys[key]] = title
    return titles


def certificates_filtered(certificates, *, state: str = "", on: date | None = None):
    on = on or timezone.localdate()
    if state == Certificate.State.REVOKED:
        return certificates.filter(revoked_at__isnull=False)
    if state == Certificate.State.EXPIRED:
        return certificates.filter(revoked_at__isnull=True, expires_on__lt=on)
    if state == Certificate.State.VALID:
        return certificates.filter(revoked_at__isnull=True, expires_on__gte=on)
    return certificates


def certificate_counts_by_country(
    *,
    on: date | None = None,
    since: date | None = None,
    country=None,
    holders=None,
    where: Q | None = None,
) -> dict[str, dict[str, int]]:
    """:func:`certificate_counts` for every country at once, for reports: keyed by the
    code of the country the holder had when the certificate was issued (its
    ``holder_profile``; the holder's current one for certificates without), ``""`` for
    none; ``country`` also means the country at issue. One query."""
    on = on or timezone.localdate()
    certificates, issued = _certificates_for(
        on=on, since=since, country=country, holders=holders, where=where, as_issued=True
    )
    rows = (
        certificates.values(holder_country_code=_holder_country_code())
        .annotate(issued=issued, **_certificate_states(on))
        .order_by()
    )
    return {row.pop("holder_country_code") or "": row for row in rows}
