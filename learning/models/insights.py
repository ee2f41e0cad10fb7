"""Curator insights' precomputed snapshot: one row per curated path holding its aggregate
figures (learners, weekly starts, the step funnel), small counts already suppressed.

The insights pages only read this row, so they answer in constant time whatever the number of
learners; `manage.py refresh_insights` (hourly from cron or a timer) and the page's "Refresh
now" button write it (learning.insights.compute)."""

from django.db import models
from django.urls import reverse

from .content import Path


class PathInsight(models.Model):
    path = models.OneToOneField(Path, on_delete=models.CASCADE, related_name="insight")
    computed_at = models.DateTimeField()
    # Only aggregates, never a learner's id or row; see learning.insights.compute for the shape.
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return f"Insights into {self.path} as of {self.computed_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("insights_path", args=[self.path.slug])
