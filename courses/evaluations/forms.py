from django import forms
from django.utils.translation import gettext_lazy as _

RATINGS = [
    (1, _("1 - poor")),
    (2, _("2")),
    (3, _("3")),
    (4, _("4")),
    (5, _("5 - excellent")),
]


class EvaluationForm(forms.Form):
    content_rating = forms.TypedChoiceField(
        label=_("How useful was the content?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    trainer_rating = forms.TypedChoiceField(
        label=_("How good was the trainer?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell the programme? (optional)"),
        help_text=_("Your trainer does not see your name or your comment."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, has_trainer=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_trainer:
            del self.fields["trainer_rating"]
