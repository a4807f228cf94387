from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.reports import views
from lms.reports.models import CoverageTarget


@hooks.register("register_admin_urls")
def register_reports_urls():
    return [
        path("reports/", views.dashboard, name="reports_dashboard"),
        path("reports/export/", views.export_create, name="reports_export"),
        path(
            "reports/exports/<int:pk>/download/",
            views.export_download,
            name="reports_export_download",
        ),
    ]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_see_reports(request.user)


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(
        _("Impact reports"), reverse("reports_dashboard"), icon_name="table", order=150
    )


class CoverageTargetViewSet(SnippetViewSet):
    model = CoverageTarget
    icon = "success"
    menu_label = _("Coverage targets")
    add_to_admin_menu = False
    list_display = ["country", "role", "percent"]
    list_filter = ["country", "role"]


register_snippet(CoverageTargetViewSet)
