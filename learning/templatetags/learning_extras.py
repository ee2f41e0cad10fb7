"""Template filters for progress displays."""

import math

from django import template

register = template.Library()


@register.filter
def weeks_at(hours_left, hours_per_week) -> str:
    """“3 weeks” for 14 hours at 5 hours a week."""
    try:
        weeks = max(1, math.ceil(float(hours_left) / float(hours_per_week)))
    except (TypeError, ValueError, ZeroDivisionError):
        return ""
    return f"{weeks} week{'s' if weeks != 1 else ''}"


@register.filter
def is_in(value, collection) -> bool:
    return value in collection


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)
