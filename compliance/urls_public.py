"""The transparency portal (mounted at /<lang>/transparency/, namespace ``transparency``):
anonymous pages and open data, kept by the shared page cache."""

from django.urls import path

from compliance import views_public

app_name = "transparency"
urlpatterns = [
    path("", views_public.index, name="index"),
    path("factories/<int:pk>/", views_public.factory, name="factory"),
    path("responses/<int:pk>/photo/", views_public.response_photo, name="response_photo"),
    path("<slug:code>/", views_public.country, name="country"),
    path("<slug:code>/factories/", views_public.factory_list, name="factories"),
    path("<slug:code>/data.csv", views_public.open_data_csv, name="open_data_csv"),
    path("<slug:code>/data.json", views_public.open_data_json, name="open_data_json"),
]
