"""The benchmark's learners: one benchmark learner made through the services (progress, a note,
a shared page), then thousands more with bulk SQL (INSERT … SELECT over generate_series).

Bulk rows keep the models' rules: one enrolment per learner and path, one progress row per
learner and step (only current steps of the paths they follow), statuses among StepStatus,
hours per week NULL or 1 to 100, unique share tokens, started_at only once started and
completed_at only once done or skipped, a note's HTML beside it, and one ProgressEvent per change
of status. Learners cannot log in (unusable password) and get no allauth EmailAddress rows.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

BENCH_LEARNER_EMAIL = "bench-learner@example.com"
BENCH_CURATOR_EMAIL = "bench-curator@example.com"
GROUP_MEMBERS = 30  # the benchmark learner and 29 of the bulk learners
BENCH_PATH = "software-engineer"
BULK_EMAIL_DOMAIN = "bench.example.com"

# Parameters are bound by the server (DJANGO_DB_PREPARED): each carries its type.
USERS_SQL = """
INSERT INTO accounts_user
    (password, is_superuser, is_staff, is_active, date_joined, email, display_name)
SELECT '!bench-no-login', false, false, true,
       now() - make_interval(days => 30 + g %% 700, secs => g %% 86400),
       'learner' || g || '@' || %(domain)s::text, ''
FROM generate_series(%(first)s::int, %(last)s::int) AS g
"""

ENROLLMENTS_SQL = """
INSERT INTO learning_enrollment
    (user_id, path_id, depth, hours_per_week, status, started_at, completed_at, updated_at,
     share_token)
SELECT u.id, p.id,
       (ARRAY['quick', 'thorough', 'deep'])[1 + (u.id + p.id) %% 3],
       CASE WHEN u.id %% 4 = 0 THEN NULL ELSE 1 + (u.id * 7 + p.id) %% 20 END,
       CASE WHEN (u.id + p.id) %% 9 = 0 THEN 'paused' ELSE 'active' END,
       u.date_joined, NULL, u.date_joined,
       CASE WHEN (u.id + p.id) %% 25 = 0 THEN 'bench-' || u.id || '-' || p.id END
FROM accounts_user AS u CROSS JOIN unnest(%(path_ids)s::bigint[]) AS p(id)
WHERE u.id > %(after)s::bigint
"""

# h picks whether a row exists (per mille), its status (4 in 10 done, 1.5 in progress,
# 1 skipped, 3.5 not started) and a note on 1 row in 20; dates follow the enrolment.
PROGRESS_SQL = """
INSERT INTO learning_stepprogress
    (user_id, step_id, status, note, note_html, started_at, completed_at, updated_at)
SELECT user_id, step_id, status,
       CASE WHEN noted THEN 'Bench note on step ' || step_id ELSE '' END,
       CASE WHEN noted THEN '<p>Bench note on step ' || step_id || '</p>' ELSE '' END,
       CASE WHEN status <> 'not_started' THEN at END,
       CASE WHEN status IN ('done', 'skipped') THEN at + interval '2 days' END,
       at + interval '2 days'
