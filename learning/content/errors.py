"""Problems with a content file, one line each: where (the path to the field, entries named by
their slugs, e.g. `paths[software-engineer].phases[week-1].steps[rag].papers`) and what, in
words a curator understands rather than pydantic's."""

from __future__ import annotations

import re
from typing import Any

from django.utils.text import slugify
from pydantic import ValidationError

# What names an entry of each list in a path: depths have keys, phases and checklist items may
# leave their slug to be derived from their label or text.
IDENTIFIER_KEYS = ("slug", "key")
DERIVED_SLUG_FROM = {"phases": "label", "items": "text"}
# An identifier that can name its entry: a malformed one ("Not A Slug") is named by position.
NAME = re.compile(r"[\w-]+")


class ContentError(Exception):
    """A content document that cannot be imported; `problems` names each one."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def entry_name(collection: str, index: int, entry: Any) -> str:
    """`[bert]` for an entry with a slug, `[2]` for one without."""
    if isinstance(entry, str) and collection == "items":
        entry = {"text": entry}
    if isinstance(entry, dict):
        for key in IDENTIFIER_KEYS:
            if isinstance(entry.get(key), str) and NAME.fullmatch(entry[key]):
                return f"[{entry[key]}]"
        source = DERIVED_SLUG_FROM.get(collection)
        if source and isinstance(entry.get(source), str) and slugify(entry[source]):
            return f"[{slugify(entry[source])[:80].strip('-')}]"
    return f"[{index}]"


def location(loc: tuple, document: Any) -> str:
    """A pydantic location, e.g. ('papers', 2, 'year'), as `papers[bert].year`."""
    parts: list[str] = []
    node = document
    previous = ""
    for step in loc:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            parts.append(entry_name(previous, step, item))
            node = item
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, dict) else None
            previous = str(step)
    return "".join(parts) or "the document"


def shown(value: Any) -> str:
    """A value as a problem quotes it: text in quotes, long values cut."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    text = f"“{value}”" if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _expected(ctx: dict) -> str:
    return ctx.get("expected", "").replace("'", "")


# pydantic's error types, in the file's words; {got} is the value found.
MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known key",
    "string_type": "must be text, got {got}",
    "string_too_long": "is longer than {max_length} characters",
    "int_type": "must be a whole number, got {got}",
    "int_parsing": "must be a whole number, got {got}",
    "int_from_float": "must be a whole number, got {got}",
    "greater_than_equal": "must be at least {ge}, got {got}",
    "greater_than": "must be more than {gt}, got {got}",
    "less_than_equal": "must be at most {le}, got {got}",
    "less_than": "must be less than {lt}, got {got}",
    "bool_type": "must be true or false, got {got}",
    "enum": "must be one of {expected}, got {got}",
    "literal_error": "must be {expected}, got {got}",
    "list_type": "must be a list, got {got}",
    "model_type": "must be a mapping, got {got}",
    "model_attributes_type": "must be a mapping, got {got}",
    "dict_type": "must be a mapping, got {got}",
    "decimal_type": "must be a number, got {got}",
    "decimal_parsing": "must be a number, got {got}",
    "decimal_max_places": "must have at most {decimal_places} decimal places, got {got}",
    "decimal_max_digits": "must be less than 10000, got {got}",
    "decimal_whole_digits": "must be less than 10000, got {got}",
    "date_type": "must be a date YYYY-MM-DD, got {got}",
    "date_parsing": "must be a date YYYY-MM-DD, got {got}",
    "date_from_datetime_parsing": "must be a date YYYY-MM-DD, got {got}",
    "date_from_datetime_inexact": "must be a date YYYY-MM-DD, got {got}",
}


def problem_lines(error: ValidationError, document: Any) -> list[str]:
    """Each of pydantic's errors as one line: `papers[bert].year: must be a whole number…`."""
    lines = []
    for detail in error.errors(include_url=False):
        ctx = detail.get("ctx") or {}
        template = MESSAGES.get(detail["type"])
        if template is None:
            message = detail["msg"]
            message = message[:1].lower() + message[1:]
        else:
            message = template.format(
                **{k: v for k, v in ctx.items() if k != "expected"},
                expected=_expected(ctx),
                got=shown(detail.get("input")),
            )
        line = f"{location(detail['loc'], document)}: {message}"
        if line not in lines:
            lines.append(line)
    return lines
