"""Paths, phases and steps; enrolments and progress; the dashboard and the builder."""

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"
