"""Sign-up and profile forms."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from lms.accounts.models import User
from lms.taxonomy.models import Country


class SignupForm(AllauthSignupForm):
    """Allauth's sign-up plus what a learner tells us about themselves at the start."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        required=False,
        help_text=_("How your name is shown to others. At most 80 characters."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=())
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings
        from django.utils.translation import get_language

        self.fields["preferred_language"].choices = settings.LANGUAGES
        self.fields["preferred_language"].initial = get_language()
        self.fields["country"].queryset = Country.objects.canonical()
        self.fields["email"].help_text = _(
            "Optional. Without an email address, sign in with your username."
        )

    def save(self, request):
        user = super().save(request)
        user.display_name = self.cleaned_data.get("display_name", "")
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.country = self.cleaned_data.get("country")
        user.save(update_fields=["display_name", "preferred_language", "country"])
        return user


GENDER_REASON = _(
    "Why we ask: Better Work reports how many women and men take part in training, to check "
    "that training reaches women workers as much as men. Your answer is never shown with your "
    "name. You may withdraw your consent at any time; your answer is then deleted."
)
MIGRANT_REASON = _(
    "Why we ask: Better Work reports how many migrant workers take part in training, to check "
    "that they are reached too. Your answer is never shown with your name. You may withdraw "
    "your consent at any time; your answer is then deleted."
)


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves. Country, organisation and roles decide
    what they may see and do, so only staff change them (see ``services.person_update``);
    a posted ``country`` or ``organisation`` is ignored because the form has no such field.

    Gender and migrant status are kept only with the person's consent (issue 21.4): each has
    a box to tick, with the reason beside it; unticking it withdraws the consent and clears
    the answer."""

    consent_gender = forms.BooleanField(
        label=_("I agree that my gender is kept and used, without my name, in impact reports."),
        help_text=GENDER_REASON,
        required=False,
    )
    consent_migrant_status = forms.BooleanField(
        label=_(
            "I agree that my migrant status is kept and used, without my name, in impact reports."
        ),
        help_text=MIGRANT_REASON,
        required=False,
    )

    field_order = [
        "display_name",
        "phone",
        "preferred_language",
        "sector",
        "gender",
        "gender_description",
        "consent_gender",
        "migrant_status",
        "consent_migrant_status",
    ]

    class Meta:
        model = User
        fields = [
            "display_name",
            "phone",
            "preferred_language",
            "sector",
            "gender",
            "gender_description",
            "migrant_status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lms.accounts.services import consents_active
        from lms.taxonomy.models import Sector

        self.fields["sector"].queryset = Sector.objects.canonical()
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        for name in ("gender", "migrant_status"):
            self.fields[name].help_text = _("Optional.")
        if self.instance.pk:
            active = consents_active(user=self.instance)
            self.fields["consent_gender"].initial = "gender" in active
            self.fields["consent_migrant_status"].initial = "migrant_status" in active

    def clean_phone(self):
        from lms.accounts.phones import phone_to_e164

        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        country = self.instance.country if self.instance.country_id else None
        return phone_to_e164(value, region=country.iso_code if country else None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("gender") != User.Gender.SELF_DESCRIBED:
            cleaned["gender_description"] = ""
        if cleaned.get("gender") and not cleaned.get("consent_gender"):
            self.add_error(
                "consent_gender",
                _("To keep your answer about gender, tick this box, or leave the question blank."),
            )
        if cleaned.get("migrant_status") and not cleaned.get("consent_migrant_status"):
            self.add_error(
                "consent_migrant_status",
                _("To keep your answer about migrant status, tick this box, or leave it blank."),
            )
        return cleaned

    def save(self, commit=True):
        from lms.accounts.services import consent_record, consent_withdraw

        user = super().save(commit=commit)
        for field in ("gender", "migrant_status"):
            if self.cleaned_data.get(f"consent_{field}"):
                consent_record(user=user, field=field)
            else:
                consent_withdraw(user=user, field=field)
        return user
