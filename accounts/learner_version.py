"""The learner version: a number on each account that changes whenever the account or any of
its learner's data changes, so that a page made of that data (their path page, dashboard,
shared progress page) can be kept under it and is never served stale.

PostgreSQL keeps it, whatever writes (a view, the admin, an import, a bulk update): any update
of the account's row takes a new number from a sequence (a BEFORE trigger, so a Django `save()`
of an account read earlier can never put an old number back), and each app holding learner
data installs, with `learner_triggers` in a migration, statement triggers that touch the rows
of the accounts whose data a statement changed. The number is read with the account itself
(no extra query), and a new one becomes visible with the commit of the data it stands for.

Lock order: the triggers update the account's row after the data rows. Writers that touch
several of a learner's rows lock the account row first (`learner_lock`), so two writes of one
learner (two tabs) queue on it instead of deadlocking over each other's rows.
"""

from django.contrib.auth import get_user_model
from django.db.migrations import RunSQL

ACCOUNT_TRIGGER = """
CREATE SEQUENCE IF NOT EXISTS accounts_user_data_version;
CREATE OR REPLACE FUNCTION accounts_user_new_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.data_version := nextval('accounts_user_data_version');
  RETURN NEW;
END $$;
CREATE TRIGGER data_version BEFORE INSERT OR UPDATE ON accounts_user
  FOR EACH ROW EXECUTE FUNCTION accounts_user_new_version();
-- Touch the accounts whose ids the trigger's argument (a query over the transition tables
-- "changed" and, for updates, "previous") selects.
CREATE OR REPLACE FUNCTION accounts_learners_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('UPDATE accounts_user SET data_version = data_version WHERE id IN (%s)',
                 TG_ARGV[0]);
  RETURN NULL;
END $$;
"""
DROP_ACCOUNT_TRIGGER = """
DROP FUNCTION IF EXISTS accounts_learners_changed();
DROP TRIGGER IF EXISTS data_version ON accounts_user;
DROP FUNCTION IF EXISTS accounts_user_new_version();
DROP SEQUENCE IF EXISTS accounts_user_data_version;
"""


def learner_triggers(owners: dict[str, str]) -> RunSQL:
    """A migration operation: every insert, update and delete of rows of these tables changes
    the learner version of the accounts they belong to. `owners` maps each table to a query
    giving those accounts' ids from the changed rows, a relation named `rows` (for example
    "SELECT user_id FROM rows")."""
    create, drop = [], []
    for table, owner in owners.items():
        changed = owner.replace(" rows", " changed")
        for event, referencing, who in (
            ("INSERT", "NEW TABLE AS changed", changed),
            ("DELETE", "OLD TABLE AS changed", changed),
            (
                "UPDATE",
                "OLD TABLE AS previous NEW TABLE AS changed",
                f"{changed} UNION {owner.replace(' rows', ' previous')}",
            ),
        ):
            name = f"learner_{event.lower()}"
            argument = who.replace("'", "''")
            create.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION accounts_learners_changed('{argument}');"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    return RunSQL("\n".join(create), "\n".join(drop))


def learner_lock(user) -> None:
    """Lock the learner's account row (as the triggers' update will) before writing their
    data: one learner's writes then take their locks in one order. Key-share locks (inserts of
    rows pointing at the account) are not blocked."""
    list(
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk=user.pk)
        .values_list("pk", flat=True)
    )
