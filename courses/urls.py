"""Public, language-prefixed URLs of courses."""

app_name = "courses"
urlpatterns = []
