"""A personal plan never loses or contradicts the learner's work: re-plans merge, edits are local,
saves are idempotent, sign-up keeps the plan, removed steps keep their record and come back."""

import pytest
from django.test import Client
from django.urls import reverse

from learning import services
from learning.drafts import draft_edit, draft_replan
from learning.library import load_library
from learning.models import Enrollment, Path, Step, StepProgress, StepStatus
from learning.planner import Answers, merge_order
from learning.saved_plans import draft_new, saved_order

from .test_builder import BUILDER, plan, plan_keys, save

pytestmark = pytest.mark.usefixtures("roadmap")

TRANSFORMERS = "attention-is-all-you-need"


def path_keys(path: Path) -> list[str]:
    """The planner keys of a saved path's current steps, in the order the path shows them."""
    return saved_order(path)


def progress_of(user, path, slug) -> StepProgress:
    return StepProgress.objects.get(user=user, step__path=path, step__slug=slug)


# --- Scenario 1: re-planning keeps the learner's edits and work ---------------------------------


def test_replanning_with_unchanged_answers_keeps_an_added_paper_and_a_removal(auth_client, user):
    plan(auth_client, known=[TRANSFORMERS])
    assert TRANSFORMERS not in plan_keys(auth_client)
    auth_client.post(BUILDER, {"action": "add", "paper": TRANSFORMERS})
    auth_client.post(BUILDER, {"action": "remove", "key": "stable-diffusion"})
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    transformers = Step.objects.get(path=path, slug=TRANSFORMERS)
    services.step_progress_set(enrollment=enrollment, step=transformers, status="in_progress")
    before = path_keys(path)

    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, known=[TRANSFORMERS])  # "Plan my path" with the same answers
    assert plan_keys(auth_client) == before
    page = auth_client.get(BUILDER).content.decode()
    assert "Nothing changes: your path already matches this plan." in page
    assert save(auth_client).status_code == 302

    path.refresh_from_db()
    assert path_keys(path) == before
    assert "stable-diffusion" not in path_keys(path)
    assert progress_of(user, path, TRANSFORMERS).status == StepStatus.IN_PROGRESS
    assert not Step.objects.get(pk=transformers.pk).archived
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert 'id="step-attention-is-all-you-need"' in html
    assert "Removed from your plan" not in html


def test_changing_answers_merges_and_keeps_worked_on_steps_and_the_learners_order(
    auth_client, user
):
    plan(auth_client, interests=["vision", "efficiency"])
    auth_client.post(BUILDER, {"action": "down", "key": "rag"})  # the learner's own order
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    clip = Step.objects.get(path=path, slug="clip")
    services.step_note_set(enrollment=enrollment, step=clip, note="contrastive!")
    before = path_keys(path)

    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, interests=["language"])  # drop Vision and Efficiency, add Language
    after = plan_keys(auth_client)
    assert "clip" in after  # the learner wrote a note on it: it stays
    assert "vision-transformer" in after  # CLIP needs it
    assert "bert" in after  # the new interest
    kept = [k for k in after if k in before]
    assert kept == [k for k in before if k in kept]  # the learner's order is untouched
    page = auth_client.get(BUILDER).content.decode()
    assert "<strong>Added:</strong> BERT" in page
    assert "<strong>Removed:</strong> Stable Diffusion" in page
    save(auth_client)
    assert progress_of(user, path, "clip").note == "contrastive!"
    assert not Step.objects.get(pk=clip.pk).archived


