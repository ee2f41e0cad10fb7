"""URLs of the library: papers, topics, glossary, reference pages."""

from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="paper_list"),
    path("glossary/", views.glossary, name="glossary"),
]
