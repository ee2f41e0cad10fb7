"""A model-based test of durability: random interleavings of what learners and curators do never
lose or contradict a status or note the learner set, and the learner's record survives export
and import into a new account.

Hypothesis drives a state machine through
- learner actions: start a path (curated or personal, again after leaving), set a status, write
  a note, change depth and pace, leave, start again; build a plan, re-plan it, edit it and save
  it twice; save a page left open from earlier; put a removed step back; import their own
  record into their account;
- curator actions: reorder steps, rename one, move one to another phase, archive and restore,
  unpublish and publish a paper, change a paper's hours.
After every action it checks that each status and note the learner set is still there: on the
path page's data for a current step, in the export for one off the path. At the end of every
example it checks that the builder sees every step of the learner's personal path and agrees
with the path page on hours, weeks and the finish date, then exports the record, imports it
into a new account and compares that account's export with the first.

In CI (CI set) the examples are the same every run; elsewhere each run draws new ones.
"""

import contextlib
import itertools
import os
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import Phase as HypothesisPhase
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from core.models import PublicationStatus
from learning import builder, selectors, services
from learning.drafts import draft_edit, draft_replan
from learning.library import load_library
from learning.models import Enrollment, Path, Phase, Step, StepProgress, StepStatus
from learning.planner import PlanError, make_plan
from learning.record import learner_export, learner_import
from learning.saved_plans import SavedPlan, draft_for_path, draft_new, saved_order
from papers.models import Paper

from .durability_support import (
    CURATED,
    PAPERS,
    answers,
    depths,
    edits,
    indexes,
    normalise,
    notes,
    paces,
    pristine_library,
    statuses,
)

EXAMPLES = int(os.environ.get("DURABILITY_EXAMPLES", 200))
STEPS_PER_EXAMPLE = 8
RUNS = {"examples": 0, "actions": 0, "checks": 0, "saves": 0, "old pages": 0, "round trips": 0}
_emails = itertools.count()