def test_removing_a_worked_on_step_needs_confirmation_and_keeps_its_record_to_restore(
    auth_client, user
):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    rag = Step.objects.get(path=path, slug="rag")
    services.step_progress_set(enrollment=enrollment, step=rag, status="done")
    services.step_note_set(enrollment=enrollment, step=rag, note="retrieval first")

    auth_client.get(BUILDER + f"?path={path.slug}")
    auth_client.post(BUILDER, {"action": "remove", "key": "rag"})
    page = auth_client.get(BUILDER).content.decode()
    assert "<strong>Removed:</strong> RAG" in page
    assert "you marked it Done and wrote a note" in page
    refused = save(auth_client)
    assert refused.status_code == 400
    assert "tick the box to confirm" in refused.content.decode()
    assert "rag" in path_keys(path)

    assert save(auth_client, confirm="yes").status_code == 302
    assert "rag" not in path_keys(path)
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert "Removed from your plan" in html
    assert "retrieval first" in html
    export = auth_client.get(reverse("account_export_json")).json()
    assert any(p["step"] == "rag" and p["note"] == "retrieval first" for p in export["progress"])

    restore = reverse("learning:personal_step_restore", args=[path.slug, rag.pk])
    assert auth_client.post(restore).status_code == 302
    assert auth_client.post(restore).status_code == 302  # twice: still one step, no error
    keys = path_keys(path)
    assert keys.count("rag") == 1
    assert keys.index("rag") == keys.index(TRANSFORMERS) + 1  # earliest place it may go
    record = progress_of(user, path, "rag")
    assert (record.status, record.note) == (StepStatus.DONE, "retrieval first")
    assert "Removed from your plan" not in auth_client.get(path.get_absolute_url()).content.decode()

    auth_client.get(BUILDER + f"?path={path.slug}")  # a later re-plan keeps it
    plan(auth_client)
    assert "rag" in plan_keys(auth_client)


def test_only_the_owner_can_put_a_step_back(auth_client, user, other_user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    step = Step.objects.get(path=path, slug="rag")
    Step.objects.filter(pk=step.pk).update(archived=True)
    intruder = Client()
    intruder.force_login(other_user)
    restore = reverse("learning:personal_step_restore", args=[path.slug, step.pk])
    assert intruder.post(restore).status_code == 404
    assert Step.objects.get(pk=step.pk).archived


# --- Scenario 2: edits are local -------------------------------------------------------------


def test_adding_a_paper_moves_nothing_else(auth_client, user):
    plan(auth_client, known=[TRANSFORMERS])
    keys = plan_keys(auth_client)
    while keys.index("rag") < keys.index("lora"):  # move RAG below LoRA
        auth_client.post(BUILDER, {"action": "down", "key": "rag"})
        keys = plan_keys(auth_client)
    auth_client.post(BUILDER, {"action": "add", "paper": TRANSFORMERS})
    after = plan_keys(auth_client)
    assert after[0] == TRANSFORMERS  # it needs nothing: the earliest place is the first
    assert after[1:] == keys  # and nothing else moved
    save(auth_client)
    assert path_keys(Path.objects.get(owner=user)) == after


def test_merge_and_edits_keep_order_valid_and_are_idempotent(roadmap):
    library = load_library()
    answers = Answers(background="engineer", interests=("vision",), hours_per_week=4)
    draft = draft_new(library, answers)
    draft = draft_edit(library, draft, "remove", "stable-diffusion")
    draft = draft_edit(library, draft, "down", "rag")
    same = draft_replan(library, draft, answers)
    assert same.order == draft.order  # re-planning with the same answers is a fixed point
    merged = merge_order(
        library, answers, previous=draft.order, removed=draft.removed, reordered=True
    )
    assert merged == draft.order


# --- Start again keeps what is not on the path -------------------------------------------------


def test_start_again_leaves_removed_steps_and_the_start_date_alone(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    started = enrollment.started_at
    rag = Step.objects.get(path=path, slug="rag")
    services.step_progress_set(enrollment=enrollment, step=rag, status="done")
    auth_client.get(BUILDER + f"?path={path.slug}")
    auth_client.post(BUILDER, {"action": "remove", "key": "rag"})
    save(auth_client, confirm="yes")
    services.enrollment_restart(enrollment=Enrollment.objects.get(pk=enrollment.pk))
    assert progress_of(user, path, "rag").status == StepStatus.DONE
    assert Enrollment.objects.get(pk=enrollment.pk).started_at == started
