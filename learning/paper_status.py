"""A paper as one thing to a learner: their status for it on every path of theirs where it
appears (a paper's page), and across all of them (the papers' graph). Reads only, each in one
query; `services.paper_mark_read` is the write."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from .models import Path, StepPaper, StepProgress, StepStatus


def _learners_paths(user):
    """The paths a paper's status is counted on: those the learner follows, and their own."""
    return Path.objects.filter(Q(enrollments__user=user) | Q(owner=user)).values("pk")


def _links(user):
    status = (
        StepProgress.objects.filter(user=user, step_id=OuterRef("step_id"))
        .order_by()  # the model's ordering would join the user and the step
        .values("status")
    )
    return StepPaper.objects.filter(
        step__archived=False, step__path__in=_learners_paths(user)
    ).annotate(learner_status=Subquery(status[:1]))


@dataclass(frozen=True)
class PaperOnPath:
    """The learner's status of a step that covers the paper, on one of their paths."""

    step: object
    status: str

    @property
    def status_label(self) -> str:
        return StepStatus(self.status).label

    @property
    def overridden_by_reading(self) -> bool:
        """Whether marking the paper as read changes a status the learner chose."""
        return self.status not in (StepStatus.NOT_STARTED, StepStatus.DONE)


def paper_on_paths(*, user, paper_id: int) -> list[PaperOnPath]:
    """Every current step using the paper on the learner's paths, with their status (Not
    started when they have none): one query."""
    rows = (
        _links(user)
        .filter(paper_id=paper_id)
        .select_related("step__path", "step__phase")
        .order_by(
            "step__path__number", "step__path__title", "step__phase__position", "step__position"
        )
    )
    return [PaperOnPath(link.step, link.learner_status or StepStatus.NOT_STARTED) for link in rows]


@dataclass(frozen=True)
class PaperTally:
    """A paper's statuses across the learner's paths: "done on 2 of 3 paths"."""

    done: int = 0
    started: int = 0  # in progress or skipped somewhere, not done
    total: int = 0

    @property
    def words(self) -> str:
        paths = "path" if self.total == 1 else "paths"
        if self.done:
            return f"done on {self.done} of {self.total} {paths}"
        if self.started:
            return f"started on {self.started} of {self.total} {paths}"
        return f"not started on {self.total} {paths}" if self.total else ""

    @property
    def shape(self) -> str:
        if self.total and self.done == self.total:
            return "graph-done"
        if self.done or self.started:
            return "graph-started"
        return "graph-not-started" if self.total else "graph-plain"


def paper_tallies(*, user) -> dict[int, PaperTally]:
    """Paper id → its tally over the paths of the learner (one query; a path counts once per
    paper, done when any of its steps using the paper is done)."""
    by_paper: dict[int, dict[int, str]] = {}
    rank = {StepStatus.DONE: 2, StepStatus.IN_PROGRESS: 1, StepStatus.SKIPPED: 1}
    rows = _links(user).values_list("paper_id", "step__path_id", "learner_status").order_by()
    for paper_id, path_id, status in rows:
        best = by_paper.setdefault(paper_id, {})
        if rank.get(status, 0) >= rank.get(best.get(path_id), 0):
            best[path_id] = status or StepStatus.NOT_STARTED
    return {
        paper_id: PaperTally(
            done=sum(s == StepStatus.DONE for s in paths.values()),
            started=sum(s in (StepStatus.IN_PROGRESS, StepStatus.SKIPPED) for s in paths.values()),
            total=len(paths),
        )
        for paper_id, paths in by_paper.items()
    }
