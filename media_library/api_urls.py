"""URLs of media_library without a language prefix (APIs, public verification links)."""

urlpatterns = []
