"""Reading and writing the content file's YAML: parsed safely, written the way people write it
(Markdown as `|` blocks, slug lists and hours on one line, keys in the schema's order)."""

from __future__ import annotations

import yaml
from pydantic import BaseModel

from .errors import ContentError

# libyaml's C parser and emitter when PyYAML was built with it (its wheels are): ~30x faster.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YamlDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
TOP_LEVEL = ["site", "depths", "papers", "topics", "glossary", "pages", "paths", "checklists"]
HEADER = (
    "# Learning Roadmap content: the whole roadmap as data.\n"
    "# Format reference: content/README.md. Edit by hand or through /admin/ and re-export.\n"
)


class Flow:
    """A list or mapping written on one line: `[a, b]`, `{quick: 1, thorough: 2.5, deep: 8}`.

    Not a list or dict subclass, so pydantic's serializer hands it over to the dumper as it is.
    """

    def __init__(self, value: list | dict):
        self.value = value

    def __eq__(self, other) -> bool:
        return self.value == (other.value if isinstance(other, Flow) else other)

    def __repr__(self) -> str:
        return f"Flow({self.value!r})"


class Block:
    """Markdown, written as a `|` block however short it is."""

    def __init__(self, text: str):
        self.text = text

    def __eq__(self, other) -> bool:
        return self.text == (other.text if isinstance(other, Block) else other)

    def __repr__(self) -> str:
        return f"Block({self.text!r})"


def _represent_flow(dumper, flow: Flow):
    if isinstance(flow.value, dict):
        return dumper.represent_mapping("tag:yaml.org,2002:map", flow.value.items(), True)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", flow.value, flow_style=True)


def parse_document(text: str, source: str) -> dict:
    """The YAML text as plain data, or ContentError with the line and column of a syntax error."""
    try:
        document = yaml.load(text, Loader=YamlLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError(source, [f"not valid YAML: {where}{problem}"]) from None
    if not isinstance(document, dict):
        raise ContentError(
            source, ["the document must be a mapping with the keys " + ", ".join(TOP_LEVEL)]
        )
    return document


class _Dumper(YamlDumper):
    pass


def _represent_str(dumper, value: str):
    """Multi-line text as a `|` block. Stored text has no final newline (see canonical_text);
    the block adds exactly one, which reading the block back removes again."""
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value + "\n", style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    Block,
    lambda dumper, block: dumper.represent_scalar(
        "tag:yaml.org,2002:str", block.text + "\n", style="|"
    ),
)
_Dumper.add_representer(Flow, _represent_flow)


def dump_document(document: BaseModel | dict) -> str:
    """The document (a RoadmapDocument, or plain data) as the text of a content file."""
    if isinstance(document, BaseModel):
        document = document.model_dump()
    return HEADER + yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000
    )
