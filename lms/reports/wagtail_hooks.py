from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.accounts.permissions import CountryScopedPermissionPolicy
from lms.accounts.wagtail_hooks import CountryScopedViewSet
from lms.reports import views
from lms.reports.impact import factory_against_country
from lms.reports.impact_prepared import prepared_country_factory_values
from lms.reports.models import CountryEconomicFigure, CoverageTarget


@hooks.register("register_admin_urls")
def register_reports_urls():
    return [
        path("reports/", views.dashboard, name="reports_dashboard"),
        path("reports/impact/", views.impact_dashboard, name="reports_impact"),
        path("reports/evaluations/", views.evaluations_dashboard, name="reports_evaluations"),
        path("reports/export/", views.export_create, name="reports_export"),
        path("reports/exports/<int:pk>/", views.export_status, name="reports_export_status"),
        path(
            "reports/exports/<int:pk>/download/",
            views.export_download,
            name="reports_export_download",
        ),
    ]


MONTHS_COMPARED = 12


@hooks.register("compliance_factory_panels")
def factory_against_country_panel(request, factory):
    """On a factory's page (compliance room): its own indicators against its country's
    median (see decision 0603)."""
    return render_to_string(
        "reports/factory_comparison.html",
        {
            "rows": factory_against_country(
                factory,
                months=MONTHS_COMPARED,
                country_values=prepared_country_factory_values,
            ),
            "months": MONTHS_COMPARED,
        },
        request=request,
    )


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_see_reports(request.user)


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(
        _("Impact reports"), reverse("reports_dashboard"), icon_name="table", order=150
    )


@hooks.register("register_admin_menu_item")
def register_impact_menu_item():
    return ReportsMenuItem(
        _("Compliance and outcomes"), reverse("reports_impact"), icon_name="doc-full", order=151
    )


@hooks.register("register_admin_menu_item")
def register_evaluations_menu_item():
    return ReportsMenuItem(
        _("Training evaluations"),
        reverse("reports_evaluations"),
        icon_name="pick",
        order=153,
    )


class CoverageTargetViewSet(SnippetViewSet):
    model = CoverageTarget
    icon = "success"
    menu_label = _("Coverage targets")
    add_to_admin_menu = False
    list_display = ["country", "role", "percent"]
    list_filter = ["country", "role"]

    def get_index_view_kwargs(self, **kwargs):
        from lms.taxonomy.forms import TermFilterSet

        return super().get_index_view_kwargs(base_filterset_class=TermFilterSet, **kwargs)


register_snippet(CoverageTargetViewSet)


class EconomicFigureViewSet(CountryScopedViewSet):
    """Exports and FDI per country and year, entered by staff with their source; country
    staff enter and correct their own country's."""

    model = CountryEconomicFigure
    icon = "doc-full"
    menu_label = _("Economic figures")
    name = "economic_figures"
    menu_order = 152
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["country", "kind", "year", "value", "unit", "source"]
    list_filter = ["country", "kind", "year"]
    search_fields = ["source"]
    form_fields = ["country", "year", "kind", "value", "unit", "source", "source_url"]
    permission_policy = CountryScopedPermissionPolicy(
        CountryEconomicFigure, actions=("view", "change", "add", "delete")
    )


register_permission_policy(CountryEconomicFigure, EconomicFigureViewSet.permission_policy)


@hooks.register("register_admin_viewset")
def register_economic_figure_viewset():
    return EconomicFigureViewSet()


class ReportsHomePanel(Component):
    """A shortcut from the admin's dashboard to the impact reports (and the audit trail for
    global staff), for those who may see them."""

    name = "reports_shortcut"
    order = 50
    template_name = "reports/admin/home_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        from lms.accounts.wagtail_hooks import AuditTrailViewSet

        context = super().get_context_data(parent_context)
        context["reports_url"] = reverse("reports_dashboard")
        if AuditTrailViewSet.permission_policy.user_has_permission(self.request.user, "view"):
            context["audit_url"] = reverse("audit-trail:index")
        return context


@hooks.register("construct_homepage_panels")
def add_reports_home_panel(request, panels):
    if views.may_see_reports(request.user):
        panels.insert(0, ReportsHomePanel(request))
