"""The filters every indicator accepts, parsed from a query string.

``parse_filters(data, user=...)`` validates with a form (translated errors, the input kept
for re-display) and applies the viewer's country scope: country staff always see their own
country; asking for another country is refused.
"""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort, CoursePage
from lms.accounts.models import Organisation, User
from lms.accounts.selectors import country_scope
from lms.records.models import PersonSnapshot
from lms.reports.models import COVERAGE_ROLES
from lms.taxonomy.forms import KeptTermChoiceField
from lms.taxonomy.models import Country, Sector
from lms.taxonomy.selectors import terms_in_language

ROLE_CHOICES = [
    (code, label)
    for code, label in User.roles.rel.model.Code.choices
    if code in (*COVERAGE_ROLES, "trainer", "enterprise_advisor")
]


def _day_start(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the current time zone (a midnight that a clock change
    skips is read before the change, which is the moment the day began)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass(frozen=True)
class ReportFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    country: Country | None = None
    sector: Sector | None = None
    organisation: Organisation | None = None
    course: CoursePage | None = None
    cohort: Cohort | None = None
    role: str = ""
    gender: str = ""
    migrant_status: str = ""
    errors: dict = field(default_factory=dict, compare=False)

    @property
    def country_id(self):
        return self.country.pk if self.country else None

    def people_q(self, prefix: str = "", *, with_role: bool = True) -> Q:
        """Conditions on a person reached through ``prefix`` (e.g. ``"learner__"``)."""
        q = Q()
        if self.country:
            q &= Q(**{f"{prefix}country_id": self.country.pk})
        if self.sector:
            q &= Q(**{f"{prefix}sector_id": self.sector.pk})
        if self.organisation:
            q &= Q(**{f"{prefix}organisation_id": self.organisation.pk})
        if self.gender:
            q &= Q(**{f"{prefix}gender": self.gender})
        if self.migrant_status:
            q &= Q(**{f"{prefix}migrant_status": self.migrant_status})
        if self.role and with_role:
            holders = User.objects.filter(roles__code=self.role).values("pk")
            q &= Q(**{f"{prefix}pk__in" if prefix else "pk__in": holders})
        return q

    def profile_q(self, snapshot: str, person: str, *, with_role: bool = True) -> Q:
        """Conditions on the attributes a person had when an event happened: those of the
        event's ``PersonSnapshot`` (``snapshot``, e.g. ``"learner_profile__"``), or, for
        events stored before snapshots existed, the person's own (``person``)."""
        frozen = Q()
        if self.country:
            frozen &= Q(**{f"{snapshot}country_id": self.country.pk})
        if self.sector:
            frozen &= Q(**{f"{snapshot}sector_id": self.sector.pk})
        if self.organisation:
            frozen &= Q(**{f"{snapshot}organisation_id": self.organisation.pk})
        if self.gender:
            frozen &= Q(**{f"{snapshot}gender": self.gender})
        if self.migrant_status:
            frozen &= Q(**{f"{snapshot}migrant_status": self.migrant_status})
        if self.role and with_role:
            holders = PersonSnapshot.objects.filter(roles__code=self.role).values("pk")
            frozen &= Q(**{f"{snapshot}in": holders})
        if not frozen:
            return Q()
        return (Q(**{f"{snapshot}isnull": False}) & frozen) | (
            Q(**{f"{snapshot}isnull": True}) & self.people_q(person, with_role=with_role)
        )

    @property
    def narrows_people(self) -> bool:
        """Whether a filter beyond period and country picks out particular people."""
        return bool(
            self.sector
            or self.organisation
            or self.course
            or self.cohort
            or self.role
            or self.gender
            or self.migrant_status
        )

    def people(self):
        """The people these filters pick out (country, sector, organisation, role, gender,
        migrant status, and enrolment in the course or cohort), as a queryset to use as a
        subquery; ``None`` when only period and country are set (the rooms' selectors then
        filter by country themselves, which is cheaper)."""
        if not self.narrows_people:
            return None
        return self._enrolled(User.objects.filter(self.people_q())).values("pk")

    def enrolled_people(self):
        """The people enrolled in the course or cohort filter, as a queryset to use as a
        subquery; ``None`` when neither is set. For events that carry a ``PersonSnapshot``
        (filtered with :meth:`profile_q`), this is the only condition on the person."""
        if not (self.course or self.cohort):
            return None
        return self._enrolled(User.objects.all()).values("pk")

    def _enrolled(self, people):
        if self.course:
            people = people.filter(enrolments__course__translation_key=self.course.translation_key)
        if self.cohort:
            people = people.filter(enrolments__cohort_id=self.cohort.pk)
        return people

    def period_q(self, field_name: str, *, is_date: bool = False) -> Q:
        """Events of ``field_name`` on a day of the period (in the current time zone).

        A moment is compared with the first moment of ``since`` and of the day after
        ``until``, not cast to a date: the same events, but PostgreSQL's planner can
        estimate a range on the column (a cast hides its statistics; at 100,000 learners
        the estimate of a few rows led it to a look-up per row, decision 0609)."""
        q = Q()
        if is_date:
            if self.since:
                q &= Q(**{f"{field_name}__gte": self.since})
            if self.until:
                q &= Q(**{f"{field_name}__lte": self.until})
            return q
        if self.since:
            q &= Q(**{f"{field_name}__gte": _day_start(self.since)})
        if self.until:
            q &= Q(**{f"{field_name}__lt": _day_start(self.until + dt.timedelta(days=1))})
        return q

    def as_query(self) -> dict:
        """The filters as query-string values (for links and stored exports)."""
        values = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "country": self.country.code if self.country else "",
            "sector": self.sector.code if self.sector else "",
            "organisation": self.organisation.pk if self.organisation else "",
            "course": self.course.pk if self.course else "",
            "cohort": self.cohort.pk if self.cohort else "",
            "role": self.role,
            "gender": self.gender,
            "migrant_status": self.migrant_status,
        }
        return {key: str(value) for key, value in values.items() if value not in ("", None)}


