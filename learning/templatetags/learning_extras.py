"""Template filters for progress displays."""

import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from learning.estimates import hours_display

register = template.Library()


@register.filter
def is_in(value, collection) -> bool:
    return value in collection


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def hours(value) -> str:
    """Hours as the estimate model shows them everywhere: "6 h", "2.5 h", "0.25 h"."""
    return hours_display(value)


@register.filter
def ago(value: datetime.datetime | None) -> str:
    """How long ago, as people say it: "just now" under a minute, else "3 hours ago"."""
    if not value:
        return ""
    if timezone.now() - value < datetime.timedelta(minutes=1):
        return "just now"
    return f"{timesince(value)} ago"
