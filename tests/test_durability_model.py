"""A model-based test of durability: random interleavings of what learners and curators do never
lose or contradict a status or note the learner set, and the learner's record survives export
and import into a new account.

Hypothesis drives a state machine through learner actions (start, set a status, write a note,
build, edit, re-plan, save twice, put a removed step back, leave, start again) and curator
actions (reorder, rename, move a step to another phase, archive, restore, unpublish and
publish a paper). After every action it checks that each status and note the learner set is
still there: on the path page's data for a current step, in the export for an archived one.
At the end of every example the record is exported and imported into a new account: the new
account's export must equal the first one.
"""

import contextlib
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import Phase as HypothesisPhase
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from learning import builder, selectors, services
from learning.models import Enrollment, Path, Phase, Step, StepProgress, StepStatus
from learning.planner import Answers, PlanError, draft_edit, draft_replan
from learning.record import learner_export, learner_import
from papers.models import Paper, PublicationStatus

EXAMPLES = int(__import__("os").environ.get("DURABILITY_EXAMPLES", 200))
STEPS_PER_EXAMPLE = 8
RUNS = {"examples": 0, "actions": 0, "checks": 0, "saves": 0, "round trips": 0}
_emails = itertools.count()

statuses = st.sampled_from(StepStatus.values)
notes = st.sampled_from(["", "why?", "**key** idea", "re-read §3", "x" * 40])
indexes = st.integers(min_value=0, max_value=50)
CURATED = ("ai-product-manager", "software-engineer")
PAPERS = ("clip", "rag", "lora", "bert", "chain-of-thought")


edits = st.lists(
    st.tuples(st.sampled_from(["up", "down", "remove", "add"]), indexes, st.sampled_from(PAPERS)),
    max_size=4,
)
answers = st.builds(
    Answers,
    background=st.sampled_from(["beginner", "engineer", "researcher"]),
    interests=st.lists(st.sampled_from(["vision", "language", "efficiency"]), unique=True).map(
        tuple
    ),
    depth=st.sampled_from(["quick", "thorough", "deep"]),
    hours_per_week=st.integers(min_value=1, max_value=12),
    known=st.lists(st.sampled_from(PAPERS), unique=True, max_size=2).map(frozenset),
    project=st.booleans(),
)


_library_cache = []


def _pristine_library():
    """The library as the seed has it: every example starts from the same rolled-back data."""
    if not _library_cache:
        _library_cache.append(builder.load_library())
    return _library_cache[0]


def normalise(document: dict) -> dict:
    """A learner record without what an import cannot keep: when it was exported, the account
    itself, and the personal paths' slugs (a new account's paths get new ones)."""
    document = {k: v for k, v in document.items() if k not in ("exported_at", "account")}
    slugs = {p["slug"]: f"personal-{i}" for i, p in enumerate(document.get("personal_paths", []))}

    def rename(value):
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return slugs.get(value, value) if isinstance(value, str) else value

    return rename(document)


