"""The key tables of the format reference (content/README.md), generated from the schema.

The README keeps its prose; each table sits between `<!-- keys: PaperEntry -->` and
`<!-- /keys -->` (blank lines around it) and is rewritten from that entry's fields (key, type,
required or default, description), so the reference cannot drift from what the importer accepts.
"""

from __future__ import annotations

import enum
import re
import types
import typing

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .fields import FormatType
from .schema import ENTRIES

TABLE = re.compile(r"(<!-- keys: (?P<name>\w+) -->\n)(?P<table>.*?)(<!-- /keys -->)", re.DOTALL)
HEADER = "| Key | Type | Required | Meaning |\n|---|---|---|---|\n"


def key_table(model: type[BaseModel]) -> str:
    """The Markdown table of one entry's keys."""
    rows = [
        f"| `{name}` | {type_name(field)} | {required(field)} | {_cell(field.description)} |"
        for name, field in model.model_fields.items()
    ]
    return HEADER + "\n".join(rows) + "\n"


def with_tables(readme: str) -> str:
    """The README with every generated table rewritten from the schema."""
    entries = {entry.__name__: entry for entry in ENTRIES}

    def table(match: re.Match) -> str:
        name = match["name"]
        if name not in entries:
            raise KeyError(f"content/README.md names an unknown entry: {name}")
        return match.group(1) + "\n" + key_table(entries[name]) + "\n" + match.group(4)

    return TABLE.sub(table, readme)


def required(field: FieldInfo) -> str:
    if field.is_required():
        return "yes"
    default = field.get_default()
    if default is None:
        return "no"
    if isinstance(default, bool):
        shown = "true" if default else "false"
    elif isinstance(default, list):
        shown = "[]"
    else:
        shown = default if default != "" else '""'
    return f"no (default `{shown}`)"


def type_name(field: FieldInfo) -> str:
    annotation, metadata = _unwrapped(field.annotation, list(field.metadata))
    name = _named(annotation, metadata)
    limits = _limits(metadata)
    return f"{name}, {limits}" if limits else name


def _unwrapped(annotation, metadata: list) -> tuple[typing.Any, list]:
    """The type inside `X | None` and `Annotated[X, ...]`, with all the metadata found."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    if typing.get_origin(annotation) is typing.Annotated:
        metadata = [*annotation.__metadata__, *metadata]
        annotation = typing.get_args(annotation)[0]
    return annotation, metadata


def _named(annotation, metadata: list) -> str:
    for item in metadata:
        if isinstance(item, FormatType):
            return item.name
    if typing.get_origin(annotation) is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(f"`{member.value}`" for member in annotation)
    if typing.get_origin(annotation) is list:
        item = typing.get_args(annotation)[0]
        format_type = getattr(item, "format_type", None)
        return f"list of items ({format_type})" if format_type else "list of mappings"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return getattr(annotation, "format_type", "mapping")
    return getattr(annotation, "__name__", str(annotation))


def _limits(metadata: list) -> str:
    low = next((item.ge for item in metadata if isinstance(item, Ge)), None)
    high = next((item.le for item in metadata if isinstance(item, Le)), None)
    longest = next((item.max_length for item in metadata if isinstance(item, MaxLen)), None)
    if low is not None and high is not None:
        return f"{low} to {high}"
    if longest is not None:
        return f"at most {longest} characters"
    return ""


def _cell(description: str | None) -> str:
    return " ".join((description or "").split()).replace("|", "\\|")
