"""The learner record: everything a learner made as one versioned JSON document, and its import
back into an account (validated first, dry run first, newest wins, all or nothing).

The format is described for people in docs/learner-record.md; keep it in step with schema.py.
One module per job: schema.py (with fields.py) declares the file, reading.py checks a file and
words its problems, export.py writes one, importer.py (with personal.py) imports one, and
report.py says what an import did.
"""

from .export import learner_export
from .importer import learner_import
from .reading import RecordError, parse_record
from .report import ImportReport
from .schema import MAX_BYTES

__all__ = [
    "MAX_BYTES",
    "ImportReport",
    "RecordError",
    "learner_export",
    "learner_import",
    "parse_record",
]
