"""Every URL pattern of the site, and what kind of data it serves: the URL walk
(test_url_walk.py) and the fuzz test (test_fuzz.py) both start here, so a pattern added
without a kind fails the suite until someone says whose data it touches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import admin
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

# What a pattern serves, and so who may reach it:
PUBLIC = "public"  # the roadmap's content, for anyone
SHARED = "shared"  # a learner's progress behind an unguessable link they chose to share
ACCOUNT_FLOW = "account flow"  # signing up, in and out, resetting a password: anyone, no data
SELF = "self"  # the signed-in learner's own data, found from the session alone
OWNED = "owned"  # a learner's object named in the address: only its owner
ADMIN = "admin"  # the curator workspace's own pages (staff only)
ADMIN_CONTENT = "admin content"  # curated content in the admin (staff with content rights)
ADMIN_PEOPLE = "admin people"  # accounts in the admin (superusers only, never curators)
OPERATIONS = "operations"  # the health check
MEMBERS = "members"  # a study group's data: only its current members (tests/test_group_walk.py)

KINDS = (
    PUBLIC,
    SHARED,
    ACCOUNT_FLOW,
    SELF,
    OWNED,
    ADMIN,
    ADMIN_CONTENT,
    ADMIN_PEOPLE,
    OPERATIONS,
    MEMBERS,
)
# Kinds whose patterns touch a learner's data: another learner, a curator and an anonymous
# visitor are refused there (or, where the address names no one, shown only their own).
USER_DATA = (SHARED, SELF, OWNED, ADMIN_PEOPLE, MEMBERS)

BY_NAME = {
    "healthz": OPERATIONS,
    # The library and the catalog.
    "learning:catalog": PUBLIC,
    "papers:paper_list": PUBLIC,
    "papers:paper_detail": PUBLIC,
    "papers:topic_detail": PUBLIC,
    "papers:glossary": PUBLIC,
    "papers:page_detail": PUBLIC,
    "search:search": PUBLIC,
    "account_record_format": PUBLIC,
    # A path's page: public for a curated path, only its owner's for a personal one.
    "learning:path_detail": OWNED,
    "learning:path_start": OWNED,
    "learning:path_calendar": OWNED,
    "learning:personal_step_restore": OWNED,
    "learning:enrollment_settings": OWNED,
    "learning:enrollment_pause": OWNED,
    "learning:enrollment_reset": OWNED,
    "learning:enrollment_restart": OWNED,
    "learning:enrollment_leave": OWNED,
    "learning:enrollment_share": OWNED,
    # A step's status and note: the learner's own, on a step of a path they may see.
    "learning:step_status": OWNED,
    "learning:step_note": OWNED,
    "learning:shared_progress": SHARED,
    # The weekly digest's unsubscribe link: a signed token names the learner (no login).
    "learning:digest_unsubscribe": SHARED,
    "learning:digest_resubscribe": SHARED,
    # Named by the session alone.
    "learning:checklist_tick": SELF,
    "learning:dashboard": SELF,
    "learning:paper_mark_read": SELF,  # a paper named, the learner's own paths
    "learning:builder": SELF,
    "learning:builder_resume": SELF,
    "learning:digest_settings": SELF,
    "account_data": SELF,
    "account_export_json": SELF,
    "account_export_markdown": SELF,
    "account_import": SELF,
    "account_import_confirm": SELF,
    "account_delete": SELF,
    "account_log_out_everywhere": SELF,
    "account_email": SELF,
    "account_change_password": SELF,
    "account_set_password": SELF,
    "account_reauthenticate": SELF,
    "account_request_reauthentication_code": SELF,
    "account_confirm_reauthentication_code": SELF,
    # allauth's flows for people not (yet) signed in.
    "account_login": ACCOUNT_FLOW,
    "account_logout": ACCOUNT_FLOW,
    "account_signup": ACCOUNT_FLOW,
    "account_inactive": ACCOUNT_FLOW,
    "account_confirm_email": ACCOUNT_FLOW,
    "account_email_verification_sent": ACCOUNT_FLOW,
    "account_reset_password": ACCOUNT_FLOW,
    "account_reset_password_done": ACCOUNT_FLOW,
    "account_reset_password_from_key": ACCOUNT_FLOW,
    "account_reset_password_from_key_done": ACCOUNT_FLOW,
    "account_confirm_login_code": ACCOUNT_FLOW,
    # The curator workspace.
    "markdown_preview": ADMIN,
    "roadmap_export": ADMIN,
    "roadmap_import": ADMIN,
    "insights_index": ADMIN,  # aggregates only, small counts suppressed
    "insights_path": ADMIN,
    "insights_csv": ADMIN,
    "admin:index": ADMIN,
    "admin:login": ADMIN,
    "admin:logout": ADMIN,
    "admin:password_change": ADMIN,
    "admin:password_change_done": ADMIN,
    "admin:autocomplete": ADMIN,
    "admin:jsi18n": ADMIN,
    "admin:app_list": ADMIN,
    "admin:view_on_site": ADMIN_CONTENT,
    # Study groups: the learner's own list and form, then each group's pages, members only.
    "learning:group_list": SELF,
    "learning:group_create": SELF,
    "learning:group_join": MEMBERS,  # an invite link: its group's name only, to signed-in people
    "learning:group_detail": MEMBERS,
    "learning:group_board_csv": MEMBERS,
    "learning:group_sharing": MEMBERS,
    "learning:group_leave": MEMBERS,
    "learning:group_settings": MEMBERS,
    "learning:group_invite": MEMBERS,
    "learning:group_close": MEMBERS,
    "learning:group_member_remove": MEMBERS,
    "learning:group_organiser_add": MEMBERS,
    "learning:group_hand_over": MEMBERS,
}

VIEW_ON_SITE = "admin/r/<path:content_type_id>/<path:object_id>/"

# The admin's models, by label: each one's pages take that kind.
ADMIN_MODELS = {
    "papers.paper": ADMIN_CONTENT,
    "papers.topic": ADMIN_CONTENT,
    "papers.glossaryterm": ADMIN_CONTENT,
    "papers.page": ADMIN_CONTENT,
    "learning.path": ADMIN_CONTENT,
    "learning.phase": ADMIN_CONTENT,
    "learning.step": ADMIN_CONTENT,
    "learning.pathsection": ADMIN_CONTENT,
    "learning.checklist": ADMIN_CONTENT,
    "learning.depth": ADMIN_CONTENT,
    "learning.roadmapinfo": ADMIN_CONTENT,
    "accounts.user": ADMIN_PEOPLE,
    "account.emailaddress": ADMIN_PEOPLE,
    "auth.group": ADMIN_PEOPLE,
}


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "enrollments/<int:pk>/settings/"
    name: str  # namespaced, e.g. "learning:enrollment_settings" ("" for unnamed)
    model: str  # for the admin's model pages, the model's label ("" otherwise)

    @property
    def kind(self) -> str | None:
        if self.model:
            return ADMIN_MODELS.get(self.model)
        if self.route == "admin/(?P<url>.*)$":  # the admin's catch-all: a 404 or a login page
            return ADMIN
        if self.route == VIEW_ON_SITE:  # the site's own, before the admin's (roadmap_site/urls)
            return ADMIN_CONTENT
        return BY_NAME.get(self.name)


def _admin_models() -> dict[str, str]:
    """The first segments of each registered model's admin pages → its label."""
    return {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/": model._meta.label_lower
        for model in admin.site._registry
    }


