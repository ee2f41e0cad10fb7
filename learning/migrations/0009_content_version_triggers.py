"""Every write to the roadmap's tables changes the content version (core.content_version),
except writes to a learner's personal path: those are theirs alone and change no page that is
shared, so they leave the cached content alone."""

from django.db import migrations

from core.content_version import content_triggers

SHARED_TABLES = [
    "learning_roadmapinfo",
    "learning_depth",
    "learning_checklist",
    "learning_checklistitem",
]
PATH_TABLES = ["learning_path", "learning_phase", "learning_step", "learning_steppaper", "learning_pathsection"]

ROW_FUNCTION = """
CREATE OR REPLACE FUNCTION learning_row_is_personal(tbl name, changed record)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  personal boolean;
BEGIN
  IF tbl = 'learning_path' THEN
    RETURN changed.owner_id IS NOT NULL;
  ELSIF tbl = 'learning_steppaper' THEN
    SELECT path.owner_id IS NOT NULL INTO personal
      FROM learning_step step JOIN learning_path path ON path.id = step.path_id
     WHERE step.id = changed.step_id;
  ELSE
    SELECT owner_id IS NOT NULL INTO personal FROM learning_path WHERE id = changed.path_id;
  END IF;
  RETURN coalesce(personal, false);
END $$;
CREATE OR REPLACE FUNCTION learning_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A change stays private only if the row was and is on a learner's personal path (a row
  -- moved between a curated path and a personal one changes the curated one).
  IF TG_OP = 'INSERT' THEN
    IF NOT learning_row_is_personal(TG_TABLE_NAME, NEW) THEN PERFORM core_content_bump(); END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF NOT learning_row_is_personal(TG_TABLE_NAME, OLD) THEN PERFORM core_content_bump(); END IF;
  ELSIF NOT (learning_row_is_personal(TG_TABLE_NAME, OLD)
             AND learning_row_is_personal(TG_TABLE_NAME, NEW)) THEN
    PERFORM core_content_bump();
  END IF;
  RETURN NULL;
END $$;
"""
DROP_ROW_FUNCTION = """
DROP FUNCTION IF EXISTS learning_content_changed();
DROP FUNCTION IF EXISTS learning_row_is_personal(name, record);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("learning", "0008_generated_search"),
    ]

    operations = [
        content_triggers(SHARED_TABLES),
        migrations.RunSQL(ROW_FUNCTION, DROP_ROW_FUNCTION),
        content_triggers(PATH_TABLES, row_function="learning_content_changed"),
    ]
