"""Paths, phases and steps; enrolments and progress; the dashboard and the builder."""

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def ready(self):
        from core.admin import register_link_target

        from .models import Path

        register_link_target("paths", "path", Path.objects.curated)

        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from .groups.receivers import user_pre_delete

        # An account deleted in /admin/ (not through account_delete) still hands its groups on.
        pre_delete.connect(
            user_pre_delete, sender=get_user_model(), dispatch_uid="learning.groups.user_pre_delete"
        )
