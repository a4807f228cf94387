"""Forms of sharing with buyers: the factory's grants, a buyer's request, API keys, the
dashboard's filters. They check the shape of the input; the rules are in compliance.sharing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.models import SharingScope
from lms.accounts.models import Organisation


class ScopesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", SharingScope.choices)
        super().__init__(**kwargs)


class GrantsForm(forms.Form):
    """What the factory shares with one buyer; unticking a scope withdraws it at once."""

    buyer = forms.ModelChoiceField(
        label=_("Buyer"), queryset=Organisation.objects.filter(kind=Organisation.Kind.BUYER)
    )
    scopes = ScopesField(label=_("Share with this buyer"), required=False)


class BuyerAddForm(forms.Form):
    buyer = forms.ModelChoiceField(
        label=_("A buyer your factory supplies"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.BUYER).order_by("name"),
    )
    scopes = ScopesField(
        label=_("Share at once (optional)"),
        required=False,
        help_text=_("You can also wait for the buyer to ask, and change this at any time."),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
    scopes = ScopesField(label=_("Share"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "accept" and not cleaned.get("scopes"):
            self.add_error("scopes", _("Choose at least one thing to share, or decline."))
        return cleaned


class AskForm(forms.Form):
    scopes = ScopesField(label=_("What would you like to see?"))
    message = forms.CharField(
        label=_("Message to the factory (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=80,
        help_text=_("Which of your systems will use it, e.g. “supplier compliance database”."),
    )


class DashboardFilters(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    cluster = forms.TypedChoiceField(
        label=_("Cluster"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, countries, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.fields["cluster"].choices = [("", _("All clusters")), *clusters]
