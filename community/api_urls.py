"""URLs of community without a language prefix (APIs, public verification links)."""

urlpatterns = []
