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


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves. Country, organisation and roles decide
    what they may see and do, so only staff change them (see ``services.person_update``);
    a posted ``country`` or ``organisation`` is ignored because the form has no such field."""

    class Meta:
        model = User
        fields = [
            "display_name",
            "preferred_language",
            "sector",
            "gender",
            "gender_description",
            "migrant_status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from lms.taxonomy.models import Sector

        self.fields["sector"].queryset = Sector.objects.canonical()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("gender") != User.Gender.SELF_DESCRIBED:
            cleaned["gender_description"] = ""
        return cleaned
