"""Paths, phases and steps; enrolments and progress; the dashboard and the builder."""

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def ready(self):
        from core.admin import register_link_target

        from .models import Path

        register_link_target("paths", "path", Path.objects.curated)
