"""Curator insights' reads on every page view: whether a user holds the Curators group's view
rights, and a curated path's heading with its snapshot's time. Plain SQL, one statement each:
the insights page is measured against the framework's floor (`make bench`), and building these
queries through the ORM cost more than running them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db import connection

from accounts.models import User
from learning.curators import curator_permission_codenames
from learning.models import Path, PathInsight

# The Curators group's view rights on every content model ("learning.view_path", …).
CURATOR_VIEW_RIGHTS = sorted(
    f"{app}.{codename}"
    for app, codename in curator_permission_codenames()
    if codename.startswith("view_")
)

_RIGHTS_HELD_SQL = """
SELECT count(DISTINCT ct.app_label || '.' || p.codename)
FROM {permission} AS p
JOIN django_content_type AS ct ON ct.id = p.content_type_id
WHERE ct.app_label || '.' || p.codename = ANY(%(rights)s::text[])
  AND (p.id IN (SELECT gp.permission_id FROM {group_permissions} AS gp
                JOIN {user_groups} AS ug ON ug.group_id = gp.group_id
                WHERE ug.user_id = %(user)s)
       OR p.id IN (SELECT up.permission_id FROM {user_permissions} AS up
                   WHERE up.user_id = %(user)s))
"""

_HEADING_SQL = """
SELECT p.slug, p.title, i.id, i.computed_at
FROM {path} AS p LEFT JOIN {insight} AS i ON i.path_id = p.id
WHERE p.slug = %(slug)s AND p.owner_id IS NULL
"""


def _sql(template: str) -> str:
    return template.format(
        permission=Permission._meta.db_table,
        group_permissions=Permission.group_set.through._meta.db_table,
        user_groups=User.groups.through._meta.db_table,
        user_permissions=User.user_permissions.through._meta.db_table,
        path=Path._meta.db_table,
        insight=PathInsight._meta.db_table,
    )


def may_see_insights(user) -> bool:
    """Superusers, and active users holding every view right of the Curators group (through
    their groups or their own), as `user.has_perms(...)` would say, in one query."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    with connection.cursor() as cursor:
        cursor.execute(_sql(_RIGHTS_HELD_SQL), {"rights": CURATOR_VIEW_RIGHTS, "user": user.pk})
        return cursor.fetchone()[0] == len(CURATOR_VIEW_RIGHTS)


@dataclass(frozen=True)
class InsightHeading:
    slug: str
    title: str
    insight_id: int | None
    computed_at: datetime.datetime | None


def insight_heading(slug: str) -> InsightHeading | None:
    """A curated path's slug and title, and its snapshot's id and time (None if it has none);
    None for a personal path or an unknown slug."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(_HEADING_SQL), {"slug": slug})
        row = cursor.fetchone()
    return InsightHeading(*row) if row else None
