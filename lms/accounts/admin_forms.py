"""The People form of the Wagtail admin: details, scope and roles, within the editor's reach.

The form offers only what the editor may choose (their country, its organisations, the roles
they may grant; taxonomy terms once each, in the editor's language) and checks it again on
submit, because a posted value need not be one that was offered. Saving goes through
``services.person_update`` / ``services.person_create``, which check once more and record
the change in the audit trail.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.accounts import services
from lms.accounts.models import Organisation, Role, User
from lms.accounts.permissions import grantable_roles
from lms.accounts.selectors import country_scope
from lms.taxonomy.forms import TermChoiceField, default_language_terms
from lms.taxonomy.models import Country, Sector


def queryset_in_scope(queryset, scope):
    """The rows of ``queryset`` in country ``scope`` (an id, or ``False`` for none)."""
    from lms.taxonomy.models import Country as CountryModel

    model = queryset.model
    field_names = {f.name for f in model._meta.concrete_fields}
    if issubclass(model, CountryModel):
        return queryset.filter(pk=scope or 0)
    if "country" in field_names:
        return queryset.filter(country_id=scope or 0)
    if "community" in field_names:
        return queryset.filter(community__country_id=scope or 0)
    return queryset


def scope_choice_fields(fields, user) -> None:
    """Limit every choice of a row to the editor's country: countries to theirs, rows with a
    ``country`` (organisations, people, communities...) to those in it, rows of a community
    to their community's country. Taxonomy terms are offered once each (the default-language
    row, which reports key on), labelled in the editor's language. A posted value outside
    the limited choices fails validation, so nothing is created in or moved to another
    country; country staff must name their country where a country may be left empty."""
    from lms.taxonomy.forms import TermLabelsMixin, default_language_terms
    from lms.taxonomy.models import Country as CountryModel
    from lms.taxonomy.models import Term

    scope = country_scope(user) if user is not None else False
    for name, field in fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        model = queryset.model
        if issubclass(model, Term):
            queryset = queryset & default_language_terms(model)
            labeller = TermLabelsMixin()
            labeller.term_model = model
            field.label_from_instance = labeller.term_label
        if scope is not None:
            queryset = queryset_in_scope(queryset, scope)
            if issubclass(model, CountryModel) and name == "country":
                field.required = True
                field.empty_label = None
        field.queryset = queryset


class ScopedChoicesFormMixin:
    """Mixed into every country-scoped admin form (see ``scope_choice_fields``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choice_fields(self.fields, getattr(self, "for_user", None))


class CountryScopedModelForm(ScopedChoicesFormMixin, WagtailAdminModelForm):
    """The base of country-scoped admin forms built from a field list."""


class PersonAdminForm(WagtailAdminModelForm):
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the roles you may give are listed."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "display_name",
            "email",
            "preferred_language",
            "country",
            "organisation",
            "sector",
            "is_active",
        ]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.actor = for_user
        editing = bool(self.instance.pk)
        if editing:
            del self.fields["username"]
            self.original = User.objects.prefetch_related("roles").get(pk=self.instance.pk)
        else:
            self.original = None
            self.fields["username"].help_text = _(
                "Letters, digits and . @ + - _ only. The person sets a password through "
                "“forgotten password” or gets one printed by their trainer."
            )
        scope = country_scope(for_user) if for_user is not None else False
        countries = default_language_terms(Country)
        organisations = Organisation.objects.select_related("country")
        if scope is not None:
            countries = countries.filter(pk=scope or 0)
            organisations = organisations.filter(country_id=scope or 0)
        self.fields["country"] = TermChoiceField(
            model=Country,
            queryset=countries,
            label=_("Country"),
            required=not (for_user is not None and for_user.is_global_admin),
        )
        self.fields["sector"] = TermChoiceField(model=Sector, label=_("Sector"), required=False)
        self.fields["organisation"].queryset = organisations
        granted = grantable_roles(for_user) if for_user is not None else frozenset()
        self.fields["roles"].queryset = Role.objects.filter(code__in=granted)
        if editing:
            self.initial["roles"] = [r.pk for r in self.original.roles.all() if r.code in granted]
        if scope not in (None, False) and not editing:
            self.initial.setdefault("country", scope)

    def clean(self):
        cleaned = super().clean()
        if self.actor is None:
            raise ValidationError(_("You cannot change people."))
        changes = self.changes()
        person = self.original or User(country=None)
        if self.original is None:
            person._role_codes = frozenset()
        errors = services.person_scope_errors(actor=self.actor, person=person, changes=changes)
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def changes(self) -> dict:
        data = {
            field: self.cleaned_data[field]
            for field in services.PERSON_FIELDS
            if field in self.cleaned_data
        }
        if "roles" in self.cleaned_data:
            # Roles the editor may not grant and the person already holds are kept.
            held = set(self.original.role_codes()) if self.original else set()
            granted = grantable_roles(self.actor)
            data["roles"] = sorted({r.code for r in self.cleaned_data["roles"]} | (held - granted))
        return data

    def save(self, commit=True):
        changes = self.changes()
        if self.original is None:
            person = services.person_create(
                actor=self.actor, username=self.cleaned_data["username"], changes=changes
            )
        else:
            person = services.person_update(actor=self.actor, person=self.original, changes=changes)
        # The admin views read the saved object from the form.
        self.instance = person
        return person

    def save_m2m(self):
        """Roles are saved by the service."""
