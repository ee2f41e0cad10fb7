"""Top-level URLs: the stable vocabulary of DESIGN.md."""

from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("papers.urls")),
    path("", include("learning.urls")),
]
