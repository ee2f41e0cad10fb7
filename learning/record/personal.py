"""Importing a learner record's personal paths: matched to the learner's own, else made anew from
the file, their missing steps added, and their weeks laid out again at the pace they are followed.

A personal path the learner already has keeps its own plan, newer or older than the file: plans
carry no date to compare, and a plan is the learner's to change. The file's steps it lacks wait
under "Removed from your plan".
"""

from __future__ import annotations

import secrets

from papers.models import Paper

from ..models import Audience, DepthKey, Path, Phase, PublicationStatus, Step, StepPaper
from ..plans import personal_path_regroup, personal_steps_write
from .report import ImportReport, plural
from .schema import PersonalPath, PersonalStep, Record

PERSONAL_AUDIENCE = "Personal path"
PERSONAL_GOAL = "Your own mix of the roadmap, built from your answers"
PERSONAL_PREREQUISITES = "Papers you already know are left out"


class PersonalPathsImport:
    """The personal-path part of one import; `paths` maps each of the file's slugs to the path
    it is restored to, for the rest of the import to place progress on."""

    def __init__(self, *, user, record: Record, report: ImportReport, touched: set[int]):
        self.user = user
        self.record = record
        self.report = report
        self.tally = report.tallies
        self.touched = touched  # paths whose completion to refresh, shared with the import
        self.paths: dict[str, Path] = {}  # file slug → the learner's personal path here
        self.created: set[int] = set()  # personal paths this import made
        self.regroup: set[int] = set()  # personal paths to lay out again
        self.new_archived: dict[int, list[tuple[Step, str]]] = {}  # path → (step, file slug)
        self.pace: dict[int, tuple[str, int | None]] = {}  # path → depth and pace followed at

    def restore(self) -> None:
        """Match or make each of the file's personal paths, then add the steps they lack."""
        entries = self.record.personal_paths
        if not entries:
            return
        own = list(Path.objects.select_for_update().filter(owner=self.user))
        by_slug = {p.slug: p for p in own}
        by_origin = {p.imported_from: p for p in own if p.imported_from}
        wanted = [p.slug for p in entries]
        taken = set(Path.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        papers = self._papers_here()
        for entry in entries:
            self._match(entry, by_slug.get(entry.slug) or by_origin.get(entry.slug), taken)
        steps_here: dict[int, dict[str, Step]] = {}
        for step in Step.objects.filter(path__in=[p.pk for p in self.paths.values()]):
            steps_here.setdefault(step.path_id, {})[step.slug] = step
        for entry in entries:
            path = self.paths.get(entry.slug)
            if path is not None:
                self._add_missing_steps(entry, path, steps_here.get(path.pk, {}), papers)

    def _papers_here(self) -> dict[str, Paper]:
        entries = self.record.personal_paths
        listed = {slug for p in entries for step in p.steps for slug in step.papers}
        return {p.slug: p for p in Paper.objects.filter(slug__in=listed)}

    def _match(self, entry: PersonalPath, path: Path | None, taken: set[str]) -> None:
        if path is not None and path in self.paths.values():
            self.report.not_placed.append(
                f"Your personal path “{entry.title}” ({entry.slug}) matches one already "
                "restored from this file: it was left out."
            )
            return
        if path is None:
            path = self._create(entry, taken)
            self.created.add(path.pk)
            self.tally["personal_paths"].created += 1
        else:
            self.tally["personal_paths"].kept += 1
        self.paths[entry.slug] = path

    def _create(self, entry: PersonalPath, taken: set[str]) -> Path:
        """A new personal path with the file's title, answers and edits, under the file's slug
        unless a path here has it (then a new `my-…` one)."""
        slug = entry.slug
        while slug in taken:
            slug = f"my-{secrets.token_hex(5)}"
            if Path.objects.filter(slug=slug).exists():
                taken.add(slug)
        taken.add(slug)
        # the builder reads a background from every personal path's answers
        answers = {"background": Audience.BEGINNER.value, **entry.answers}
        path = Path.objects.create(
            owner=self.user,
            slug=slug,
            number=0,
            title=entry.title,
            audience=PERSONAL_AUDIENCE,
            audience_key=answers["background"],
            goal=PERSONAL_GOAL,
            prerequisites=PERSONAL_PREREQUISITES,
            time_estimate="",
            hours_quick=0,
            hours_thorough=0,
            hours_deep=0,
            status=PublicationStatus.PUBLISHED,
            builder_answers=answers,
            builder_edits=entry.edits,
            imported_from=entry.slug,
        )
        self.regroup.add(path.pk)
        return path

    def _add_missing_steps(
        self, entry: PersonalPath, path: Path, here: dict[str, Step], papers: dict[str, Paper]
    ) -> None:
        """Steps of the file's plan this path lacks. A path made by this import gets the file's
        plan; one the learner already has keeps its own, and the file's other steps wait off
        the plan, in "Removed from your plan"."""
        missing = [s for s in entry.steps if s.slug not in here]
        own_plan = path.pk not in self.created
        self.tally["personal_steps"].kept += len(entry.steps) - len(missing)
        if not missing:
            return
        holding = path.phases.order_by("position").first() or Phase.objects.create(
            path=path, slug="week-1", label="Week 1", title="", position=0
        )
        created, links = [], []
        for position, data in enumerate(missing, start=len(here)):
            step = _new_step(path, holding, data, position, papers, off_plan=own_plan)
            created.append(step)
            here[data.slug] = step
            if step.archived:
                self.new_archived.setdefault(path.pk, []).append((step, entry.slug))
            links += self._paper_links(entry, step, data, papers)
        personal_steps_write(created=created)
        for link in links:
            link.step_id = link.step.pk
        StepPaper.objects.bulk_create(links)
        self.tally["personal_steps"].created += len(missing)
        if own_plan:
            self.report.notes.append(
                f"Your personal path “{path.title}” is already here: it keeps its own plan, and "
                f"the file's {plural(len(missing), 'step', 'steps')} it did not have "
                f"{'waits' if len(missing) == 1 else 'wait'} under “Removed from your plan”."
            )
        self.regroup.add(path.pk)
        self.touched.add(path.pk)

    def _paper_links(
        self, entry: PersonalPath, step: Step, data: PersonalStep, papers: dict[str, Paper]
    ) -> list[StepPaper]:
        """The step's links to the papers this roadmap has; the others are reported."""
        links = []
        for order, slug in enumerate(data.papers):
            if slug in papers:
                links.append(StepPaper(step=step, paper=papers[slug], position=order))
            else:
                self.report.not_placed.append(
                    f"Paper “{slug}” of the step “{data.title}” on your personal path "
                    f"“{entry.title}” is not in this roadmap: the step was restored without it."
                )
        return links

    def follow(self, path: Path, depth: str, hours_per_week: int | None) -> None:
        """The depth and pace the learner follows a personal path at, after the import."""
        self.pace[path.pk] = (depth, hours_per_week)

    def remember_pace(self, path: Path, depth: str, hours_per_week: int | None) -> None:
        """A personal path's plan remembers the depth and pace it is followed at (as
        services.enrollment_update does), and its weeks are laid out again at them."""
        answers = dict(path.builder_answers or {})
        pace = hours_per_week or answers.get("hours_per_week") or 5
        answers.update(depth=depth, hours_per_week=pace)
        path.builder_answers = answers
        path.save(update_fields=["builder_answers"])
        self.regroup.add(path.pk)

    def lay_out(self) -> None:
        """Lay the weeks of every changed personal path out again at the depth and pace it is
        followed at (else the file's enrolment's, else its answers')."""
        if not self.regroup:
            return
        file_enrollments = {e.path: e for e in self.record.enrollments}
        origin = {path.pk: slug for slug, path in self.paths.items()}
        hints = {(p.path, p.step): p.phase for p in self.record.progress}
        for path in Path.objects.filter(pk__in=self.regroup, owner=self.user):
            answers = path.builder_answers or {}
            depth, pace = self.pace.get(path.pk, (None, None))
            entry = file_enrollments.get(origin.get(path.pk, ""))
            if depth is None and entry is not None:
                depth, pace = entry.depth, entry.hours_per_week
            depth = depth or answers.get("depth") or DepthKey.THOROUGH
            pace = pace or answers.get("hours_per_week") or 5
            order = self._file_order(path, origin.get(path.pk))
            personal_path_regroup(path=path, depth=depth, hours_per_week=pace, order=order)
            self._place_archived(path, hints)

    def _file_order(self, path: Path, file_slug: str | None) -> list[int] | None:
        """For a path this import made, its current steps in the file's order; else None (the
        learner's own order stands)."""
        if file_slug is None or path.pk not in self.created:
            return None
        steps = {s.slug: s for s in Step.objects.filter(path=path)}
        entry = next(p for p in self.record.personal_paths if p.slug == file_slug)
        listed = [steps.get(s.slug) for s in entry.steps]
        return [s.pk for s in listed if s is not None and not s.archived]

    def _place_archived(self, path: Path, hints: dict[tuple[str, str], str]) -> None:
        """Put restored steps that are off the plan back in the week the file names for them,
        where that week exists, so they show where they did before."""
        placed = self.new_archived.get(path.pk, [])
        if not placed:
            return
        weeks = {str(phase): phase for phase in Phase.objects.filter(path=path)}
        moved = []
        for step, file_slug in placed:
            week = weeks.get(hints.get((file_slug, step.slug), ""))
            if week is not None and week.pk != step.phase_id:
                step.phase = week
                moved.append(step)
        Step.objects.bulk_update(moved, ["phase"])


def _new_step(
    path: Path,
    holding: Phase,
    data: PersonalStep,
    position: int,
    papers: dict[str, Paper],
    *,
    off_plan: bool,
) -> Step:
    """A step restored from the file (not yet saved), off the plan if the file had it so or
    the path keeps its own plan."""
    linked = [slug for slug in data.papers if slug in papers]
    return Step(
        path=path,
        phase=holding,
        slug=data.slug,
        position=position,
        title=data.title,
        body=data.body,
        key_takeaway=data.key_takeaway,
        reason=data.reason,
        archived=data.archived or off_plan,
        # Without its paper here, the step keeps a key of its own in the plan.
        plan_key=(linked[0] if linked else data.key or f"step:{data.slug}")[:90],
    )
