"""Forms of the compliance room: thin, validation only; the services do the work."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.evidence import evidence_policy
from compliance.models import AnswerOption, Assessment
from lms.uploads import check_upload


class AnswerForm(forms.Form):
    """One answer, as the phone form sends it (JSON) or the page posts it (no JavaScript)."""

    question = forms.IntegerField(min_value=1)
    answer = forms.ChoiceField(choices=AnswerOption.choices)
    notes = forms.CharField(required=False, max_length=5000, strip=True)
    client_id = forms.UUIDField(
        error_messages={
            "invalid": _("The answer's id is not valid."),
            "required": _("The answer's id is missing."),
        }
    )
    base_version = forms.IntegerField(min_value=0, required=False)
    answered_at = forms.DateTimeField(required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Photo or document"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], policy=evidence_policy()).file


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the assessors look at again?"), widget=forms.Textarea, max_length=4000
    )


class AssessmentCreateForm(forms.Form):
    instrument = forms.ModelChoiceField(label=_("Instrument version"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assessors = forms.ModelMultipleChoiceField(label=_("Assessors"), queryset=None)

    def __init__(self, *args, instruments, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["assessors"].queryset = assessors


def new_client_id() -> str:
    return str(uuid.uuid4())


class InstrumentImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
    name = forms.CharField(label=_("Name of the new version"), max_length=200)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=None,
        required=False,
        help_text=_("Empty for the global instrument."),
    )
    based_on = forms.ModelChoiceField(label=_("Based on"), queryset=None, required=False)

    def __init__(self, *args, countries, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        self.fields["based_on"].queryset = versions


class FactoryImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
