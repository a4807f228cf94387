"""Instrument versions (with their questions) as translatable snippets in the Wagtail admin;
factory profiles, scoped to the staff member's country; a menu link to the staff pages."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from compliance.models import Factory, InstrumentVersion, PublicReportingRule
from lms.accounts.permissions import CountryScopedPermissionPolicy
from lms.accounts.selectors import country_scope
from lms.accounts.wagtail_hooks import CountryScopedViewSet


class InstrumentVersionViewSet(SnippetViewSet):
    model = InstrumentVersion
    icon = "list-ul"
    menu_label = _("Assessment instruments")
    menu_order = 360
    add_to_admin_menu = True
    list_display = ["name", "country", "number", "status", "locale"]
    list_filter = ["status", "locale"]
    search_fields = ["name"]


register_snippet(InstrumentVersionViewSet)


class FactoryPermissionPolicy(CountryScopedPermissionPolicy):
    """Factories belong to their organisation's country. Nobody adds one here: factories
    come from the import (which catches duplicates) or from the organisation they profile."""

    def __init__(self, model):
        super().__init__(model, country_field="organisation__country", actions=("view", "change"))

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        scope = country_scope(user)
        return scope is None or instance.organisation.country_id == scope


class FactoryViewSet(CountryScopedViewSet):
    model = Factory
    icon = "site"
    menu_label = _("Factories")
    name = "factories"
    menu_order = 361
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["legal_name", "trading_name", "organisation", "registry_id"]
    search_fields = ["legal_name", "trading_name", "registry_id"]
    form_fields = [
        "legal_name",
        "trading_name",
        "address",
        "products",
        "registry_id",
        "workers_women",
        "workers_men",
        "workers_other",
        "workers_migrant",
        "advisors",
    ]
    permission_policy = FactoryPermissionPolicy(Factory)


factory_viewset = FactoryViewSet()
register_permission_policy(Factory, FactoryViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_factory_viewset():
    return factory_viewset


class PublicReportingRuleViewSet(CountryScopedViewSet):
    """Each country's rules of public reporting, kept by its staff (global staff: all)."""

    model = PublicReportingRule
    icon = "view"
    menu_label = _("Public reporting rules")
    name = "public_reporting_rules"
    menu_order = 363
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["country", "is_active", "min_published_assessments", "inspector_access"]
    permission_policy = CountryScopedPermissionPolicy(
        PublicReportingRule, actions=("view", "change", "add")
    )


public_reporting_rule_viewset = PublicReportingRuleViewSet()
register_permission_policy(PublicReportingRule, PublicReportingRuleViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_public_reporting_rule_viewset():
    return public_reporting_rule_viewset


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_global_admin or user.is_country_staff


@hooks.register("register_admin_menu_item")
def register_compliance_menu_item():
    return StaffMenuItem(
        _("Assessments and factories"),
        reverse_lazy("compliance:factories"),
        icon_name="doc-full",
        order=362,
    )
