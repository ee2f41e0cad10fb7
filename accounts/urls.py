"""URLs of the learner's own data, beside allauth's account pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("data/", views.data, name="account_data"),
    path("data/export.json", views.export_json, name="account_export_json"),
    path("data/export.md", views.export_markdown, name="account_export_markdown"),
    path("delete/", views.delete_account, name="account_delete"),
]
