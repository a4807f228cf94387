"""URLs without a language prefix: machine endpoints that rooms add as they arrive."""

urlpatterns = []
