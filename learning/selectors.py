"""Reads of paths and learners' progress that join several models, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.models import PublicationStatus
from core.page_cache import learner_version, rendered, rendered_cache, rendered_many
from papers.models import Page, Paper, Topic

from .activity_map import ActivityMap, activity_map
from .models import (
    Checklist,
    ChecklistTick,
    Depth,
    Enrollment,
    Path,
    Phase,
    ProgressEvent,
    RoadmapInfo,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
)
from .progress import PathState, activity_summary, path_state


def _phases_with_current_steps() -> Prefetch:
    """Phases in order with their current steps and every paper linked to each (a draft paper's
    hours count in the estimate; pages list only the papers the visitor may see)."""
    step_papers = StepPaper.objects.select_related("paper")
    steps = (
        Step.objects.current()
        .order_by("position")
        .prefetch_related(Prefetch("step_papers", queryset=step_papers))
    )
    return Prefetch(
        "phases",
        queryset=Phase.objects.order_by("position").prefetch_related(
            Prefetch("steps", queryset=steps)
        ),
    )


def path_outline(*, slug: str, user, request=None, personal: bool = False) -> Path:
    """A visible path with its phases, current steps in order, their visible papers, sections.
    Given the request, a curated path's outline is built once per content version (see
    core.page_cache) and only the visitor's right to see it is checked; staff (who see drafts)
    and personal paths (their changes leave the content version alone) are read afresh."""
    if request is not None and not personal and not (user.is_authenticated and user.is_staff):
        path = rendered(request, _outline_key(slug), lambda: _curated_outline(slug))
        if path is not None:
            _check_visible(path.pk, path.status, user=user, slug=slug)
            return path
    return _outlines(Path.objects.visible_to(user)).get(slug=slug)


@dataclass(frozen=True)
class PathHead:
    pk: int
    slug: str
    status: str
    owner_id: int | None = None


def path_head(*, slug: str, user, request) -> PathHead | Path:
    """Which visible path an address names, without its outline (all a page kept for the
    learner needs; one query for a personal path, none for a curated one, whose head is
    remembered per content version). Staff (whose pages are never kept) get the outline itself.
    Raises Path.DoesNotExist like `path_outline`."""
    if user.is_authenticated and user.is_staff:
        return path_outline(slug=slug, user=user, request=request)
    head = rendered(
        request, f"path-head:{slug}", lambda: _head(slug), keep=lambda h: h.owner_id is None
    )
    if head is None:
        raise Path.DoesNotExist(slug)
    if head.owner_id is not None:  # a personal path: its owner's alone
        if head.owner_id != user.pk:
            raise Path.DoesNotExist(slug)
        return head
    _check_visible(head.pk, head.status, user=user, slug=slug)
    return head


def _head(slug: str) -> PathHead | None:
    row = Path.objects.filter(slug=slug).values_list("pk", "slug", "status", "owner_id").first()
    return PathHead(*row) if row else None


def _check_visible(pk: int, status: str, *, user, slug: str) -> None:
    """A curated path is visible when published, or to a learner following it (a path curators
    took back to draft stays theirs)."""
    if status == PublicationStatus.PUBLISHED or (
        user.is_authenticated and Enrollment.objects.filter(user=user, path_id=pk).exists()
    ):
        return
    raise Path.DoesNotExist(slug)


def _outlines(paths):
    return paths.prefetch_related(_phases_with_current_steps(), "sections")


def _curated_outline(slug: str) -> Path | None:
    """The curated path's outline, whatever its status; None (not kept: any address could
    fill the cache with them) when there is no such curated path."""
    return _outlines(Path.objects.curated()).filter(slug=slug).first()


@dataclass(frozen=True)
class SharedEnrollment:
    enrollment_id: int
    learner_id: int
    data_version: int


def shared_enrollment(request, token: str) -> SharedEnrollment | None:
    """The enrolment a progress link shows, its learner and their learner version, read with
    the content version in one query. Which enrolment a token names never changes (tokens are
    never reused), so the process remembers it; turning sharing off or leaving the path changes
    the learner version, and the page (rendered afresh) then checks the token again."""
    link = f"shared-link:{token}"
    ids = rendered_cache().get(link)
    if ids is None:
        ids = Enrollment.objects.filter(share_token=token).values_list("pk", "user_id").first()
        if ids is None:
            return None
        rendered_cache().set(link, ids)
    version = learner_version(request, ids[1])
    return None if version is None else SharedEnrollment(*ids, version)


def follows_unpublished_path(request) -> bool:
    """Whether the learner follows a curated path curators took back to draft: it stays
    listed for them, so their catalog is their own."""
    return (
        Enrollment.objects.filter(user=request.user, path__owner__isnull=True)
        .exclude(path__status=PublicationStatus.PUBLISHED)
        .exists()
    )


def has_paths_of_their_own(request) -> bool:
    """Whether pages listing steps (a paper's page, search) differ for this learner: they have
    personal paths, or follow a curated path that is back in draft. One query."""
    user = request.user
    unpublished_followed = Q(owner__isnull=True, enrollments__user=user) & ~Q(
        status=PublicationStatus.PUBLISHED
    )
    return Path.objects.filter(Q(owner=user) | unpublished_followed).exists()


def catalog_paths(*, user):
    return Path.objects.curated().visible_to(user).order_by("number", "title")


@dataclass
class Catalog:
    """What the catalog page shows, read lazily by the template in a fixed number of queries."""

    info: RoadmapInfo | None
    paths: object
    depths: list[Depth]
    topics: object
    pages: object
    checklists: object


def catalog(*, user) -> dict:
    """The catalog page's context: the roadmap's texts, the paths the visitor may see, depths,
    topics, reference pages and checklists."""
    return vars(
        Catalog(
            info=RoadmapInfo.objects.first(),
            paths=catalog_paths(user=user),
            depths=list(Depth.objects.all()),
            topics=Topic.objects.all(),
            pages=Page.objects.visible_to(user).only("slug", "title", "status"),
            checklists=Checklist.objects.prefetch_related("items"),
        )
    )


def papers_read_elsewhere(*, user, path: Path) -> dict[int, list[str]]:
    """Paper id → titles of the learner's other paths where a step covering it is Done."""
    rows = (
        StepPaper.objects.filter(step__progress__user=user, step__progress__status=StepStatus.DONE)
        .exclude(step__path=path)
        .values_list("paper_id", "step__path__title")
        .distinct()
    )
    read: dict[int, list[str]] = {}
    for paper_id, title in rows:
        read.setdefault(paper_id, []).append(title)
    return read


@dataclass
class LearnerView:
    enrollment: Enrollment | None
    state: PathState
    # Archived steps of the path that carry the learner's record (for a personal path: steps
    # removed from the plan), with that record: the page lists them apart.
    removed: list[tuple[Step, StepProgress | None]] = field(default_factory=list)


def learner_path(*, path: Path, user, show_drafts: bool | None = None) -> LearnerView:
    """The learner's enrolment (if any) and progress on an outlined path: three queries.
    Draft papers are listed for curators unless `show_drafts` says otherwise."""
    if show_drafts is None:
        show_drafts = user.is_authenticated and user.is_staff
    enrollment = None
    progress: dict[int, StepProgress] = {}
    read: dict[int, list[str]] = {}
    if user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, path=path).first()
        progress = {
            row.step_id: row
            # No ordering: a dict by step (the model's ordering would join the user and the path).
            for row in StepProgress.objects.filter(user=user, step__path=path)
            .select_related("step")
            .order_by()
        }
        read = papers_read_elsewhere(user=user, path=path)
    if path.is_personal and user.is_authenticated and path.owner_id == user.pk:
        # Every step the learner took off their own plan, with or without a record.
        off_plan = Step.objects.filter(path=path, archived=True)
        removed = [(step, progress.get(step.pk)) for step in off_plan]
    else:
        removed = [(row.step, row) for row in progress.values() if row.step.archived]
    removed.sort(key=lambda pair: (pair[0].title, pair[0].pk))
    depth = enrollment.depth if enrollment else "thorough"
    return LearnerView(
        enrollment=enrollment,
        state=path_state(
            path,
            depth=depth,
            progress=progress,
            read_elsewhere=read,
            hours_per_week=enrollment.hours_per_week if enrollment else None,
            show_drafts=show_drafts,
        ),
        removed=removed,
    )


