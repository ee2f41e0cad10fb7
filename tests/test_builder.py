"""The builder pages: planning, editing, saving, re-planning, privacy and bad input."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from learning import services
from learning.models import Enrollment, Path, Step, StepProgress, StepStatus

from .signup_support import sign_up_and_log_in

pytestmark = pytest.mark.usefixtures("roadmap")

BUILDER = "/builder/"
ENGINEER_VISION = {
    "action": "plan",
    "background": "engineer",
    "interests": ["vision"],
    "depth": "thorough",
    "hours_per_week": "5",
}


def plan(client, **overrides):
    return client.post(BUILDER, {**ENGINEER_VISION, **overrides})


def plan_keys(client) -> list[str]:
    html = client.get(BUILDER).content.decode()
    return re.findall(r'<li class="plan-step" id="plan-([a-z0-9-]+)">', html)


def save_form(client) -> dict:
    """The Save form's hidden fields: the plan on the page (signed, with its draft's token) and
    the steps with progress whose removal the confirmation box would confirm."""
    html = client.get(BUILDER).content.decode()
    return {
        "plan": re.search(r'name="plan" value="([^"]+)"', html).group(1),
        "confirm_key": re.findall(r'name="confirm_key" value="([^"]+)"', html),
    }


def save_token(client) -> str:
    return save_form(client)["plan"]


def save(client, **extra):
    """Press Save on the builder page as it is now (tick the box with confirm="yes")."""
    return client.post(BUILDER, {"action": "save", **save_form(client), **extra})


def test_builder_works_for_anyone_with_defaults(client):
    response = client.get(BUILDER)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your background" in html
    assert "Your plan" in html
    assert "Save and start this path" in html


def test_the_plan_shows_weeks_hours_finish_date_and_reasons(client):
    plan(client)
    html = client.get(BUILDER).content.decode()
    assert "Week 1" in html
    assert " h at Thorough" in html
    assert "finish around" in html
    assert "Why: you chose Vision; needed before Stable Diffusion" in html
    keys = plan_keys(client)
    assert keys[0] == "attention-is-all-you-need"
    assert keys.index("vision-transformer") < keys.index("clip")


def test_remove_move_and_add_update_the_plan(client):
    plan(client)
    keys = plan_keys(client)
    client.post(BUILDER, {"action": "remove", "key": "rag"})
    assert "rag" not in plan_keys(client)
    before = plan_keys(client).index("lora")
    client.post(BUILDER, {"action": "up", "key": "lora"})
    assert plan_keys(client).index("lora") == before - 1
    before = plan_keys(client)
    client.post(BUILDER, {"action": "add", "paper": "bert"})
    after = plan_keys(client)
    assert after.index("bert") == after.index("attention-is-all-you-need") + 1  # earliest place
    assert [k for k in after if k != "bert"] == before  # nothing else moves
    assert len(after) == len(keys)


def test_a_move_before_a_prerequisite_is_refused_with_the_reason(client):
    plan(client)
    keys = plan_keys(client)
    response = client.post(BUILDER, {"action": "up", "key": keys[1]})  # ViT before Transformers
    assert response.status_code == 400
    assert "Vision Transformer needs Transformers first." in response.content.decode()
    assert plan_keys(client) == keys


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "add", "paper": "no-such-paper"}, "There is no such paper."),
        ({"action": "remove", "key": "no-such-step"}, "That step is not in your plan."),
        ({"action": "sideways", "key": "clip"}, "Unknown action."),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(client, data, message):
    plan(client)
    keys = plan_keys(client)
    response = client.post(BUILDER, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert plan_keys(client) == keys


@pytest.mark.parametrize(
    "overrides",
    [
        {"hours_per_week": "-5"},
        {"hours_per_week": "100000"},
        {"hours_per_week": "many"},
        {"background": "astronaut"},
        {"interests": ["vision", "cooking"]},
        {"known": [f"paper-{i}" for i in range(500)]},
        {"depth": "bottomless"},
    ],
)
def test_bad_answers_are_form_errors_and_change_nothing(client, overrides):
    plan(client)
    keys = plan_keys(client)
    response = plan(client, **overrides)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert plan_keys(client) == keys


def test_saving_needs_an_account_and_the_plan_survives_signup(client, password):
    plan(client)
    client.post(BUILDER, {"action": "remove", "key": "rag"})
    keys = plan_keys(client)
    response = save(client)
    assert response["Location"].startswith(reverse("account_signup"))
    sign_up_and_log_in(client, "builder@example.com", password)
    assert plan_keys(client) == keys
    response = save(client)
    path = Path.objects.get(owner__email="builder@example.com")
    assert response["Location"] == path.get_absolute_url()
    assert (
        list(
            Step.objects.filter(path=path)
            .order_by("phase__position", "position")
            .values_list("slug", flat=True)
        )
        == keys
    )
    assert Enrollment.objects.filter(user=path.owner, path=path, depth="thorough").exists()


def test_saved_path_is_tracked_like_a_curated_one(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert f"0 of {Step.objects.filter(path=path).count()} steps" in html
    assert "Why it is here:" in html
    assert "Download the calendar (.ics)" in html
    assert "My path: Software Engineer + Vision" in html
    assert path.get_absolute_url() not in auth_client.get("/").content.decode()  # not in catalog
    dashboard = auth_client.get("/dashboard/").content.decode()
    assert "My path: Software Engineer + Vision" in dashboard


def test_steps_reuse_the_background_paths_text_else_the_papers_summary(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    rag = Step.objects.get(path=path, slug="rag")
    curated = Step.objects.get(path__slug="software-engineer", papers__slug="rag")
    assert rag.body == curated.body
    gans = Step.objects.get(path=path, slug="generative-adversarial-networks")
    assert gans.body.startswith(gans.papers.get().summary[:40])


def test_replanning_keeps_the_status_and_note_of_remaining_steps(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    lora = Step.objects.get(path=path, slug="lora")
    rag = Step.objects.get(path=path, slug="rag")
    services.step_progress_set(enrollment=enrollment, step=lora, status="done")
    services.step_note_set(enrollment=enrollment, step=lora, note="kept")
    services.step_progress_set(enrollment=enrollment, step=rag, status="in_progress")

    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, interests=["vision", "alignment-safety"])
    auth_client.post(BUILDER, {"action": "remove", "key": "rag"})
    refused = save(auth_client)  # RAG is In progress: removing it needs the learner's say-so
    assert refused.status_code == 400
    assert "tick the box to confirm" in refused.content.decode()
    assert not Step.objects.get(pk=rag.pk).archived
    save(auth_client, confirm="yes")

    assert Path.objects.filter(owner=user).count() == 1
    lora.refresh_from_db()
    progress = StepProgress.objects.get(user=user, step=lora)
    assert (progress.status, progress.note, lora.archived) == (StepStatus.DONE, "kept", False)
    rag.refresh_from_db()
    assert rag.archived  # left the plan, but the learner had worked on it
    assert StepProgress.objects.filter(user=user, step=rag).exists()
    assert Step.objects.filter(path=path, slug="constitutional-ai", archived=False).exists()


def test_calendar_has_one_event_per_week_and_follows_changes(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    response = auth_client.get(reverse("learning:path_calendar", args=[path.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == path.phases.count()
    assert str(events[0]["SUMMARY"]).startswith("Week 1: Transformers")
    assert "- Transformers" in str(events[0]["DESCRIPTION"])

    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, hours_per_week="20")
    save(auth_client)
    events = Calendar.from_ical(
        auth_client.get(reverse("learning:path_calendar", args=[path.slug])).content
    ).walk("VEVENT")
    assert len(events) < path.steps.count()
    assert len(events) == path.phases.filter(steps__isnull=False).distinct().count()


def test_another_user_gets_404_on_the_saved_path_its_plan_and_its_calendar(
    auth_client, user, other_user
):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    step = Step.objects.filter(path=path).first()
    intruder = Client()
    intruder.force_login(other_user)
    assert intruder.get(path.get_absolute_url()).status_code == 404
    assert intruder.get(BUILDER + f"?path={path.slug}").status_code == 404
    assert intruder.get(reverse("learning:path_calendar", args=[path.slug])).status_code == 404
    assert (
        intruder.post(
            reverse("learning:path_start", args=[path.slug]), {"depth": "quick"}
        ).status_code
        == 404
    )
    response = intruder.post(reverse("learning:step_status", args=[step.pk]), {"status": "done"})
    assert response.status_code == 404
    assert Client().get(path.get_absolute_url()).status_code == 404
    curator = type(user).objects.create_superuser(email="boss@example.com", password="x" * 12)
    staff = Client()
    staff.force_login(curator)
    assert staff.get(path.get_absolute_url()).status_code == 404  # personal means private


def test_a_forged_owner_is_ignored(client, user, other_user):
    client.force_login(other_user)
    plan(client, owner=str(user.pk))
    save(client, owner=str(user.pk), path="x")
    assert not Path.objects.filter(owner=user).exists()
    assert Path.objects.filter(owner=other_user).count() == 1


def test_builder_page_query_count_is_pinned(client, auth_client):
    def count(c):
        with CaptureQueriesContext(connection) as captured:
            assert c.get(BUILDER).status_code == 200
        return len(captured.captured_queries)

    assert count(client) == 5
    plan(client)
    assert count(client) == 6  # + the session holding the draft
    plan(auth_client)
    # + the user, and the content version: a learner's builder is then kept (core.page_cache)
    assert count(auth_client) == 8
    assert count(auth_client) == 3  # session, user, content version


def test_deleting_an_account_removes_its_personal_path_and_progress(user, password):
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    plan(client)
    save(client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    services.step_progress_set(enrollment=enrollment, step=path.steps.first(), status="done")
    client.post(reverse("account_reauthenticate"), {"password": password})
    assert client.post(reverse("account_delete"), {"confirm": "yes"}).status_code == 302
    assert not Path.objects.filter(pk=path.pk).exists()
    assert not StepProgress.objects.filter(step__path_id=path.pk).exists()


def test_a_draft_order_naming_a_paper_since_unpublished_is_cleaned(auth_client, user):
    from core.models import PublicationStatus
    from papers.models import Paper

    plan(auth_client)
    auth_client.post(BUILDER, {"action": "up", "key": "lora"})  # the draft now has an order
    assert "clip" in plan_keys(auth_client)
    Paper.objects.filter(slug="clip").update(status=PublicationStatus.DRAFT)
    assert "clip" not in plan_keys(auth_client)
    assert save(auth_client).status_code == 302
    assert not Step.objects.filter(path__owner=user, slug="clip").exists()


def test_replanning_after_a_paper_slug_was_renamed_keeps_done(auth_client, user):
    from papers.models import Paper

    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    lora_step = Step.objects.get(path=path, slug="lora")
    services.step_progress_set(enrollment=enrollment, step=lora_step, status="done")
    Paper.objects.filter(slug="lora").update(slug="low-rank-adaptation")

    auth_client.get(BUILDER + f"?path={path.slug}")
    assert "low-rank-adaptation" in plan_keys(auth_client)
    assert save(auth_client).status_code == 302
    lora_step.refresh_from_db()
    assert not lora_step.archived
    assert StepProgress.objects.get(user=user, step=lora_step).status == StepStatus.DONE

    plan(auth_client, interests=["vision", "efficiency"])  # re-plan through the questions
    assert save(auth_client).status_code == 302
    lora_step.refresh_from_db()
    assert not lora_step.archived
    assert Step.objects.filter(path=path, papers__slug="low-rank-adaptation").count() == 1


def test_personal_paths_are_hidden_from_curators_history_and_imports(auth_client, user):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    step = Step.objects.filter(path=path).first()
    curator = type(user).objects.create_user(email="cur@example.com", password="x" * 12)
    call_command("curator", "add", curator.email, stdout=__import__("io").StringIO())
    editor = Client()
    editor.force_login(curator)
    assert editor.get(f"/admin/learning/path/{path.pk}/history/").status_code == 404
    assert editor.get(f"/admin/learning/step/{step.pk}/history/").status_code == 404
    assert editor.get(f"/admin/learning/phase/{step.phase_id}/history/").status_code == 404
    assert not Path.history.filter(id=path.pk).exists()  # no history kept of private paths
    assert path.slug not in editor.get("/admin/learning/step/").content.decode()

    from learning.content import content_export, dump_document

    exported = dump_document(content_export()).replace(
        "slug: software-engineer", f"slug: {path.slug}", 1
    )
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(exported)
    with pytest.raises(CommandError, match="belongs to a learner's personal path"):
        call_command("load_content", handle.name)
    assert Path.objects.get(pk=path.pk).owner == user


def test_account_deletion_leaves_no_history_of_the_personal_path(user, password):
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    plan(client)
    save(client)
    path_id = Path.objects.get(owner=user).pk
    client.post(reverse("account_reauthenticate"), {"password": password})
    client.post(reverse("account_delete"), {"confirm": "yes"})
    assert not Path.history.filter(id=path_id).exists()
    assert not Step.history.filter(path_id=path_id).exists()
