"""Forms of certification. They validate input; services do the work."""

import uuid

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from certification.models import CPDActivity, Requirement, ReviewComment, Submission


class SubmissionForm(forms.ModelForm):
    requirement = forms.ModelChoiceField(
        label=_("Requirement"), queryset=Requirement.objects.none(), empty_label=None
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = Submission
        fields = ["requirement", "title", "description", "session_date", "file", "client_id"]
        widgets = {"session_date": forms.DateInput(attrs={"type": "date"})}

    def validate_unique(self):
        # A resent form (same client id) is settled by the service, not refused here.
        pass

    EVIDENCE_KINDS = (Requirement.Kind.OBSERVED_PRACTICE, Requirement.Kind.PORTFOLIO)

    def __init__(self, *args, candidacy, titles=None, requirements=None, **kwargs):
        """``requirements``: the programme's requirements when the caller already loaded
        them, so the choices are drawn without another query (the submitted value is still
        checked against the database)."""
        super().__init__(*args, **kwargs)
        field = self.fields["requirement"]
        field.queryset = candidacy.programme.requirements.filter(kind__in=self.EVIDENCE_KINDS)
        if titles:
            field.label_from_instance = lambda r: titles.get(r.pk, r.title)
        if requirements is not None:
            field.choices = [
                (ModelChoiceIteratorValue(r.pk, r), field.label_from_instance(r))
                for r in requirements
                if r.kind in self.EVIDENCE_KINDS
            ]


class ResubmitForm(forms.Form):
    body = forms.CharField(label=_("What you changed"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("New file (optional)"), required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ReviewComment.Decision.APPROVED, _("Approve")),
            (ReviewComment.Decision.CHANGES_REQUESTED, _("Ask for changes")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the candidate"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    SCORES = [("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for index, criterion in enumerate(self.criteria):
            self.fields[f"criterion_{index}"] = forms.ChoiceField(
                label=criterion, choices=self.SCORES, required=False
            )

    def rubric_scores(self) -> dict[str, int]:
        scores = {}
        for index, criterion in enumerate(self.criteria):
            value = self.cleaned_data.get(f"criterion_{index}")
            if value:
                scores[criterion] = int(value)
        return scores


class AssessmentForm(forms.Form):
    requirement = forms.ModelChoiceField(
        label=_("Assessment"), queryset=Requirement.objects.none(), empty_label=None
    )
    score = forms.DecimalField(
        label=_("Score (%)"), min_value=0, max_value=100, max_digits=4, decimal_places=1
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def __init__(self, *args, candidacy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = candidacy.programme.requirements.filter(
            kind=Requirement.Kind.ASSESSMENT
        )


class CPDActivityForm(forms.ModelForm):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    class Meta:
        model = CPDActivity
        fields = ["kind", "title", "date", "hours", "description", "evidence", "client_id"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "80"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self):
        # A resent form (same client id) is settled by the service, not refused here.
        pass


class CPDActivityEditForm(CPDActivityForm):
    """Correct a logged activity: the same fields and checks as logging one; the evidence
    can be kept, replaced or removed."""

    client_id = None  # an edit is the same whether sent once or twice

    class Meta(CPDActivityForm.Meta):
        fields = ["kind", "title", "date", "hours", "description", "evidence"]

    def service_arguments(self) -> dict:
        """The cleaned data as :func:`certification.services.cpd_activity_update` takes it."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        evidence = data.pop("evidence")
        data["evidence"] = evidence if isinstance(evidence, UploadedFile) else None
        data["remove_evidence"] = evidence is False
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