FROM (
    SELECT e.user_id, s.id AS step_id,
           e.started_at + make_interval(hours => (h %% 500)::int) AS at,
           CASE WHEN h / 1000 %% 100 < 40 THEN 'done'
                WHEN h / 1000 %% 100 < 55 THEN 'in_progress'
                WHEN h / 1000 %% 100 < 65 THEN 'skipped'
                ELSE 'not_started' END AS status,
           h / 100000 %% 20 = 7 AS noted
    FROM learning_enrollment AS e
    JOIN unnest(%(step_ids)s::bigint[], %(step_paths)s::bigint[]) AS s(id, path_id)
      ON s.path_id = e.path_id
    CROSS JOIN LATERAL (SELECT abs(hashtext(e.user_id || '/' || s.id)::bigint) AS h) AS hash
    WHERE e.user_id > %(after)s::bigint AND h %% 1000 < %(per_mille)s::int
) AS rows
"""

EVENTS_SQL = """
INSERT INTO learning_progressevent (user_id, step_id, status, created_at)
SELECT user_id, step_id, status, updated_at FROM learning_stepprogress
WHERE user_id > %(after)s::bigint AND status <> 'not_started'
"""

BULK_TABLES = (
    "accounts_user",
    "learning_enrollment",
    "learning_stepprogress",
    "learning_progressevent",
)


@dataclass(frozen=True)
class BenchLearner:
    user_id: int
    cookie: str  # session (and CSRF) cookies, as a browser sends them
    csrf_secret: str
    share_token: str
    post_step_id: int


@dataclass(frozen=True)
class BenchGroup:
    board_path: str  # the group's page (its progress board), as the benchmark learner sees it


@dataclass(frozen=True)
class BenchCurator:
    cookie: str  # a curator's session: the insights pages are the admin's


@dataclass(frozen=True)
class DataSize:
    learners: int
    progress: int
    enrollments: int
    events: int


def _curated_steps() -> tuple[list[int], list[int], list[int]]:
    """Published curated paths, and the current steps of them (ids, and their paths' ids)."""
    from learning.models import Path, Step

    path_ids = list(Path.objects.curated().published().values_list("pk", flat=True))
    steps = Step.objects.current().filter(path_id__in=path_ids).values_list("pk", "path_id")
    step_ids, step_paths = zip(*steps, strict=True) if steps else ((), ())
    return path_ids, list(step_ids), list(step_paths)


def create_bench_learner() -> BenchLearner:
    """The learner whose pages are measured: on the software engineer path with about half its
    steps marked (every status), two notes, and the shareable progress page turned on."""

    from accounts.models import User
    from learning import services
    from learning.models import Path, StepStatus

    user = User.objects.create_user(BENCH_LEARNER_EMAIL, password=None)
    path = Path.objects.curated().get(slug=BENCH_PATH)
    enrollment, _ = services.enrollment_create(user=user, path=path, depth="thorough")
    steps = list(path.steps.current().order_by("phase__position", "position"))
    marks = [StepStatus.DONE, StepStatus.DONE, StepStatus.IN_PROGRESS, StepStatus.SKIPPED]
    for index, step in enumerate(steps[: len(steps) // 2]):
        services.step_progress_set(enrollment=enrollment, step=step, status=marks[index % 4])
    for step in steps[:2]:
        services.step_note_set(
            enrollment=enrollment, step=step, note="**Benchmark** note: re-read section 3."
        )
    services.enrollment_sharing_set(enrollment=enrollment, shared=True)
    enrollment.refresh_from_db()

    cookie, csrf_secret = _session_cookie(user)
    return BenchLearner(
        user_id=user.pk,
        cookie=cookie,
        csrf_secret=csrf_secret,
        share_token=enrollment.share_token,
        post_step_id=steps[len(steps) // 2].pk,
    )


def _session_cookie(user) -> tuple[str, str]:
    """A logged-in session for `user`, as a browser sends its cookies, and its CSRF secret."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf_secret = secrets.token_hex(16)  # 32 characters: the form of Django's CSRF secret
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"
    )
    return cookie, csrf_secret


def create_bench_group(learner: BenchLearner) -> BenchGroup:
    """A study group on the benchmark path, organised by the benchmark learner, three weeks into
    its schedule, with 29 bulk learners joined by its invite link (each with their progress)."""
    import datetime

    from django.utils import timezone

    from accounts.models import User
    from learning.groups import services as groups
    from learning.models import Path

    organiser = User.objects.get(pk=learner.user_id)
    path = Path.objects.curated().get(slug=BENCH_PATH)
    group, _ = groups.group_create(
        user=organiser,
        path=path,
        name="Bench reading group",
        display_name="Bench organiser",
        start_date=timezone.localdate() - datetime.timedelta(weeks=3),
        hours_per_week=5,
    )
    members = User.objects.filter(email__endswith=f"@{BULK_EMAIL_DOMAIN}").order_by("pk")
    for number, member in enumerate(members[: GROUP_MEMBERS - 1], start=1):
        groups.group_join(
            group=group, user=member, token=group.invite_token, display_name=f"Reader {number}"
        )
    return BenchGroup(board_path=group.get_absolute_url())


def create_bench_curator() -> BenchCurator:
    """A member of the Curators group (content rights only), logged in."""
    from accounts.models import User
    from learning import services

    curator = User.objects.create_user(BENCH_CURATOR_EMAIL, password=None)
    services.curator_set(user=curator, curator=True)
    return BenchCurator(cookie=_session_cookie(curator)[0])


def add_learners(count: int, *, total_progress: int) -> None:
    """`count` more learners on every curated path, their progress rows bringing the table to
    about `total_progress` rows (a little over), each change of status with its event."""
    from django.db import connection, transaction

    path_ids, step_ids, step_paths = _curated_steps()
    existing = data_size()
    wanted = max(0, total_progress - existing.progress)
    per_mille = min(1000, math.ceil(wanted / max(1, count * len(step_ids)) * 1000 * 1.01))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
        after = cursor.fetchone()[0]
        first = existing.learners + 1
        params = {
            "domain": BULK_EMAIL_DOMAIN,
            "first": first,
            "last": first + count - 1,
            "after": after,
            "path_ids": path_ids,
            "step_ids": step_ids,
            "step_paths": step_paths,
            "per_mille": per_mille,
        }
        for statement in (USERS_SQL, ENROLLMENTS_SQL, PROGRESS_SQL, EVENTS_SQL):
            cursor.execute(statement, params)
    vacuum_analyze()


def vacuum_analyze() -> None:
    """Statistics and visibility maps as a database in service has them (autovacuum's work)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(BULK_TABLES))


def data_size() -> DataSize:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM accounts_user WHERE NOT is_staff),"
            " (SELECT count(*) FROM learning_stepprogress),"
            " (SELECT count(*) FROM learning_enrollment),"
            " (SELECT count(*) FROM learning_progressevent)"
        )
        learners, progress, enrollments, events = cursor.fetchone()
    return DataSize(learners, progress, enrollments, events)
