"""Public, language-prefixed URLs of media_library."""

app_name = "media_library"
urlpatterns = []
