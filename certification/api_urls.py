"""URLs of certification without a language prefix (APIs, public verification links)."""

urlpatterns = []
