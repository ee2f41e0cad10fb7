"""URLs of the account beside allauth's pages. The data page and the learner record's export
and import (/accounts/data/…) are routed in roadmap_site/urls.py: they belong to learning."""

from django.urls import path

from . import views

urlpatterns = [
    path("delete/", views.delete_account, name="account_delete"),
]
