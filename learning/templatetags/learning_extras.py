"""Template filters for progress displays."""

from django import template

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
    """Hours as the estimate model shows them everywhere: "6", "2.5"."""
    return hours_display(value)
