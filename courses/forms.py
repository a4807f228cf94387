"""Forms of the delivery views. They validate input; services do the work."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from courses.models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_PHOTO_EXTENSIONS,
    ClassSession,
    CoursePage,
)
from lms.accounts.models import Organisation
from lms.accounts.selectors import country_scope
from lms.taxonomy.models import Country
from lms.uploads import UploadPolicy, check_upload
from media_library.interactive.cmi5_models import WaiveReason

CSV_MAX_BYTES = 512 * 1024


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from courses.selectors import default_locale

        self.fields["course"].queryset = (
            CoursePage.objects.live().filter(locale=default_locale()).order_by("title")
        )
        countries = Country.objects.canonical()
        organisations = Organisation.objects.select_related("country")
        scope = country_scope(user)
        if scope is None:
            pass
        elif scope is not False:
            countries = countries.filter(pk=scope)
            organisations = organisations.filter(country_id=scope)
        else:
            countries = countries.filter(pk=user.country_id)
            organisations = organisations.filter(country_id=user.country_id)
        self.fields["country"].queryset = countries
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        organisation, country = data.get("organisation"), data.get("country")
        if organisation and country and organisation.country_id != country.pk:
            self.add_error("organisation", _("The organisation is in another country."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = ClassSession
        fields = ["title", "starts_at", "ends_at", "venue", "block_number"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }


class EnrolByUsernameForm(forms.Form):
    username = forms.CharField(label=_("Username or email"), max_length=150)
    override_note = forms.CharField(
        label=_("Waive the prerequisites because (programme staff only)"),
        max_length=1000,
        required=False,
    )


class ClassImportForm(forms.Form):
    file = forms.FileField(
        label=_("Class list (CSV)"),
        help_text=_(
            "Columns: name (required), username, email, gender, role. "
            "People without an email get a username and a password to print."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB."))
        return upload


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Session code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("What did you do?"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    # Pictures are checked (and decoded) once, by the core checker, not also by ImageField.
    photo = forms.FileField(label=_("Photo"), required=False)
    file = forms.FileField(label=_("File"), required=False)

    def clean_photo(self):
        return self._checked(self.cleaned_data.get("photo"), EVIDENCE_PHOTO_EXTENSIONS)

    def clean_file(self):
        return self._checked(self.cleaned_data.get("file"), EVIDENCE_EXTENSIONS)

    @staticmethod
    def _checked(upload, extensions):
        if not upload:
            return upload
        policy = UploadPolicy(extensions=extensions, max_bytes=settings.COURSES_EVIDENCE_MAX_BYTES)
        upload.name = check_upload(upload, policy=policy).name
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("text", "").strip() or data.get("photo") or data.get("file")):
            raise forms.ValidationError(_("Describe what you did, or add a photo or a file."))
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("changes", _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AdoptionForm(forms.Form):
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class Cmi5WaiveForm(forms.Form):
    """Staff waive one of a learner's cmi5 units (cmi5 9.3.7) with the specification's
    reason; ``unit`` is ``<page id>-<AU id>`` from the learner's list."""

    unit = forms.CharField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Reason"), choices=WaiveReason.choices)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {f"{unit.page.pk}-{unit.au.pk}": unit for unit in units}

    def clean_unit(self):
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None or not unit.may_waive:
            raise forms.ValidationError(_("This unit cannot be waived."))
        return unit
