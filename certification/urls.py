"""Public, language-prefixed URLs of certification."""

app_name = "certification"
urlpatterns = []
