"""The library: papers, topics, glossary and reference pages."""

from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Library"