def routes() -> list[Route]:
    """Every URL pattern the site answers, with its full route."""
    models = _admin_models()
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else ""
                name = name or pattern.name or ""
                model = next((label for key, label in models.items() if route.startswith(key)), "")
                found.append(Route(route=route, name=name, model=model))

    walk(get_resolver().url_patterns, "", "")
    return found


# Rows written in the current transaction (the test's), the cache and sessions aside: a refused
# request must leave this where it was. A session's row is written whenever the session changes,
# for instance when a page (a 404 page too) shows the flash messages kept in it.
_WRITES = """
    SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)
    FROM pg_stat_xact_user_tables
    WHERE relname NOT IN ('django_cache', 'django_session', 'accounts_session')
"""


def rows_written() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_WRITES)
        return int(cursor.fetchone()[0])


# --- A learner with something of everything, for the walk and the fuzz test to aim at --------

SECRET = "owner-only-7f3a"  # in the owner's notes and their personal path's title


@dataclass
class World:
    owner: object
    personal: object  # their personal path
    personal_step: object
    enrollment: object  # their enrolment on a curated path (shared)
    curated_step: object
    values: dict  # what fills each placeholder of a route, aimed at the owner's data


def learner_world(client_for, make_user) -> World:
    """A learner with a personal path (saved from the builder), an enrolment on a curated path
    shared by link, notes holding SECRET, a status and a ticked checklist item."""
    from django.contrib.contenttypes.models import ContentType

    from learning import services
    from learning.models import ChecklistItem, Path, Step

    from .test_builder import plan, save

    owner = make_user("owner@example.com")
    client = client_for(owner)
    plan(client)
    save(client)
    personal = Path.objects.get(owner=owner)
    Path.objects.filter(pk=personal.pk).update(title=f"Plan {SECRET}")
    personal_step = Step.objects.filter(path=personal).order_by("pk").first()
    personal_enrollment = personal.enrollments.get(user=owner)
    services.step_note_set(enrollment=personal_enrollment, step=personal_step, note=SECRET)
    curated = Path.objects.curated().order_by("number").first()
    enrollment, _ = services.enrollment_create(user=owner, path=curated, depth="quick")
    curated_step = Step.objects.filter(path=curated).order_by("pk").first()
    services.step_progress_set(enrollment=enrollment, step=curated_step, status="done")
    services.step_note_set(enrollment=enrollment, step=curated_step, note=SECRET)
    services.enrollment_sharing_set(enrollment=enrollment, shared=True)
    enrollment.refresh_from_db()
    item = ChecklistItem.objects.order_by("pk").first()
    services.checklist_tick_set(user=owner, item=item, ticked=True)
    values = {
        "slug": personal.slug,
        "pk": personal_step.pk,
        "token": enrollment.share_token,
        "content_type_id": ContentType.objects.get_for_model(Path).pk,
        "object_id": personal.pk,
        "id": owner.pk,
        "history_id": 1,
        "key": "abc",
        "uidb36": "1",
        "app_label": "learning",
        "url": "nowhere/",
        "member_pk": owner.pk,  # a study group's member (tests/test_group_walk.py aims better)
    }
    return World(owner, personal, personal_step, enrollment, curated_step, values)


_PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\(\[\^/\]\+\)")


def fill(route: str, values: dict) -> str:
    """The address a route answers for these values: "<int:pk>" and "(?P<key>…)" take
    values[name]; the admin history's bare groups take object_id, then history_id."""
    bare = iter(("object_id", "history_id"))

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2) or next(bare)
        return str(values[name])

    text = _PLACEHOLDER.sub(value, route)
    return "/" + re.sub(r"(^|/)\^", r"\1", text).removesuffix("$")
