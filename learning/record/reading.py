"""Reading a learner record: the JSON text, its format and version, then the schema, with
every problem named in words and placed in the file ("Entry 3 of “progress”
(software-engineer/rag): “status” must be one of …"), so a learner can mend the file."""

from __future__ import annotations

import json
from typing import Any

import pydantic
from django.core.exceptions import ValidationError

from .fields import COLLECTION, LISTED, WITHIN
from .schema import FORMAT, LEGACY_FORMAT, MAX_BYTES, FileV1, FileV2, Record

MAX_PROBLEMS = 50
NAMING_KEYS = ("path", "step", "checklist", "item", "slug")  # what names an entry


class RecordError(ValidationError):
    """A learner record that cannot be imported; `messages` names every problem in words."""

    def __init__(self, problems: list[str]):
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], f"… and {more} more problems."]
        super().__init__(problems)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def parse_record(text: str) -> dict:
    """The JSON document in `text` if it is a learner record that can be imported; else raise
    RecordError listing every problem in words. Nothing is written."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        raise RecordError(
            [f"The file is {size / 1024 / 1024:.1f} MB: a learner record can be at most 2 MB."]
        )
    if "\x00" in text:
        raise RecordError(["The file contains a NUL character, which no text may hold."])
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise RecordError([f"The file is not valid JSON ({where}: {error.msg})."]) from None
    except (ValueError, RecursionError) as error:
        raise RecordError([f"The file is not valid JSON ({error})."]) from None
    read_record(document)
    return document


def read_record(document: Any) -> Record:
    """Check a parsed document completely; return it in typed form, or raise RecordError
    listing every problem. Versions 1 (the first export) and 2 are read."""
    if not isinstance(document, dict):
        raise RecordError(["The file is not a learner record: it must be one JSON object ({…})."])
    if problems := _text_problems(document):
        raise RecordError(problems)
    schema = _schema_for(document)
    try:
        return schema.model_validate(document).record()
    except pydantic.ValidationError as error:
        raise RecordError([problem_sentence(document, line) for line in error.errors()]) from None


def _schema_for(document: dict) -> type[FileV1 | FileV2]:
    """The version's schema; a file of another kind or version is refused on that alone."""
    kind, version = document.get("format"), document.get("format_version")
    if kind == LEGACY_FORMAT and version in (None, 1):
        return FileV1
    if kind != FORMAT:
        raise RecordError(
            [f"This is not a learner record of the Learning Roadmap (format {kind!r})."]
        )
    if version not in (1, 2) or isinstance(version, bool):
        raise RecordError(
            [f"Format version {version!r} is not known here: versions 1 and 2 can be imported."]
        )
    return FileV1 if version == 1 else FileV2


def _text_problems(document: Any) -> list[str]:
    """Text no database column can hold, anywhere in the document (keys and unknown keys
    included), with where it is: NUL characters, and lone surrogates (a JSON escape such as
    \\ud800 that is half a character)."""
    problems: list[str] = []
    pending: list[tuple[Any, str]] = [(document, "")]
    while pending:  # not recursive: a deeply nested file must not exhaust the stack
        value, where = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                pending.append((key, f"{where} → {key!r}" if where else repr(key)))
                pending.append((item, f"{where} → {key}" if where else str(key)))
        elif isinstance(value, list):
            pending.extend((item, f"{where} → entry {i + 1}") for i, item in enumerate(value))
        elif isinstance(value, str):
            if "\x00" in value:
                problems.append(
                    f"{where}: contains a NUL character (\\u0000), which no text may hold"
                )
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(
                    f"{where}: contains half a character (a lone \\ud800-\\udfff escape)"
                )
    return sorted(problems)


def problem_sentence(document: dict, line: Any) -> str:
    """One of pydantic's errors as a sentence that says where in the file the problem is."""
    loc, kind, message = tuple(line["loc"]), line["type"], line["msg"]
    if kind == COLLECTION:
        return f"“{loc[-1]}”: {message}"
    if kind == WITHIN:
        return _at(_where(document, loc[:-1]), message)
    if kind == LISTED:
        loc = loc[:-1]  # the list field the value is in
    key = loc[-1]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if isinstance(key, int):  # an entry of a list
            return _at(_where(document, loc), "must be an object ({…})")
        return _at(_where(document, loc[:-1]), f"“{key}”: must be an object ({{…}})")
    return _at(_where(document, loc[:-1]), f"“{key}” {message}")


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def _where(document: dict, loc: tuple) -> str:
    """A place in the file in words: “account”, Entry 2 of “progress” (path/step), and a
    personal path's step as Entry 1 of “personal_paths” (my-path), step 3 (lora). Keys inside
    an entry ("answers") are named by the field itself, not here."""
    where, node = "", document
    for depth, part in enumerate(loc):
        node = _child(node, part)
        if depth == 0 and part == "account":
            where = "“account”"
        elif depth == 1 and isinstance(part, int):
            where = f"Entry {part + 1} of “{loc[0]}”{_named(node)}"
        elif isinstance(part, int):
            slug = node.get("slug") if isinstance(node, dict) else None
            where += f", step {part + 1}" + (f" ({slug})" if isinstance(slug, str) else "")
    return where


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict) and isinstance(part, str):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _named(entry: Any) -> str:
    if not isinstance(entry, dict):
        return ""
    names = [entry.get(key) for key in NAMING_KEYS]
    named = "/".join(name for name in names if isinstance(name, str) and name)[:120]
    return f" ({named})" if named else ""
