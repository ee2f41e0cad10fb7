"""The format reference (content/README.md) follows from the schema: its key tables are
generated, and a test fails as soon as they no longer match."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learning.content.reference import key_table, with_tables
from learning.content.schema import ENTRIES, PaperEntry
from learning.management.commands import content_format

README = Path(__file__).resolve().parent.parent / "content" / "README.md"


def test_the_readme_key_tables_are_the_ones_the_schema_gives():
    text = README.read_text(encoding="utf-8")
    assert with_tables(text) == text, "run `python manage.py content_format`"


def test_every_entry_of_the_schema_has_its_table_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for entry in ENTRIES:
        assert f"<!-- keys: {entry.__name__} -->" in text


def test_a_table_lists_each_key_with_its_type_whether_required_and_meaning():
    rows = key_table(PaperEntry).splitlines()
    assert rows[0] == "| Key | Type | Required | Meaning |"
    assert "| `number` | whole number, 1 to 9999 | yes | Reading number;" in rows[3]
    assert "| `status` | `draft` \\| `published` | no (default `published`) |" in "\n".join(rows)
    assert len(rows) == 2 + len(PaperEntry.model_fields)


def test_the_command_rewrites_stale_tables_and_check_fails_on_them(tmp_path, monkeypatch):
    stale = tmp_path / "README.md"
    stale.write_text(
        README.read_text(encoding="utf-8").replace("| `title` |", "| `heading` |", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(content_format, "README", stale)
    with pytest.raises(CommandError, match="out of date"):
        call_command("content_format", check=True, stdout=io.StringIO())
    call_command("content_format", stdout=io.StringIO())
    assert stale.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")
    call_command("content_format", check=True, stdout=io.StringIO())
