"""Forms of improvement plans, the committee, advisory visits, training and monthly figures.
They check the shape of the input; the rules are in the services."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.evidence import EVIDENCE_EXTENSIONS
from compliance.indicators import FIGURE_FIELDS
from compliance.models import CommitteeMember, MonthlyFigures, PlanAction
from lms.taxonomy.models import CompliancePoint


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible committee member"),
        queryset=CommitteeMember.objects.none(),
        required=False,
    )
    responsible_name = forms.CharField(
        label=_("Or another responsible person"),
        max_length=120,
        required=False,
        help_text=_("For someone who is not on the committee, e.g. the maintenance manager."),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = committee


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanAction.Status.choices)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or document"),
        help_text=_("Accepted: %(kinds)s.") % {"kinds": ", ".join(EVIDENCE_EXTENSIONS)},
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class CommitteeMemberForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "side", "gender", "position", "joined_on"]
        widgets = {"joined_on": DateInput()}


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput())
    attendees = forms.ModelMultipleChoiceField(
        label=_("Committee members present"),
        queryset=CommitteeMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(label=_("Others present"), max_length=300, required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=CompliancePoint.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )
    actions_reviewed = forms.ModelMultipleChoiceField(
        label=_("Actions reviewed"),
        queryset=PlanAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, committee, points, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = committee
        self.fields["topics"].queryset = points
        self.fields["actions_reviewed"].queryset = actions
        self.fields["actions_reviewed"].label_from_instance = lambda a: str(a)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class FiguresForm(forms.ModelForm):
    """One month's figures. The model's validators give the reasons a value is refused."""

    month = forms.DateField(
        label=_("Month"),
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("For example 2026-05."),
    )

    class Meta:
        model = MonthlyFigures
        fields = ["month", *FIGURE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIGURE_FIELDS:
            self.fields[name].widget.attrs.setdefault("inputmode", "decimal")

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1) if isinstance(month, datetime.date) else month

    def _post_clean(self):
        # The service validates the whole row (with the factory) and reports field errors.
        pass