class Durability(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.user = get_user_model().objects.create_user(email=f"model{next(_emails)}@ex.com")
        self.library = pristine_library()
        self.expected: dict[int, tuple[str, str]] = {}  # step id → (status, note) as set
        self.pages: list = []  # builder drafts the learner was shown, as pages left open
        RUNS["examples"] += 1

    def teardown(self):
        try:
            self._builder_agrees_with_the_path_page()
            self._round_trip()
        finally:
            transaction.savepoint_rollback(self.savepoint)

    # --- Learner: following paths ---------------------------------------------------------

    @initialize(slug=st.sampled_from(CURATED), depth=depths)
    def start_a_curated_path(self, slug, depth):
        services.enrollment_create(user=self.user, path=Path.objects.get(slug=slug), depth=depth)

    def _paths(self) -> list[Path]:
        """The curated paths of the model and the learner's personal paths."""
        return list(Path.objects.filter(slug__in=CURATED) | Path.objects.filter(owner=self.user))

    @rule(index=indexes, depth=depths, pace=st.one_of(st.none(), paces))
    def start_again_or_anew(self, index, depth, pace):
        paths = sorted(self._paths(), key=lambda p: p.pk)
        path = paths[index % len(paths)]
        enrollment = Enrollment.objects.filter(user=self.user, path=path).first()
        if enrollment is None:
            services.enrollment_create(user=self.user, path=path, depth=depth, hours_per_week=pace)
            return
        services.enrollment_restart(enrollment=enrollment)
        current = set(Step.objects.current().filter(path=path).values_list("pk", flat=True))
        for step_id, (_, note) in list(self.expected.items()):
            if step_id in current:
                self.expected[step_id] = (StepStatus.NOT_STARTED, note)

    def _enrollment(self, index):
        enrollments = list(Enrollment.objects.filter(user=self.user).order_by("pk"))
        return enrollments[index % len(enrollments)] if enrollments else None

    @rule(index=indexes)
    def leave_a_path(self, index):
        if enrollment := self._enrollment(index):
            services.enrollment_leave(enrollment=enrollment)

    @rule(index=indexes, depth=depths, pace=st.one_of(st.none(), paces))
    def change_depth_and_pace(self, index, depth, pace):
        if enrollment := self._enrollment(index):
            enrollment = Enrollment.objects.select_related("path").get(pk=enrollment.pk)
            services.enrollment_update(enrollment=enrollment, depth=depth, hours_per_week=pace)

    def _enrolled_steps(self):
        return list(
            Step.objects.current()
            .filter(path__enrollments__user=self.user)
            .select_related("path")
            .order_by("path__slug", "pk")
        )

    @rule(index=indexes, status=statuses)
    def set_a_status(self, index, status):
        steps = self._enrolled_steps()
        if not steps:
            return
        step = steps[index % len(steps)]
        enrollment = Enrollment.objects.get(user=self.user, path=step.path)
        services.step_progress_set(enrollment=enrollment, step=step, status=status)
        self.expected[step.pk] = (status, self.expected.get(step.pk, ("", ""))[1])

    @rule(index=indexes, note=notes)
    def write_a_note(self, index, note):
        steps = self._enrolled_steps()
        if not steps:
            return
        step = steps[index % len(steps)]
        enrollment = Enrollment.objects.get(user=self.user, path=step.path)
        services.step_note_set(enrollment=enrollment, step=step, note=note)
        status = self.expected.get(step.pk, (StepStatus.NOT_STARTED, ""))[0]
        self.expected[step.pk] = (status, note)

    @rule()
    def import_their_own_record(self):
        before = self._snapshot()
        learner_import(user=self.user, document=learner_export(user=self.user), dry_run=False)
        assert self._snapshot() == before, "importing one's own record changes nothing"

    # --- Learner: the builder -------------------------------------------------------------

    def _own_path(self):
        return Path.objects.filter(owner=self.user).order_by("pk").first()

    def _edit(self, draft, edits):
        """The learner's edits in the builder: up, down, remove (a step) or add (a paper)."""
        path = Path.objects.filter(owner=self.user, slug=draft.path).first()
        library = SavedPlan.load(user=self.user, path=path).library(self.library)
        for action, index, paper in edits:
            if not draft.order:
                break
            value = paper if action == "add" else draft.order[index % len(draft.order)]
            with contextlib.suppress(PlanError):
                draft = draft_edit(library, draft, action, value)
        return draft

    def _save(self, draft, confirm):
        """Press Save; a refused save changes nothing. Returns (path, saved now) or None."""
        before = self._snapshot()
        confirmed = ()
        if confirm and draft.path:
            path = Path.objects.get(owner=self.user, slug=draft.path)
            saved = SavedPlan.load(user=self.user, path=path)
            changes = saved.changes(draft.order, saved.library(self.library))
            confirmed = [c.key for c in changes.removed_with_progress]
        try:
            return builder.personal_path_save(
                user=self.user, draft=draft, library=self.library, confirm_removals=confirmed
            )
        except PlanError:  # removals not confirmed, an out-of-date page, an empty plan
            assert self._snapshot() == before, "a refused save changed nothing"
            return None

    def _save_twice(self, draft, confirm):
        self.pages.append(draft)
        first = self._save(draft, confirm)
        if first is None:
            return
        again = self._save(draft, confirm)  # a double click
        assert again is not None
        assert (again[0].pk, first[1], again[1]) == (first[0].pk, True, False)
        RUNS["saves"] += 1

    @rule(answers=answers, edits=edits, confirm=st.booleans())
    def build_edit_and_save_a_plan(self, answers, edits, confirm):
        self._save_twice(self._edit(draft_new(self.library, answers), edits), confirm)

    @rule(answers=answers, edits=edits, confirm=st.booleans())
    def replan_edit_and_save(self, answers, edits, confirm):
        path = self._own_path()
        if path is None:
            return
        saved = SavedPlan.load(user=self.user, path=path)
        draft = draft_for_path(user=self.user, path=path)
        draft = draft_replan(saved.library(self.library), draft, answers, kept=saved.kept)
        self._save_twice(self._edit(draft, edits), confirm)

    @rule(index=indexes, confirm=st.booleans())
    def save_a_page_left_open(self, index, confirm):
        """Save a plan shown earlier: it finds the path it was saved into, or a re-plan drafted
        before the path changed is refused; never a second path for a saved draft."""
        if not self.pages:
            return
        page = self.pages[index % len(self.pages)]
        already = builder.saved_path_for(user=self.user, token=page.token)
        paths_before = Path.objects.filter(owner=self.user).count()
        result = self._save(page, confirm)
        if already is not None:
            assert result is not None
            assert (result[0].pk, result[1]) == (already.pk, False)
        elif page.path and result is not None:
            assert result[1]
        expected_paths = paths_before + (1 if result and result[1] and not page.path else 0)
        assert Path.objects.filter(owner=self.user).count() == expected_paths
        RUNS["old pages"] += 1

    @rule(index=indexes)
    def put_a_removed_step_back(self, index):
        steps = list(Step.objects.filter(path__owner=self.user, archived=True).order_by("pk"))
        if steps:
            builder.personal_path_step_restore(user=self.user, step=steps[index % len(steps)])

    # --- Curators -------------------------------------------------------------------------

    def _curated_steps(self):
        return list(Step.objects.filter(path__slug__in=CURATED).order_by("pk"))

    @rule(first=indexes, second=indexes)
    def curator_reorders(self, first, second):
        steps = [s for s in self._curated_steps() if not s.archived]
        a, b = steps[first % len(steps)], steps[second % len(steps)]
        if a.phase_id == b.phase_id:
            Step.objects.filter(pk=a.pk).update(position=b.position)
            Step.objects.filter(pk=b.pk).update(position=a.position)

    @rule(index=indexes)
    def curator_renames(self, index):
        steps = self._curated_steps()
        step = steps[index % len(steps)]
        step.title = (step.title + " (revised)")[:200]
        step.save()

    @rule(index=indexes, phase=indexes)
    def curator_moves_a_step_to_another_phase(self, index, phase):
        steps = self._curated_steps()
        step = steps[index % len(steps)]
        phases = list(Phase.objects.filter(path_id=step.path_id).order_by("pk"))
        step.phase = phases[phase % len(phases)]
        step.save()

    @rule(index=indexes, archived=st.booleans())
    def curator_archives_or_restores(self, index, archived):
        steps = self._curated_steps()
        services.steps_set_archived(steps=[steps[index % len(steps)]], archived=archived)

    @rule(slug=st.sampled_from(PAPERS), published=st.booleans())
    def curator_publishes_or_unpublishes_a_paper(self, slug, published):
        status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
        Paper.objects.filter(slug=slug).update(status=status)
        self.library = load_library()

    @rule(slug=st.sampled_from(PAPERS), quarters=st.integers(min_value=1, max_value=80))
    def curator_changes_a_papers_hours(self, slug, quarters):
        Paper.objects.filter(slug=slug).update(hours_thorough=Decimal(quarters) / 4)
        self.library = load_library()

    # --- What must always hold ------------------------------------------------------------

    def _snapshot(self):
        progress = sorted(
            StepProgress.objects.filter(user=self.user).values_list(
                "step_id", "status", "note", "step__archived", "step__path_id"
            )
        )
        plans = {p.pk: saved_order(p) for p in Path.objects.filter(owner=self.user)}
        return progress, plans

    @invariant()
    def every_status_and_note_is_still_there(self):
        RUNS["actions"] += 1
        if not self.expected:
            return
        steps = list(Step.objects.filter(pk__in=self.expected).select_related("path"))
        assert len(steps) == len(self.expected), "no step with the learner's record is deleted"
        on_pages = {}
        for path in {step.path for step in steps if not step.archived}:
            try:
                outline = selectors.path_outline(slug=path.slug, user=self.user)
            except Path.DoesNotExist:
                continue  # a curated path the learner left, taken back to draft: export only
            state = selectors.learner_path(path=outline, user=self.user).state
            for phase in state.phases:
                for shown in phase.steps:
                    on_pages[shown.step.pk] = (shown.status, shown.note)
        exported = {}
        if any(step.pk not in on_pages for step in steps):  # off the path: in the export
            exported = {
                (row["path"], row["step"]): (row["status"], row["note"])
                for row in learner_export(user=self.user)["progress"]
            }
        for step in steps:
            wanted = self.expected[step.pk]
            if step.pk in on_pages:
                assert on_pages[step.pk] == wanted, step
            else:
                assert exported[(step.path.slug, step.slug)] == wanted, step
            RUNS["checks"] += 1

    def _builder_agrees_with_the_path_page(self):
        """The builder sees every step of the personal path, and both say the same about the
        hours left, the weeks and the finish date."""
        path = self._own_path()
        if path is None:
            return
        saved = SavedPlan.load(user=self.user, path=path)
        current = Step.objects.current().filter(path=path).count()
        assert len(saved.order) == current, "the builder sees every step of the path"
        outline = selectors.path_outline(slug=path.slug, user=self.user)
        page = selectors.learner_path(path=outline, user=self.user)
        if page.enrollment is None:
            return
        draft = draft_for_path(user=self.user, path=path)
        library = saved.library(self.library)
        plan = make_plan(
            library,
            draft.answers,
            order=draft.order,
            finished=saved.finished,
            start=page.state.remaining.start,
        )
        left = page.state.remaining
        assert (plan.remaining.total_hours, plan.remaining.week_count, plan.remaining.finish) == (
            left.total_hours,
            left.week_count,
            left.finish,
        )

    def _round_trip(self):
        """Export, import into a new account: the same record comes back."""
        document = learner_export(user=self.user)
        newcomer = get_user_model().objects.create_user(email=f"model{next(_emails)}@ex.com")
        learner_import(user=newcomer, document=document, dry_run=False)
        assert normalise(learner_export(user=newcomer)) == normalise(document)
        RUNS["round trips"] += 1


# Not traced for coverage (pytest-cov's no_cover): tracing doubles its time, and everything it
# runs is covered by the tests of each feature.
@pytest.mark.no_cover
@pytest.mark.usefixtures("roadmap")
def test_nothing_a_learner_does_is_lost_or_contradicted(capsys):
    runner = Durability.TestCase()
    runner.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS_PER_EXAMPLE,
        deadline=None,
        derandomize=bool(os.environ.get("CI")),
        database=None,
        phases=[HypothesisPhase.generate, HypothesisPhase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    runner.runTest()
    with capsys.disabled():
        print(
            f"\n  durability model: {RUNS['examples']} examples, {RUNS['actions']} actions, "
            f"{RUNS['saves']} plans saved twice, {RUNS['old pages']} old pages saved, "
            f"{RUNS['checks']} record checks, {RUNS['round trips']} export/import round trips; "
            "every invariant held"
        )
    assert RUNS["examples"] >= EXAMPLES
    assert RUNS["round trips"] >= EXAMPLES
