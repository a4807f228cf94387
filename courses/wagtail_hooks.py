"""Cohorts in the Wagtail admin, scoped to the staff member's country (the day-to-day work
of trainers happens in the public views under /learn/cohorts/)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from courses.models import Cohort, TrainingRequirement
from lms.accounts.permissions import CountryScopedPermissionPolicy
from lms.accounts.wagtail_hooks import CountryScopedViewSet


class CohortViewSet(CountryScopedViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    menu_order = 210
    name = "cohorts"
    list_display = ["name", "course", "country", "organisation", "language", "start_date"]
    list_filter = ["country", "language"]
    search_fields = ["name"]
    form_fields = [
        "name",
        "course",
        "country",
        "organisation",
        "language",
        "start_date",
        "trainers",
    ]
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = True
    permission_policy = CountryScopedPermissionPolicy(Cohort, actions=("view", "change", "add"))


register_permission_policy(Cohort, CohortViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_cohort_viewset():
    return CohortViewSet()


class TrainingRequirementViewSet(CountryScopedViewSet):
    """Required (and recurring) training, per role, in one organisation or in every factory
    of a country (``courses.training``): country staff keep their country's."""

    model = TrainingRequirement
    icon = "date"
    menu_label = _("Required training")
    menu_order = 215
    name = "required_training"
    list_display = ["course", "role", "organisation", "country", "due_within_days", "active"]
    list_filter = ["country", "active"]
    form_fields = [
        "course",
        "role",
        "country",
        "organisation",
        "due_within_days",
        "due_from",
        "recur_every_months",
        "remind_days_before",
        "active",
    ]
    copy_view_enabled = False
    add_to_admin_menu = True
    permission_policy = CountryScopedPermissionPolicy(
        TrainingRequirement, actions=("view", "change", "add", "delete")
    )


register_permission_policy(TrainingRequirement, TrainingRequirementViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_training_requirement_viewset():
    return TrainingRequirementViewSet()