@dataclass
class DashboardEntry:
    enrollment: Enrollment
    state: PathState


@dataclass
class Dashboard:
    entries: list[DashboardEntry]
    recent: list[ProgressEvent]
    days_this_week: int
    streak: int
    activity: ActivityMap
    checklists: list[Checklist]
    ticked: set[int]


def _outline_key(slug: str) -> str:
    return f"path-outline:{slug}"


def _with_outlines(enrollments: list[Enrollment], request) -> None:
    """Each enrolment's path with its phases and steps: curated paths' outlines as built once
    per content version (given the request; those not built yet in one go), personal paths'
    read now."""
    curated = [e for e in enrollments if e.path.owner_id is None]
    if request is not None and curated:

        def build(keys: list[str]) -> dict:
            slugs = [key.removeprefix("path-outline:") for key in keys]
            paths = _outlines(Path.objects.curated().filter(slug__in=slugs))
            return {_outline_key(path.slug): path for path in paths}

        outlines = rendered_many(request, [_outline_key(e.path.slug) for e in curated], build)
        for enrollment in curated:
            enrollment.path = outlines.get(_outline_key(enrollment.path.slug), enrollment.path)
    unread = [
        e.path
        for e in enrollments
        if "phases" not in getattr(e.path, "_prefetched_objects_cache", {})
    ]
    prefetch_related_objects(unread, _phases_with_current_steps())


