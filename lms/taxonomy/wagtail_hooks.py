"""The taxonomy as Wagtail snippets, in one menu group."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.taxonomy.forms import TermFilter, TermFilterSet, default_language_terms
from lms.taxonomy.models import Cluster, CompliancePoint, Country, Sector


class DefaultLanguageChoicesMixin:
    """The chooser lists each term once: its default-language row (the one reports key on)."""

    def get_object_list(self):
        return super().get_object_list() & default_language_terms(self.model)


class TermChooseView(DefaultLanguageChoicesMixin, ChooseView):
    pass


class TermChooseResultsView(DefaultLanguageChoicesMixin, ChooseResultsView):
    pass


class TermChooserViewSet(SnippetChooserViewSet):
    """Forms pick terms from a select of default-language rows labelled in the editor's
    language (``lms.taxonomy.forms.AnyTermChoiceField``), not from this chooser: it does not
    register its widget for foreign keys. Where it is still opened it lists each term once."""

    register_widget = False
    choose_view_class = TermChooseView
    choose_results_view_class = TermChooseResultsView


class CompliancePointFilterSet(TermFilterSet):
    """Points filtered by cluster: one entry per cluster in the editor's language, matching
    the points of every language that belong to it."""

    cluster = TermFilter(model=Cluster, label=_("Cluster"), method="filter_cluster")

    class Meta:
        model = CompliancePoint
        fields = ["cluster", "locale"]

    def filter_cluster(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(cluster__translation_key=value.translation_key)


class CountryViewSet(SnippetViewSet):
    chooser_viewset_class = TermChooserViewSet
    model = Country
    icon = "site"
    list_display = ["name", "code", "iso_code", "locale"]
    search_fields = ["name"]


class SectorViewSet(SnippetViewSet):
    chooser_viewset_class = TermChooserViewSet
    model = Sector
    icon = "tag"
    list_display = ["name", "code", "locale"]


class ClusterViewSet(SnippetViewSet):
    chooser_viewset_class = TermChooserViewSet
    model = Cluster
    icon = "list-ul"
    list_display = ["name", "kind", "code", "locale"]
    list_filter = ["kind"]


class CompliancePointViewSet(SnippetViewSet):
    chooser_viewset_class = TermChooserViewSet
    model = CompliancePoint
    icon = "tick"
    list_display = ["name", "cluster", "code", "locale"]
    filterset_class = CompliancePointFilterSet
    search_fields = ["name"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "folder-inverse"
    menu_order = 300
    items = (CountryViewSet, SectorViewSet, ClusterViewSet, CompliancePointViewSet)


register_snippet(TaxonomyGroup)
