"""URLs of paths, the dashboard and the builder."""

from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
