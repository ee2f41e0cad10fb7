"""A learner record taken elsewhere: into a database without the learner, onto a server
without some papers, and back over a plan that changed since the file was made."""

import copy

import pytest

from learning import services
from learning.builder import SavedPlan, saved_order
from learning.models import Enrollment, Path, Step, StepProgress
from learning.record import learner_import

from .learner_record_support import exported, learner_with_everything, normalised
from .test_builder import BUILDER
from .test_builder import plan as builder_plan
from .test_builder import save as builder_save

pytestmark = pytest.mark.usefixtures("roadmap")  # personal paths come from the seed's library


@pytest.fixture
def learner(make_user, client_for):
    return learner_with_everything(make_user, client_for)


def test_round_trip_through_a_database_without_the_learner(learner, make_user):
    """Export, delete the account (nothing of the learner is left), import into a new one:
    every status, note, tick, personal path and event comes back."""
    document = exported(learner)
    services.account_delete(user=learner)
    assert not Path.objects.filter(owner__isnull=False).exists()
    newcomer = make_user("fresh@example.com")
    report = learner_import(user=newcomer, document=document, dry_run=False)
    assert report.not_placed == []
    mine = Path.objects.get(owner=newcomer)
    assert mine.slug == document["personal_paths"][0]["slug"]  # free again: the same link
    assert normalised(exported(newcomer)) == normalised(document)


def _without_papers(document: dict, slugs: set[str]) -> dict:
    """The document as a server without these papers' curated text would read it: the steps
    of the personal path name papers this roadmap does not have."""
    document = copy.deepcopy(document)
    for personal in document["personal_paths"]:
        for step in personal["steps"]:
            step["papers"] = [f"{s}-elsewhere" if s in slugs else s for s in step["papers"]]
    return document


def test_steps_restored_without_their_paper_keep_their_title_note_and_place(make_user, client_for):
    user = make_user("crossing@example.com")
    client = client_for(user)
    builder_plan(client, project="on")
    builder_save(client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    titles = {}
    for slug in ("rag", "lora"):
        step = Step.objects.get(path=path, slug=slug)
        titles[slug] = step.title
        services.step_note_set(enrollment=enrollment, step=step, note=f"about {slug}")
    document = _without_papers(exported(user), set(titles))

    newcomer = make_user("other-server@example.com")
    report = learner_import(user=newcomer, document=document, dry_run=False)
    assert len([n for n in report.not_placed if "-elsewhere" in n]) == 2
    mine = Path.objects.get(owner=newcomer)
    current = Step.objects.current().filter(path=mine)
    saved = SavedPlan.load(user=newcomer, path=mine)
    assert len(saved.order) == current.count()  # the builder sees every step of the path

    other = client_for(newcomer)
    other.get(BUILDER + f"?path={mine.slug}")
    assert builder_save(other).status_code == 302
    for slug, title in titles.items():
        step = Step.objects.get(path=mine, slug=slug)
        assert (step.title, step.archived) == (title, False)
        assert StepProgress.objects.get(user=newcomer, step=step).note == f"about {slug}"
    assert Step.objects.filter(path=mine, title="Project work").count() == 1


def test_an_older_file_never_changes_the_plan_the_learner_has_now(user, client_for):
    client = client_for(user)
    builder_plan(client)
    builder_save(client)
    path = Path.objects.get(owner=user)
    old = exported(user)
    client.get(BUILDER + f"?path={path.slug}")
    client.post(BUILDER, {"action": "remove", "key": "stable-diffusion"})
    client.post(BUILDER, {"action": "down", "key": "rag"})
    builder_save(client)
    plan_now = saved_order(path)
    edits_now = Path.objects.get(pk=path.pk).builder_edits

    report = learner_import(user=user, document=old, dry_run=False)
    assert saved_order(path) == plan_now
    assert Path.objects.get(pk=path.pk).builder_edits == edits_now
    gone = Step.objects.get(path=path, slug="stable-diffusion")
    assert gone.archived  # the file's step waits, off the plan, for the learner to decide
    assert any("keeps its own plan" in note for note in report.notes)
    html = client.get(path.get_absolute_url()).content.decode()
    assert "Removed from your plan" in html
