"""The roadmap as one YAML document (content/roadmap.yaml): its schema, import and export.

- `schema` (with `schema_library`, `schema_paths`): the format, declared once with pydantic:
  keys, types, limits, defaults, meanings; `fields` holds the value types, `problems` the checks
  across entries, `errors` turns pydantic's errors into one line per problem
- `importer`: validate and upsert a document, all or nothing, never deleting
- `exporter`: the database as a document that imports back without a change
- `report`: what an import changed or would change, field by field
- `reference`: the key tables of content/README.md, generated from the schema
- `yaml_io`: reading and writing the YAML text
"""

from .errors import ContentError
from .exporter import content_export
from .importer import content_import, content_import_text, validate_document
from .report import ImportReport
from .schema import FORMAT, RoadmapDocument
from .yaml_io import dump_document, parse_document

__all__ = [
    "FORMAT",
    "ContentError",
    "ImportReport",
    "RoadmapDocument",
    "content_export",
    "content_import",
    "content_import_text",
    "dump_document",
    "parse_document",
    "validate_document",
]
