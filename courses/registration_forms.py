"""Forms of sign-up: a trainer opening a session for sign-up, and finding a learner."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import ClassSession


class SignupSettingsForm(forms.ModelForm):
    class Meta:
        model = ClassSession
        fields = [
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "cancellation_deadline",
        ]
        widgets = {
            "capacity": forms.NumberInput(attrs={"min": 1}),
            "registration_opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "registration_closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "cancellation_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("A session has at least one seat."))
        return capacity


class RegisterLearnerForm(forms.Form):
    username = forms.CharField(label=_("Username or email"), max_length=150)


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person"), max_length=100, required=False)