class Durability(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.user = get_user_model().objects.create_user(
            email=f"model{next(_emails)}@example.com", password="x" * 12
        )
        self.library = _pristine_library()
        self.expected: dict[int, tuple[str, str]] = {}  # step id → (status, note) as set
        RUNS["examples"] += 1

    def teardown(self):
        try:
            self._round_trip()
        finally:
            transaction.savepoint_rollback(self.savepoint)

    # --- Learner: curated paths -----------------------------------------------------------

    @initialize(slug=st.sampled_from(CURATED), depth=st.sampled_from(["quick", "deep"]))
    def start_a_curated_path(self, slug, depth):
        services.enrollment_create(user=self.user, path=Path.objects.get(slug=slug), depth=depth)

    @rule(slug=st.sampled_from(CURATED))
    def start_again_or_anew(self, slug):
        path = Path.objects.get(slug=slug)
        enrollment = Enrollment.objects.filter(user=self.user, path=path).first()
        if enrollment is None:
            services.enrollment_create(user=self.user, path=path, depth="thorough")
            return
        services.enrollment_restart(enrollment=enrollment)
        for step_id, (_, note) in list(self.expected.items()):
            if Step.objects.filter(pk=step_id, path=path).exists():
                self.expected[step_id] = (StepStatus.NOT_STARTED, note)

    @rule(index=indexes)
    def leave_a_path(self, index):
        enrollments = list(Enrollment.objects.filter(user=self.user).order_by("pk"))
        if enrollments:
            services.enrollment_leave(enrollment=enrollments[index % len(enrollments)])

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

    # --- Learner: the builder -------------------------------------------------------------

    def _own_path(self):
        return Path.objects.filter(owner=self.user).order_by("pk").first()

    def _edit(self, draft, edits):
        """The learner's edits in the builder: up, down, remove (a step) or add (a paper)."""
        path = Path.objects.filter(owner=self.user, slug=draft.path).first()
        library = builder.SavedPlan.load(user=self.user, path=path).library(self.library)
        for action, index, paper in edits:
            if not draft.order:
                break
            value = paper if action == "add" else draft.order[index % len(draft.order)]
            with contextlib.suppress(PlanError):
                draft = draft_edit(library, draft, action, value)
        return draft

    def _save_twice(self, draft, confirm):
        """Save (a double click): one path, and a refused save changes nothing."""
        before = self._snapshot()
        try:
            first, created = builder.personal_path_save(
                user=self.user, draft=draft, library=self.library, confirm_removals=confirm
            )
        except builder.RemovalNeedsConfirmation:
            assert not confirm
            assert self._snapshot() == before, "a refused save changed nothing"
            return
        except PlanError:
            assert self._snapshot() == before
            return
        again, created_again = builder.personal_path_save(
            user=self.user, draft=draft, library=self.library, confirm_removals=confirm
        )
        assert (again.pk, created, created_again) == (first.pk, True, False)
        RUNS["saves"] += 1

    @rule(answers=answers, edits=edits, confirm=st.booleans())
    def build_edit_and_save_a_plan(self, answers, edits, confirm):
        self._save_twice(self._edit(builder.draft_new(self.library, answers), edits), confirm)

    @rule(answers=answers, edits=edits, confirm=st.booleans())
    def replan_edit_and_save(self, answers, edits, confirm):
        path = self._own_path()
        if path is None:
            return
        saved = builder.SavedPlan.load(user=self.user, path=path)
        draft = builder.draft_for_path(user=self.user, path=path)
        draft = draft_replan(saved.library(self.library), draft, answers, kept=saved.kept)
        self._save_twice(self._edit(draft, edits), confirm)

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
        self.library = builder.load_library()

    # --- What must always hold ------------------------------------------------------------

    def _snapshot(self):
        return sorted(
            StepProgress.objects.filter(user=self.user).values_list(
                "step_id", "status", "note", "step__archived", "step__path_id"
            )
        )

    @invariant()
    def every_status_and_note_is_still_there(self):
        RUNS["actions"] += 1
        if not self.expected:
            return
        steps = list(Step.objects.filter(pk__in=self.expected).select_related("path"))
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
        elsewhere = [step for step in steps if step.pk not in on_pages]
        exported = {}
        if elsewhere:  # archived steps (or paths no longer shown): the export holds them
            exported = {
                (row["path"], row["step"]): (row["status"], row["note"])
                for row in learner_export(user=self.user)["progress"]
            }
        assert len(steps) == len(self.expected), "no step with the learner's record is deleted"
        for step in steps:
            wanted = self.expected[step.pk]
            if step.pk in on_pages:
                assert on_pages[step.pk] == wanted, step
            else:
                assert exported[(step.path.slug, step.slug)] == wanted, step
            RUNS["checks"] += 1

    def _round_trip(self):
        """Export, import into a new account: the same record comes back."""
        document = learner_export(user=self.user)
        newcomer = get_user_model().objects.create_user(
            email=f"model{next(_emails)}@example.com", password="x" * 12
        )
        learner_import(user=newcomer, document=document, dry_run=False)
        assert normalise(learner_export(user=newcomer)) == normalise(document)
        RUNS["round trips"] += 1


@pytest.mark.usefixtures("roadmap")
def test_nothing_a_learner_does_is_lost_or_contradicted(capsys):
    runner = Durability.TestCase()
    runner.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS_PER_EXAMPLE,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[HypothesisPhase.generate, HypothesisPhase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    runner.runTest()
    with capsys.disabled():
        print(
            f"\n  durability model: {RUNS['examples']} examples, {RUNS['actions']} actions, "
            f"{RUNS['saves']} plans saved twice, {RUNS['checks']} record checks, "
            f"{RUNS['round trips']} export/import round trips, "
            "0 violations"
        )
    assert RUNS["examples"] >= EXAMPLES
    assert RUNS["round trips"] >= EXAMPLES
