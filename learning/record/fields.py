"""The kinds of value a learner record is made of, each with its rule and its message in words.

pydantic's own types would take what no export ever holds (a number as a timestamp, "yes" as
true) and word their refusals for programmers. These take exactly what the format allows and
say what is wrong as the import page shows it ("“status” must be one of …, not 'finished'").
A message is the part after the field's name; `reading.py` adds where in the file it is.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

from pydantic import (
    PlainValidator,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_SLUG = 80

# How a problem is placed in its sentence (see reading.problem_sentence):
FIELD = "record_field"  # a field's value: "<entry>: “<field>” <message>"
LISTED = "record_listed"  # one value of a list field: "<entry>: “<field>” <message>"
COLLECTION = "record_collection"  # one of the file's lists as a whole: "“<list>”: <message>"
WITHIN = "record_within"  # a list inside an entry as a whole: "<entry>: <message>"
KINDS = (FIELD, LISTED, COLLECTION, WITHIN)


def problem(kind: str, message: str) -> PydanticCustomError:
    """A refusal with its finished message (a template would read braces in values)."""
    return PydanticCustomError(kind, "{problem}", {"problem": message})


def shown(value: Any, limit: int = 60) -> str:
    """A bad value as the message quotes it: its repr, cut short (a refused file may hold
    anything, and the page should not echo a whole note back)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_slug(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_SLUG and bool(SLUG.match(value))


def _slug(value: Any) -> str:
    if not is_slug(value):
        raise problem(FIELD, f"must be a slug (letters, digits and hyphens), not {shown(value)}")
    return value


def _listed_slug(value: Any) -> str:
    if not is_slug(value):
        raise problem(LISTED, f"must list slugs, not {shown(value)}")
    return value


def _flag(value: Any) -> bool:
    # A missing flag is false (the field's default); null is not.
    if not isinstance(value, bool):
        raise problem(FIELD, f"must be true or false, not {shown(value)}")
    return value


def _hours(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
        raise problem(FIELD, f"must be a whole number from 1 to 100 or null, not {shown(value)}")
    return value


Slug = Annotated[str, PlainValidator(_slug)]
Flag = Annotated[bool, PlainValidator(_flag)]
Hours = Annotated[int | None, PlainValidator(_hours)]


def text(max_length: int, *, required: bool = False) -> Any:
    """Text of at most `max_length` characters; null and "" are the same, the empty text."""

    def read(value: Any) -> str:
        if value is None or value == "":
            if required:
                raise problem(FIELD, "is required")
            return ""
        if not isinstance(value, str):
            raise problem(FIELD, f"must be text, not {shown(value)}")
        if len(value) > max_length:
            raise problem(
                FIELD, f"is {len(value):,} characters long; at most {max_length:,} are allowed"
            )
        return value

    return Annotated[str, PlainValidator(read)]


def choice(values: Sequence[str]) -> Any:
    """One of `values` (a model's choices), spelled exactly."""
    allowed = list(values)

    def read(value: Any) -> str:
        if value not in allowed:
            raise problem(FIELD, f"must be one of {', '.join(allowed)}, not {shown(value)}")
        return value

    return Annotated[str, PlainValidator(read)]


def moment(*, required: bool) -> Any:
    """An ISO-8601 date and time with a time zone, as UTC. Only text: pydantic would also take
    a number of seconds, which no export writes and which hides a mistake."""

    def read(value: Any) -> datetime.datetime | None:
        if value is None:
            if required:
                raise problem(FIELD, "is required (a date and time)")
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            when = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise problem(
                FIELD,
                "must be an ISO-8601 date and time such as "
                f"2025-01-31T09:30:00+00:00, not {shown(value)}",
            ) from None
        if when.tzinfo is None or when.utcoffset() is None:
            raise problem(FIELD, f"needs a time zone (such as +00:00 or Z): {shown(value)}")
        try:
            return when.astimezone(datetime.UTC)
        except OverflowError:
            raise problem(FIELD, f"is out of range: {shown(value)}") from None

    return Annotated[datetime.datetime | None, PlainValidator(read)]


def slugs(limit: int) -> Any:
    """A list of at most `limit` slugs, each kept once in its first place."""

    def read(value: Any, handler: ValidatorFunctionWrapHandler) -> list[str]:
        if not isinstance(value, list) or len(value) > limit:
            raise problem(FIELD, f"must be a list of at most {limit} slugs")
        return list(dict.fromkeys(handler(value)))

    return Annotated[list[Annotated[str, PlainValidator(_listed_slug)]], WrapValidator(read)]


def collection(
    item: Any, *, limit: int, required: bool = True, unique: tuple[str, ...] = (), what: str = ""
) -> Any:
    """One of the file's lists: at most `limit` entries, each an `item`, none listed twice by
    the slugs named in `unique` (`what` names that key in the message)."""

    def read(value: Any, handler: ValidatorFunctionWrapHandler) -> list:
        if value is None:
            if required:
                raise problem(COLLECTION, "is missing (a list is expected)")
            return []
        if not isinstance(value, list):
            raise problem(COLLECTION, "must be a list ([…])")
        if len(value) > limit:
            raise problem(
                COLLECTION, f"has {len(value)} entries; a learner record has at most {limit}"
            )
        twice = [
            problem(COLLECTION, f"{what} {'/'.join(key)} is listed {count} times")
            for key, count in repeats(value, unique)
        ]
        return validate_with(handler, value, twice)

    return Annotated[list[item], WrapValidator(read)]


def entries(item: Any, *, limit: int, noun: str) -> Any:
    """A list inside an entry (a personal path's steps): at most `limit`, none listed twice by
    slug. Missing is empty; anything else that is no list is refused."""

    def read(value: Any, handler: ValidatorFunctionWrapHandler) -> list:
        if not isinstance(value, list) or len(value) > limit:
            raise problem(FIELD, f"must be a list of at most {limit} {noun}s")
        twice = [
            problem(WITHIN, f"{noun} {key[0]} is listed {count} times")
            for key, count in repeats(value, ("slug",))
        ]
        return validate_with(handler, value, twice)

    return Annotated[list[item], WrapValidator(read)]


def repeats(value: list, keys: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], int]]:
    """Keys listed more than once, in the order they first appear. Read from the entries as
    given, so a repeat is named even when other entries have problems of their own; a key
    that is not a slug is a problem of its entry, not a repeat."""
    if not keys:
        return []
    named = (tuple(entry.get(key) for key in keys) for entry in value if isinstance(entry, dict))
    listed = Counter(key for key in named if all(map(is_slug, key)))
    return [(key, count) for key, count in listed.items() if count > 1]


def validate_with(
    handler: Callable[[Any], list], value: list, more: list[PydanticCustomError]
) -> list:
    """Validate the entries, refusing with their problems and `more` together: a file is
    refused with every problem named, not one kind of problem at a time."""
    try:
        validated = handler(value)
    except ValidationError as error:
        if not more:
            raise
        raise _joined(error, more, value) from None
    if more:
        raise _joined(None, more, value)
    return validated


def _joined(
    error: ValidationError | None, more: list[PydanticCustomError], value: list
) -> ValidationError:
    details: list[Any] = []
    for line in error.errors() if error else []:
        kind = line["type"]
        detail = {"loc": line["loc"], "input": line["input"]}
        if kind in KINDS:
            detail["type"] = problem(kind, line["msg"])
        else:  # one of pydantic's own ("model_type": an entry that is no object)
            detail["type"] = kind
            if "ctx" in line:
                detail["ctx"] = line["ctx"]
        details.append(detail)
    details += [{"type": refusal, "loc": (), "input": value} for refusal in more]
    return ValidationError.from_exception_data("learner record", details)
