"""Site search: PostgreSQL full text over the library (papers, glossary, pages) and the paths
(steps, sections). It reads both apps, so it sits above them."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
