"""The library: papers, topics, glossary and reference pages."""

from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Library"

    def ready(self):
        from core.admin import register_link_target

        from .models import Page, Paper, Topic

        register_link_target("papers", "paper", Paper.objects.all)
        register_link_target("pages", "page", Page.objects.all)
        register_link_target("topics", "topic", Topic.objects.all)
