"""Staff forms for survey rounds and studies (the choices limited to the viewer's country)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from compliance.models import Factory
from lms.accounts.selectors import country_scope
from lms.reports.studies.models import Study, Survey, SurveyRound
from lms.reports.studies.outcomes import outcome_choices
from lms.taxonomy.models import Country


def _countries(user):
    scope = country_scope(user)
    countries = Country.objects.canonical()
    return countries.filter(pk=scope) if scope else countries


def _factories(user):
    scope = country_scope(user)
    factories = Factory.objects.select_related("organisation__country").order_by("legal_name")
    return factories.filter(organisation__country_id=scope) if scope else factories


class FactoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.organisation.country.code.upper()})"


class SurveyRoundForm(forms.ModelForm):
    factories = FactoryChoiceField(
        label=_("Factories"),
        queryset=Factory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each gets its own code and link for its workers."),
    )

    class Meta:
        model = SurveyRound
        fields = ["survey", "title", "country", "opens_on", "closes_on"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(locale=Locale.get_default())
        self.fields["country"].queryset = _countries(user)
        self.fields["factories"].queryset = _factories(user)

    def clean(self):
        data = super().clean()
        country, factories = data.get("country"), data.get("factories")
        if country and factories:
            elsewhere = [str(f) for f in factories if f.organisation.country_id != country.pk]
            if elsewhere:
                self.add_error(
                    "factories",
                    _("These factories are not in the round's country: %(names)s.")
                    % {"names": ", ".join(elsewhere)},
                )
        return data


class StudyForm(forms.ModelForm):
    strata = forms.MultipleChoiceField(
        label=_("Strata"),
        choices=Study.Stratum.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Factories are assigned at random within each combination of these."),
    )
    size_bands = forms.CharField(
        label=_("Size band limits (workers)"),
        required=False,
        initial="500, 1500",
        help_text=_("Comma-separated: 500, 1500 makes the bands <500, 500-1499 and 1500+."),
    )
    outcomes = forms.MultipleChoiceField(
        label=_("Outcomes"), choices=outcome_choices, widget=forms.CheckboxSelectMultiple
    )
    arms = forms.CharField(
        label=_("Arms"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Services now\nServices a year later",
        help_text=_(
            "One per line. The last line is the comparison arm the others are measured against."
        ),
    )
    factories = FactoryChoiceField(
        label=_("Eligible factories"),
        queryset=Factory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Study
        fields = ["name", "description", "country", "first_year", "intervention_year", "last_year"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = _countries(user)
        if country_scope(user):
            self.fields["country"].required = True
            self.fields["country"].empty_label = None
        self.fields["factories"].queryset = _factories(user)

    def clean_size_bands(self):
        raw = self.cleaned_data.get("size_bands") or ""
        try:
            limits = sorted(
                {int(part) for part in raw.replace(";", ",").split(",") if part.strip()}
            )
        except ValueError:
            raise forms.ValidationError(_("Give whole numbers separated by commas.")) from None
        if any(limit <= 0 for limit in limits):
            raise forms.ValidationError(_("Give numbers of workers above zero."))
        return limits

    def clean_arms(self):
        names = [line.strip() for line in self.cleaned_data["arms"].splitlines() if line.strip()]
        if len(names) < 2:
            raise forms.ValidationError(_("Give at least two arms, one per line."))
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Give each arm a different name."))
        return names

    def clean(self):
        data = super().clean()
        country, factories = data.get("country"), data.get("factories")
        if country and factories:
            elsewhere = [str(f) for f in factories if f.organisation.country_id != country.pk]
            if elsewhere:
                self.add_error(
                    "factories",
                    _("These factories are not in the study's country: %(names)s.")
                    % {"names": ", ".join(elsewhere)},
                )
        return data
