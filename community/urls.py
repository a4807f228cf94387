"""Public, language-prefixed URLs of community."""

app_name = "community"
urlpatterns = []
