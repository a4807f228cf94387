"""The privacy notice (a translatable snippet) and the review of erasure requests."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.accounts.audit import audit_access
from lms.accounts.selectors import country_scope
from lms.privacy import selectors, services
from lms.privacy.models import ErasureRequest, PrivacyNotice


class PrivacyNoticeViewSet(SnippetViewSet):
    model = PrivacyNotice
    icon = "doc-full"
    menu_label = gettext_lazy("Privacy notice")
    add_to_settings_menu = True
    list_display = ["title", "locale", "updated_at"]


register_snippet(PrivacyNoticeViewSet)


class ErasurePermissionPolicy(BasePermissionPolicy):
    """Global staff and country staff see requests (country staff their country's); who may
    approve one is decided per request (``services.can_review_erasure``)."""

    def user_has_permission(self, user, action):
        return action == "view" and country_scope(user) is not False

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        scope = country_scope(user)
        return scope is None or instance.country_id == scope

    def instances_user_has_any_permission_for(self, user, actions):
        return selectors.erasure_requests_visible_to(user)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve: erase this person")),
            ("reject", gettext_lazy("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    review_note = forms.CharField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("Required when you reject: the reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


def erasure_review_view(request, pk):
    erasure = get_object_or_404(ErasureRequest.objects.select_related("person"), pk=pk)
    if not ErasureRequestViewSet.permission_policy.user_has_permission_for_instance(
        request.user, "view", erasure
    ):
        raise PermissionDenied
    may_review = services.can_review_erasure(request.user, erasure)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.erasure_review(
                    actor=request.user,
                    erasure=erasure,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["review_note"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        for item in errors:
                            form.add_error(field, item)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Your decision is recorded."))
                return redirect("erasure-requests:index")
        status = 400
    else:
        audit_access(actor=request.user, subject=erasure.person, what="erasure request reviewed")
    return TemplateResponse(
        request,
        "privacy/admin/review.html",
        {"erasure": erasure, "form": form, "may_review": may_review},
        status=status,
    )


class ErasureRequestViewSet(ModelViewSet):
    model = ErasureRequest
    icon = "bin"
    menu_label = gettext_lazy("Erasure requests")
    name = "erasure-requests"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["person", "country", "source", "status", "created_at", "reviewed_by"]
    list_filter = ["status", "source"]
    form_fields = []
    permission_policy = ErasurePermissionPolicy(ErasureRequest)

    @property
    def index_view_class(self):
        policy = self.permission_policy

        class ScopedIndex(super().index_view_class):
            def get_base_queryset(self):
                return policy.instances_user_has_any_permission_for(self.request.user, ["view"])

            def get_edit_url(self, instance):
                return reverse("erasure-requests:review", args=[instance.pk])

        return ScopedIndex

    def get_urlpatterns(self):
        """The list and the review page: requests are made by people, never edited."""
        kept = [p for p in super().get_urlpatterns() if p.name in {"index", "index_results"}]
        return [*kept, path("<int:pk>/review/", erasure_review_view, name="review")]


register_permission_policy(ErasureRequest, ErasureRequestViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_erasure_viewset():
    return ErasureRequestViewSet()


class ErasureMenuItem(MenuItem):
    def is_shown(self, request):
        return ErasureRequestViewSet.permission_policy.user_has_permission(request.user, "view")


@hooks.register("register_reports_menu_item")
def register_erasure_menu_item():
    return ErasureMenuItem(
        gettext_lazy("Erasure requests"),
        reverse("erasure-requests:index"),
        icon_name="bin",
        order=910,
    )
