"""URLs of the library: papers, topics, glossary, reference pages. roadmap_site/urls.py adds the
paper list and a paper's own page to this namespace (learning serves them: they show the
learner's statuses and the steps using a paper)."""

from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("pages/<slug:slug>/", views.page_detail, name="page_detail"),
]
