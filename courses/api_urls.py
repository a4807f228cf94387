"""URLs of courses without a language prefix (APIs, public verification links)."""

urlpatterns = []