class SearchInput(forms.TextInput):
    input_type = "search"


class OrganisationField(forms.CharField):
    """An organisation typed by name in a plain text field (no list of every factory in the
    page: a programme has thousands). The form resolves what was typed, in
    :meth:`FilterForm.clean_organisation`: a number is the organisation's id (the filter's
    links and stored exports carry ids), otherwise the name, whole or in part, case aside.
    Once resolved, the field shows the organisation's whole name; otherwise what was typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget",
            SearchInput({"placeholder": _("All organisations"), "autocomplete": "off"}),
        )
        super().__init__(**kwargs)
        self.queryset = Organisation.objects.all()
        self.resolved: Organisation | None = None

    def prepare_value(self, value):
        if self.resolved is not None:
            return self.resolved.name
        return super().prepare_value(value)


def resolve_organisation(typed: str, organisations, country=None) -> Organisation:
    """The one organisation among ``organisations`` that ``typed`` names (see
    :class:`OrganisationField`), within ``country`` when given; a translated
    ``ValidationError`` when none or several do. Three small queries at most."""
    if country is not None:
        organisations = organisations.filter(country_id=country.pk)
    if typed.isdigit():
        found = organisations.filter(pk=int(typed)).first()
        if found is not None:
            return found
    for lookup in ("name__iexact", "name__icontains"):
        found = list(organisations.filter(**{lookup: typed}).order_by("pk")[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise forms.ValidationError(
                _("Several organisations match this name; type more of it or choose a country."),
                code="ambiguous",
            )
    raise forms.ValidationError(_("No organisation has this name."), code="unknown")


class FilterForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    country = KeptTermChoiceField(label=_("Country"), empty_label=_("All countries"))
    sector = KeptTermChoiceField(label=_("Sector"), empty_label=_("All sectors"))
    organisation = OrganisationField(label=_("Organisation"), required=False)
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.filter(locale__language_code="en"),
        required=False,
        empty_label=_("All courses"),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.all(),
        required=False,
        empty_label=_("All cohorts"),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *ROLE_CHOICES], required=False
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("All")), *User.Gender.choices], required=False
    )
    migrant_status = forms.ChoiceField(
        label=_("Migrant status"),
        choices=[("", _("All")), *User.MigrantStatus.choices],
        required=False,
    )

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].offer(Country, only=scope or None)
        self.fields["sector"].offer(Sector)
        if scope:
            self.fields["organisation"].queryset = Organisation.objects.filter(country_id=scope)
            self.fields["cohort"].queryset = Cohort.objects.filter(country_id=scope)

    def clean_organisation(self):
        typed = self.cleaned_data.get("organisation") or ""
        if not typed:
            return None
        field = self.fields["organisation"]
        organisations = field.queryset
        try:
            field.resolved = resolve_organisation(typed, organisations)
        except forms.ValidationError as error:
            # Several organisations share the name: the country chosen may tell them apart.
            country = self.cleaned_data.get("country")
            if country is None or error.code != "ambiguous":
                raise
            field.resolved = resolve_organisation(typed, organisations, country)
        return field.resolved

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        organisation, country = data.get("organisation"), data.get("country")
        if organisation and country and organisation.country_id != country.pk:
            self.add_error("organisation", _("This organisation is in another country."))
        return data


def scope_country_code(scope: int) -> str:
    """The code of the country a staff member's scope (``country_scope``) limits them to,
    from the terms the process keeps (a country added since is looked up)."""
    canonical = terms_in_language(model=Country, language_code=settings.LANGUAGE_CODE)
    known = next((term.code for term in canonical.values() if term.pk == scope), None)
    if known is not None:
        return known
    return Country.objects.filter(pk=scope).values_list("code", flat=True).first() or ""


def parse_filters(data, *, user) -> tuple[ReportFilters, FilterForm]:
    """The filters a viewer asked for, limited to what they may see. Invalid fields are
    ignored (and reported on the form); another country is refused outright."""
    scope = country_scope(user)
    if scope is False:
        raise PermissionDenied
    if scope is not None:
        asked = data.get("country")
        own = scope_country_code(scope)
        if asked and asked != own:
            raise PermissionDenied
        data = data.copy()
        data["country"] = own
    form = FilterForm(data, scope=scope)
    form.is_valid()
    cleaned = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    filters = ReportFilters(
        since=cleaned.get("since"),
        until=cleaned.get("until"),
        country=cleaned.get("country"),
        sector=cleaned.get("sector"),
        organisation=cleaned.get("organisation"),
        course=cleaned.get("course"),
        cohort=cleaned.get("cohort"),
        role=cleaned.get("role") or "",
        gender=cleaned.get("gender") or "",
        migrant_status=cleaned.get("migrant_status") or "",
        errors=dict(form.errors),
    )
    return filters, form