def _checklists(request) -> list[Checklist]:
    """The roadmap's checklists with their items: content, so built once per content version
    when there is a request to read the version for."""

    def build() -> list[Checklist]:
        return list(Checklist.objects.prefetch_related("items"))

    return build() if request is None else rendered(request, "checklists", build)


def dashboard(*, user, recent_count: int = 10, request=None) -> Dashboard:
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("path")
        .order_by("status", "-started_at")
    )
    _with_outlines(enrollments, request)
    progress = {
        row.step_id: row
        for row in StepProgress.objects.filter(
            user=user, step__path__in=[e.path_id for e in enrollments]
        ).order_by()
    }
    entries = [
        DashboardEntry(
            enrollment=e,
            state=path_state(
                e.path,
                depth=e.depth,
                progress=progress,
                read_elsewhere={},
                hours_per_week=e.hours_per_week,
                show_drafts=user.is_staff,
            ),
        )
        for e in enrollments
    ]
    recent = list(
        ProgressEvent.objects.filter(user=user)
        .select_related("step__path", "step__phase")
        .order_by("-created_at")[:recent_count]
    )
    today = timezone.localdate()
    counts = active_days(user=user, since=today - datetime.timedelta(days=400))
    this_week, streak = activity_summary(set(counts), today)
    return Dashboard(
        entries=entries,
        recent=recent,
        days_this_week=this_week,
        streak=streak,
        activity=activity_map(counts, today, streak),
        checklists=_checklists(request),
        ticked=set(ChecklistTick.objects.filter(user=user).values_list("item_id", flat=True)),
    )


def active_days(*, user, since: datetime.date) -> dict[datetime.date, int]:
    """Day (in the site's time zone) → how many status changes the learner made that day, from
    `since` on: one query, grouped by day."""
    rows = (
        ProgressEvent.objects.filter(user=user, created_at__date__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(changes=Count("pk"))
        .order_by()
        .values_list("day", "changes")
    )
    return dict(rows)


def learners_with_progress(*, steps) -> int:
    """How many learners have a status or note on any of these steps."""
    return StepProgress.objects.filter(step__in=steps).values("user").distinct().count()


def paper_page(*, slug: str, user) -> Paper:
    """A paper with its prerequisites, dependents, topics and the visible steps that cover it."""
    visible_papers = Paper.objects.visible_to(user)
    step_links = (
        StepPaper.objects.filter(step__path__in=Path.objects.visible_to(user), step__archived=False)
        .select_related("step__phase", "step__path")
        .order_by("step__path__number", "step__phase__position", "step__position")
    )
    return (
        visible_papers.prefetch_related(
            Prefetch("prerequisites", queryset=visible_papers.order_by("number")),
            Prefetch("dependents", queryset=visible_papers.order_by("number")),
            Prefetch("topics", queryset=Topic.objects.order_by("position")),
            Prefetch("step_links", queryset=step_links, to_attr="visible_step_links"),
        )
        .filter(slug=slug)
        .get()
    )
