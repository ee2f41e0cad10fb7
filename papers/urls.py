"""URLs of the library: papers, topics, glossary, reference pages, search."""

from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="paper_list"),
    path("papers/<slug:slug>/", views.paper_detail, name="paper_detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("glossary/", views.glossary, name="glossary"),
    path("pages/<slug:slug>/", views.page_detail, name="page_detail"),
    path("search/", views.search, name="search"),
]
