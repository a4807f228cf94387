"""Forms of public reporting and the labour administration: a factory's response to a
finding, the staff's refusal note, and an inspector's new inspection."""

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.responses import PHOTO_EXTENSIONS, TEXT_LIMIT


class ResponseForm(forms.Form):
    text = forms.CharField(
        label=_("What the factory did"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown publicly, after the country programme approves it, as the factory's own "
            "statement. Do not name people."
        ),
    )
    photo = forms.FileField(
        label=_("Photo of the fix (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Make sure no one can be recognised in it."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in PHOTO_EXTENSIONS)}
        ),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not approved"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InspectionForm(forms.Form):
    instrument = forms.ModelChoiceField(label=_("Instrument version"), queryset=None)
    starts_on = forms.DateField(
        label=_("Date of the inspection"), widget=forms.DateInput(attrs={"type": "date"})
    )
    co_inspectors = forms.ModelMultipleChoiceField(
        label=_("Fellow inspectors"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, instruments, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["co_inspectors"].queryset = inspectors
