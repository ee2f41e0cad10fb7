"""The value types of the content file, each declared once with how it is checked, how it is
written back, and how the format reference names it."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from core.models import DepthKey

from .yaml_io import Block, Flow

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 80


class FormatType:
    """How the format reference (content/README.md) names a type, e.g. "slug" or "Markdown"."""

    def __init__(self, name: str):
        self.name = name


def canonical_text(value: Any) -> Any:
    """The one form text is stored, compared and exported in: `\\n` line endings, no surrounding
    whitespace. Browsers send `\\r\\n` and Django's forms strip the ends, while YAML block scalars
    end in a newline: without one form, an export read back would differ from what it came from.
    """
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def quoted(values) -> str:
    return ", ".join(f"“{value}”" for value in values)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "contains a NUL character")
    return value


def _slug(value: str) -> str:
    if not SLUG.match(value) or len(value) > SLUG_MAX_LENGTH:
        raise PydanticCustomError(
            "slug",
            "must be a slug (lowercase words joined by hyphens, at most {max} characters), "
            "got “{value}”",
            {"value": value, "max": SLUG_MAX_LENGTH},
        )
    return value


def _web_address(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise PydanticCustomError(
            "url", "must start with https:// or http://, got “{value}”", {"value": value}
        )
    return value


def _no_duplicates(values: list[str]) -> list[str]:
    twice = [value for value, count in Counter(values).items() if count > 1]
    if twice:
        raise PydanticCustomError(
            "duplicate", "names {names} more than once", {"names": quoted(twice)}
        )
    return values


def _as_block(text: str) -> Any:
    text = canonical_text(text)
    return Block(text) if text else text


_TEXT = (BeforeValidator(canonical_text), AfterValidator(_no_nul))

Text = Annotated[str, *_TEXT, PlainSerializer(canonical_text), FormatType("text")]
Markdown = Annotated[
    str, *_TEXT, PlainSerializer(_as_block, return_type=Any), FormatType("Markdown")
]
WebAddress = Annotated[
    str,
    *_TEXT,
    AfterValidator(_web_address),
    PlainSerializer(canonical_text),
    FormatType("URL"),
]
Slug = Annotated[str, Strict(), AfterValidator(_slug), FormatType("slug")]
PaperSlugs = Annotated[
    list[Slug],
    AfterValidator(_no_duplicates),
    PlainSerializer(lambda slugs: Flow(list(slugs)), return_type=Any),
    FormatType("list of paper slugs"),
]
WholeNumber = Annotated[int, Strict(), FormatType("whole number")]
Flag = Annotated[bool, Strict(), FormatType("`true` \\| `false`")]
Day = Annotated[
    datetime.date,
    PlainSerializer(lambda day: day.isoformat(), return_type=str),
    FormatType("date `YYYY-MM-DD` (quoted)"),
]


def is_markdown(field) -> bool:
    return any(isinstance(m, FormatType) and m.name == "Markdown" for m in field.metadata)


class Entry(BaseModel):
    """An entry of the file: unknown keys are refused, and a key left empty counts as missing.

    `omitted_when_default` names keys written back only when they differ from their default, so
    the file stays as people write it (`archived: true` only on archived steps).
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=True, use_attribute_docstrings=True)
    omitted_when_default: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _empty_is_missing(cls, data: Any) -> Any:
        """YAML's `key:` with nothing after it, or `""` for a required text, is a missing key."""
        if not isinstance(data, dict):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (
                value is None
                or (
                    isinstance(value, str)
                    and not value.strip()
                    and key in cls.model_fields
                    and cls.model_fields[key].is_required()
                )
            )
        }

    @model_serializer(mode="wrap")
    def _omit_defaults(self, handler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in self.omitted_when_default:
                if data.get(name) == type(self).model_fields[name].get_default():
                    del data[name]
        return data

    @classmethod
    def scalar_fields(cls) -> list[str]:
        """Keys stored in a column of their own (not lists of entries or links, not hours)."""
        return [
            name
            for name, field in cls.model_fields.items()
            if not _is_list(field.annotation) and field.annotation is not Hours
        ]

    @classmethod
    def from_row(cls, row, **nested) -> Entry:
        """The entry for a database row, unchecked: an export writes what the database holds."""
        values = {name: getattr(row, name) for name in cls.scalar_fields()}
        if "hours" in cls.model_fields:
            values["hours"] = Hours.from_row(row)
        return cls.model_construct(**values, **nested)

    def columns(self, *, exclude=("slug",)) -> dict[str, Any]:
        """This entry's values by database column, for the importer."""
        values = {name: getattr(self, name) for name in self.scalar_fields() if name not in exclude}
        if "hours" in type(self).model_fields:
            values.update(self.hours.columns())
        return values


def _is_list(annotation) -> bool:
    return getattr(annotation, "__origin__", None) is list


HOURS = Field(ge=0, lt=10_000, max_digits=6, decimal_places=2)


def _not_a_flag(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("hours", "must be a number, got {value}", {"value": value})
    return value


Amount = Annotated[Decimal, BeforeValidator(_not_a_flag), HOURS]


class Hours(BaseModel):
    """Hours at each reading depth; decimals allowed (`0.75`)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
    format_type: ClassVar[str] = "mapping `{quick, thorough, deep}` of numbers"

    quick: Amount
    """Hours at Quick pass."""
    thorough: Amount
    """Hours at Thorough."""
    deep: Amount
    """Hours at Deep study."""

    @model_serializer
    def _numbers(self) -> Any:
        return Flow({depth: _number(getattr(self, depth)) for depth in DepthKey.values})

    @classmethod
    def from_row(cls, row) -> Hours:
        return cls.model_construct(**{depth: row.hours_for(depth) for depth in DepthKey.values})

    def columns(self) -> dict[str, Decimal]:
        return {f"hours_{depth}": getattr(self, depth) for depth in DepthKey.values}


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)
