"""Reads of the library that join several models, each in a fixed number of queries."""

from __future__ import annotations

from .models import Paper, Topic


def topic_papers(*, topic: Topic, user) -> list[Paper]:
    """The topic's papers in its prioritized order, limited to what the user may see."""
    links = topic.track.filter(paper__in=Paper.objects.visible_to(user)).select_related("paper")
    return [link.paper for link in links]
