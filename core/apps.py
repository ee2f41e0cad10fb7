"""Shared plumbing with no domain of its own: publishable and Markdown base models, rendering,
content history, search vectors, admin helpers and the prerequisite graph."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"
