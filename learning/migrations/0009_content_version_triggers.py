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
CREATE OR REPLACE FUNCTION learning_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed record;
  personal boolean;
BEGIN
  IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
  IF TG_TABLE_NAME = 'learning_path' THEN
    personal := changed.owner_id IS NOT NULL
                AND (TG_OP <> 'UPDATE' OR OLD.owner_id IS NOT NULL);
  ELSIF TG_TABLE_NAME = 'learning_steppaper' THEN
    SELECT path.owner_id IS NOT NULL INTO personal
      FROM learning_step step JOIN learning_path path ON path.id = step.path_id
     WHERE step.id = changed.step_id;
  ELSE
    SELECT owner_id IS NOT NULL INTO personal FROM learning_path WHERE id = changed.path_id;
  END IF;
  IF personal IS DISTINCT FROM true THEN
    PERFORM core_content_bump();
  END IF;
  RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("learning", "0008_generated_search"),
    ]

    operations = [
        content_triggers(SHARED_TABLES),
        migrations.RunSQL(ROW_FUNCTION, "DROP FUNCTION IF EXISTS learning_content_changed();"),
        content_triggers(PATH_TABLES, function="learning_content_changed"),
    ]
