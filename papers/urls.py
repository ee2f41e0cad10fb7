"""URLs of the library: papers, topics, glossary, reference pages. roadmap_site/urls.py adds a
paper's own page to this namespace (learning serves it: it lists the steps using the paper)."""

from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="paper_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("pages/<slug:slug>/", views.page_detail, name="page_detail"),
]
