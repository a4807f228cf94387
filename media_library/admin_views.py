"""The media library in the Wagtail admin: videos (upload, captions, dubbed audio, the
processing status and its errors, "process again"), scoped to the staff member's country,
and the chooser that VideoBlock uses."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, Panel
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.views.generic.models import CreateView, EditView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.button import Button

from lms.accounts.permissions import CountryScopedPermissionPolicy
from lms.accounts.selectors import country_scope
from lms.accounts.wagtail_hooks import CountryScopedViewSet
from media_library import services
from media_library.models import VideoItem
from media_library.selectors import reach_totals


class VideoItemForm(WagtailAdminModelForm):
    """Country programme staff can only give a video to their own programme."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        scope = country_scope(for_user) if for_user is not None else None
        if "country" in self.fields and isinstance(scope, int) and scope is not False:
            self.fields["country"].queryset = self.fields["country"].queryset.filter(pk=scope)
            self.fields["country"].required = True
            self.fields["country"].empty_label = None


class VideoStatusPanel(Panel):
    """Processing status, error, duration and every rendition with its size."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "media_library/admin/video_status_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            video = self.instance
            context["video"] = video
            context["renditions"] = (
                list(video.renditions.order_by("language", "profile")) if video.pk else []
            )
            context["reach"] = reach_totals(video=video) if video.pk else None
            return context


VIDEO_EDIT_HANDLER = ObjectList(
    [
        VideoStatusPanel(heading=gettext_lazy("Processing")),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("country"),
        FieldPanel("original_language"),
        FieldPanel("master"),
        InlinePanel("captions", heading=gettext_lazy("Captions"), label=gettext_lazy("caption")),
        InlinePanel(
            "audio_tracks", heading=gettext_lazy("Dubbed audio"), label=gettext_lazy("audio track")
        ),
    ],
    base_form_class=VideoItemForm,
)


class VideoCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        services.video_process_enqueue(video=instance)
        return instance


class VideoEditView(EditView):
    def save_instance(self):
        instance = super().save_instance()
        services.video_process_enqueue(video=instance)
        return instance

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Process again"),
                url=reverse("media_videos:process", args=[self.object.pk]),
                icon_name="rotate",
                priority=30,
            )
        )
        return buttons


class VideoPermissionPolicy(CountryScopedPermissionPolicy):
    """Country staff manage their programme's videos and also see, without changing them,
    the videos shared by every programme (no country): the series and episodes their
    country shows are made of those (issue 21.3: Vietnam's staff saw an empty list)."""

    def user_has_permission_for_instance(self, user, action, instance):
        if super().user_has_permission_for_instance(user, action, instance):
            return True
        scope = country_scope(user)
        return action == "view" and scope not in (None, False) and instance.country_id is None

    def instances_user_has_any_permission_for(self, user, actions):
        scope = country_scope(user)
        if scope in (None, False) or "view" not in actions:
            return super().instances_user_has_any_permission_for(user, actions)
        return self.model._default_manager.filter(Q(country_id=scope) | Q(country__isnull=True))


class VideoViewSet(CountryScopedViewSet):
    model = VideoItem
    icon = "media"
    menu_label = gettext_lazy("Videos")
    menu_order = 250
    name = "media_videos"
    add_to_admin_menu = True
    list_display = ["title", "status", "duration", "country", "original_language", "updated_at"]
    list_filter = ["status", "country", "original_language"]
    search_fields = ["title", "description"]
    copy_view_enabled = False
    inspect_view_enabled = False
    permission_policy = VideoPermissionPolicy(
        VideoItem, actions=("view", "change", "add", "delete")
    )

    def get_edit_handler(self):
        return VIDEO_EDIT_HANDLER.bind_to_model(self.model)

    @property
    def add_view_class(self):
        return self._scoped(VideoCreateView, None)

    @property
    def edit_view_class(self):
        return self._scoped(VideoEditView)

    def process_view(self, request, pk):
        video = get_object_or_404(VideoItem, pk=pk)
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "change", video
        ):
            raise PermissionDenied
        if request.method == "POST":
            VideoItem.objects.filter(pk=pk).update(processed_checksum="")
            video.refresh_from_db()
            services.video_process_enqueue(video=video)
            messages.success(request, _("The video will be processed again."))
            return redirect(self.get_url_name("edit"), pk)
        return TemplateResponse(
            request,
            "media_library/admin/video_process_confirm.html",
            {"video": video, "header_title": video.title},
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("process/<int:pk>/", self.process_view, name="process"),
        ]


class ReadyVideoChooseMixin:
    def get_object_list(self):
        return VideoItem.objects.filter(status=VideoItem.Status.READY).order_by("title")


class VideoChooseView(ReadyVideoChooseMixin, ChooseView):
    pass


class VideoChooseResultsView(ReadyVideoChooseMixin, ChooseResultsView):
    pass


class VideoChooserViewSet(ChooserViewSet):
    model = VideoItem
    icon = "media"
    choose_one_text = gettext_lazy("Choose a video")
    choose_another_text = gettext_lazy("Choose another video")
    edit_item_text = gettext_lazy("Edit this video")
    choose_view_class = VideoChooseView
    choose_results_view_class = VideoChooseResultsView
    create_action_label = None


video_viewset = VideoViewSet()
video_chooser_viewset = VideoChooserViewSet("media_video_chooser", url_prefix="media/choose-video")
