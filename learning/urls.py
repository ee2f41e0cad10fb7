"""URLs of the catalog, paths, the dashboard and the builder."""

from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("paths/<slug:slug>/", views.path_detail, name="path_detail"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
