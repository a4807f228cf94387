"""Forms of the community pages. They check input and show translated errors; the
services do the work."""

import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lms.taxonomy.models import Cluster

from .models import Category, Flag, MemberProfile, Reaction
from .uploads import check_attachment

MARKUP_HELP = _(
    "Leave an empty line between paragraphs. Web addresses become links; @name tells that "
    "person. You may use <b>bold</b>, <i>italic</i>, <ul><li>lists</li></ul>, "
    '<blockquote>quotes</blockquote> and <a href="…">links</a>.'
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attach pictures or documents"))
        kwargs.setdefault(
            "help_text",
            _(
                "Pictures (JPEG, PNG, WebP) or documents (PDF, Word, Excel, PowerPoint, text), "
                "up to 5 files."
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_attachment(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def new_client_id() -> str:
    return secrets.token_urlsafe(16)


class PostForm(forms.Form):
    source = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=MARKUP_HELP,
    )
    attachments = AttachmentsField()
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].max_length = getattr(settings, "COMMUNITY_POST_MAX_LENGTH", 20000)
        self.fields["source"].widget.attrs["maxlength"] = self.fields["source"].max_length
        if not self.is_bound:
            self.initial.setdefault("client_id", new_client_id())


class ThreadForm(PostForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    is_question = forms.BooleanField(
        label=_("This is a question: I want an answer I can mark as accepted"), required=False
    )
    field_order = ["title", "category", "is_question", "source", "attachments"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].label = _("Your message")
        self.fields["category"].queryset = community.categories.all()
        if not community.categories.exists():
            del self.fields["category"]


class EditForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    source = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        help_text=MARKUP_HELP,
    )

    def __init__(self, *args, with_title=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything the moderators should know"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), max_length=200, required=False
    )


class SilenceForm(forms.Form):
    DURATIONS = [
        ("1", _("One day")),
        ("7", _("One week")),
        ("30", _("One month")),
        ("0", _("Lift the silence")),
    ]
    username = forms.CharField(label=_("Username"), max_length=150)
    days = forms.ChoiceField(label=_("For how long"), choices=DURATIONS)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("member", _("Member")), ("moderator", _("Moderator"))],
    )


class MoveForm(forms.Form):
    target = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the community"), required=False, max_length=1000)
    community = forms.ChoiceField(label=_("Community"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All communities"))] + [
            (c.slug, c.name) for c in communities
        ]
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("My expertise"),
        queryset=Cluster.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MemberProfile
        fields = [
            "email_frequency",
            "listed_in_directory",
            "offers_mentoring",
            "bio",
            "languages",
            "expertise",
        ]
        widgets = {"email_frequency": forms.RadioSelect, "bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expertise"].queryset = Cluster.objects.canonical()


class MessageForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=150, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=_("Your e-mail address is not shown. They reply here, on the site."),
    )


class DirectoryFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    expertise = forms.ChoiceField(label=_("Expertise"), required=False)
    mentors = forms.BooleanField(label=_("Only people who offer mentoring"), required=False)

    def __init__(self, *args, countries, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country"))] + [
            (c.code, c.name) for c in countries
        ]
        self.fields["language"].choices = [("", _("Any language")), *settings.LANGUAGES]
        self.fields["expertise"].choices = [("", _("Any topic"))] + [
            (c.code, c.name) for c in clusters
        ]
