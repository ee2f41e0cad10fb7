"""The curator workspace in the admin: who may do what, and that curators cannot hurt learners."""

import io
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core.models import PublicationStatus
from learning import services
from learning.curators import CURATORS_GROUP, curator_permission_codenames
from learning.models import Path, Step, StepProgress, StepStatus

pytestmark = pytest.mark.usefixtures("roadmap")


@pytest.fixture
def progress_on_first_step(make_user):
    learner = make_user("learner.one@example.com")
    path = Path.objects.get(slug="software-engineer")
    enrollment = services.enrollment_create(user=learner, path=path, depth="quick")[0]
    step = Step.objects.filter(path=path).order_by("phase__position", "position").first()
    services.step_progress_set(enrollment=enrollment, step=step, status="done")
    services.step_note_set(enrollment=enrollment, step=step, note="mine")
    return learner, step


def change_form_data(client, url):
    """The data a browser would post back for an admin change form, unchanged."""
    response = client.get(url)
    data = {}
    formsets = (
        response.context.get("inline_admin_formsets", [])
    )  # fmt: skip
    forms = [response.context["adminform"].form] + [
        form for formset in formsets for form in formset.formset
    ]
    for formset in formsets:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    for form in forms:
        for name, _field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = value
    return data


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("made_by", ["the migration", "made again after it was deleted"])
def test_curators_group_has_exactly_the_content_permissions(made_by):
    if made_by != "the migration":
        Group.objects.filter(name=CURATORS_GROUP).delete()
    group = services.curators_group()
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == set(curator_permission_codenames())
    assert not any(app in {"accounts", "auth", "account"} for app, _ in granted)
    assert not any("progress" in codename or "enrollment" in codename for _, codename in granted)


def test_curator_command_adds_and_removes(make_user):
    user = make_user("new.curator@example.com")
    out = io.StringIO()
    call_command("curator", "add", "NEW.curator@example.com", stdout=out)
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name=CURATORS_GROUP).exists()
    call_command("curator", "remove", user.email, stdout=out)
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()
    with pytest.raises(CommandError, match="must sign up first"):
        call_command("curator", "add", "nobody@example.com")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/papers/paper/",
        "/admin/papers/topic/",
        "/admin/papers/glossaryterm/",
        "/admin/papers/page/",
        "/admin/learning/path/",
        "/admin/learning/phase/",
        "/admin/learning/step/",
        "/admin/learning/pathsection/",
        "/admin/learning/checklist/",
        "/admin/roadmap/import/",
        "/admin/roadmap/export/",
    ],
)
def test_a_curator_can_open_every_content_page(editor, url):
    assert editor.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/auth/group/",
        "/admin/account/emailaddress/",
        "/admin/learning/stepprogress/",
        "/admin/learning/enrollment/",
    ],
)
def test_a_curator_cannot_see_users_groups_or_progress(editor, url):
    assert editor.get(url).status_code in (403, 404)


def test_a_learner_gets_no_admin_access(auth_client):
    response = auth_client.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert auth_client.get("/admin/papers/paper/").status_code == 302


def test_admin_login_is_allauths_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_personal_paths_never_appear_in_the_admin(editor, make_user):
    owner = make_user("private@example.com")
    personal = Path.objects.create(
        owner=owner, slug="my-private", title="Private", audience="Personal path",
        audience_key="beginner", goal="g", time_estimate="1 h", prerequisites="-",
        hours_quick=1, hours_thorough=1, hours_deep=1,
    )  # fmt: skip
    assert "my-private" not in editor.get("/admin/learning/path/").content.decode()
    assert editor.get(f"/admin/learning/path/{personal.pk}/change/").status_code == 302


# --- Editing structure ----------------------------------------------------------------------------


def test_reordering_steps_in_the_phase_form_keeps_progress(editor, progress_on_first_step, client):
    learner, first = progress_on_first_step
    phase = first.phase
    url = reverse("admin:learning_phase_change", args=[phase.pk])
    data = change_form_data(editor, url)
    steps = list(phase.steps.order_by("position"))
    for i, step in enumerate(steps):
        index = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(step.pk))
        data[index.replace("-id", "-position")] = str(len(steps) - 1 - i)  # reverse the order
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(phase.steps.order_by("position")) == steps[::-1]
    progress = StepProgress.objects.get(user=learner, step=first)
    assert (progress.status, progress.note) == (StepStatus.DONE, "mine")
    html = client.get(phase.path.get_absolute_url()).content.decode()
    assert html.index(f'id="step-{steps[-1].slug}"') < html.index(f'id="step-{steps[0].slug}"')


def test_markdown_preview_is_sanitized_and_for_staff_only(editor, auth_client):
    url = reverse("markdown_preview")
    response = editor.post(url, {"text": "**bold** <script>alert(1)</script>"})
    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert auth_client.post(url, {"text": "x"}).status_code == 302


def test_change_forms_show_a_rendered_preview(editor):
    step = Step.objects.get(slug="start-with-transformers")
    html = editor.get(reverse("admin:learning_step_change", args=[step.pk])).content.decode()
    assert 'class="markdown-preview-body"' in html
    assert '<a href="/papers/attention-is-all-you-need/"' in html


def test_broken_site_links_in_markdown_are_refused(editor):
    step = Step.objects.get(slug="start-with-transformers")
    url = reverse("admin:learning_step_change", args=[step.pk])
    data = change_form_data(editor, url)
    data["body"] = "Read [this](/papers/no-such-paper/) and [that](./NOPE.md)"
    response = editor.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Broken link /papers/no-such-paper/: there is no paper" in html
    assert "Broken link ./NOPE.md: there is no page" in html
    step.refresh_from_db()
    assert "no-such-paper" not in step.body


# --- Drafts and publishing ------------------------------------------------------------------------


def test_publishing_asks_for_confirmation_first(editor, client):
    Path.objects.filter(slug="software-engineer").update(status=PublicationStatus.DRAFT)
    path = Path.objects.get(slug="software-engineer")
    url = reverse("admin:learning_path_changelist")
    payload = {"action": "publish_selected", "_selected_action": [path.pk]}
    response = editor.post(url, payload)
    assert response.status_code == 200
    assert "These become visible to every visitor" in response.content.decode()
    assert Path.objects.get(pk=path.pk).status == PublicationStatus.DRAFT
    assert client.get(path.get_absolute_url()).status_code == 404
    editor.post(url, {**payload, "confirm": "yes"})
    assert Path.objects.get(pk=path.pk).status == PublicationStatus.PUBLISHED
    assert client.get(path.get_absolute_url()).status_code == 200


# --- History --------------------------------------------------------------------------------------


def test_history_records_who_changed_what_and_revert_restores(editor, curator_user):
    step = Step.objects.get(slug="start-with-transformers")
    url = reverse("admin:learning_step_change", args=[step.pk])
    data = change_form_data(editor, url)
    data["title"] = "A new title"
    assert editor.post(url, data).status_code == 302
    latest = step.history.latest()
    assert latest.history_user == curator_user
    assert latest.title == "A new title"
    history = editor.get(reverse("admin:learning_step_history", args=[step.pk])).content.decode()
    assert "A new title" in history
    assert "Start with Transformers" in history  # the diff: old → new

    earlier = step.history.filter(title="Start with Transformers").earliest()
    revert_url = reverse("admin:learning_step_simple_history", args=[step.pk, earlier.pk])
    revert_data = change_form_data(editor, revert_url)
    assert editor.post(revert_url, revert_data).status_code == 302
    step.refresh_from_db()
    assert step.title == "Start with Transformers"


# --- Import and export ----------------------------------------------------------------------------


def test_admin_export_is_the_commands_export(editor):
    command_output = io.StringIO()
    call_command("export_content", stdout=command_output)
    response = editor.get(reverse("roadmap_export"))
    assert response.content.decode() == command_output.getvalue()


def test_import_shows_a_dry_run_then_applies(editor):
    exported = editor.get(reverse("roadmap_export")).content.decode()
    changed = exported.replace(
        "title: Start with Transformers", "title: Start with the Transformer", 1
    )
    upload = io.BytesIO(changed.encode())
    upload.name = "edited.yaml"
    response = editor.post(reverse("roadmap_import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dry run of edited.yaml" in html
    assert "would change: 0 created, 1 updated" in html
    assert Step.objects.filter(title="Start with Transformers").exists()  # not yet
    editor.post(reverse("roadmap_import"), {"apply": "yes"})
    assert Step.objects.filter(title="Start with the Transformer").exists()


def test_a_refused_import_changes_nothing(editor):
    exported = editor.get(reverse("roadmap_export")).content.decode()
    broken = exported.replace(
        "title: Start with Transformers", "title: Changed but the file is bad", 1
    ).replace("year: 2017", "year: someday", 1)
    upload = io.BytesIO(broken.encode())
    upload.name = "broken.yaml"
    response = editor.post(reverse("roadmap_import"), {"file": upload})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "broken.yaml is refused; nothing was changed." in html
    assert "papers[attention-is-all-you-need].year: must be a whole number" in html
    assert not Step.objects.filter(title="Changed but the file is bad").exists()
    editor.post(reverse("roadmap_import"), {"apply": "yes"})
    assert not Step.objects.filter(title="Changed but the file is bad").exists()


# --- Never hurt learners --------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["step", "phase", "path", "paper"])
def test_deleting_content_with_progress_is_refused_with_the_learner_count(
    editor, progress_on_first_step, model
):
    _, step = progress_on_first_step
    obj = {
        "step": step,
        "phase": step.phase,
        "path": step.path,
        "paper": step.papers.first(),
    }[model]
    app = "papers" if model == "paper" else "learning"
    url = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
    html = editor.get(url).content.decode()
    assert "1 learner has worked on this" in html
    editor.post(url, {"post": "yes"})
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert StepProgress.objects.filter(step=step).exists()


def test_step_lists_show_how_many_learners_have_each_step_done(editor, progress_on_first_step):
    _, step = progress_on_first_step
    html = editor.get(reverse("admin:learning_phase_change", args=[step.phase_id])).content.decode()
    assert "learners done" in html.lower()
    listing = editor.get(
        reverse("admin:learning_step_changelist") + f"?path__id__exact={step.path_id}"
    ).content.decode()
    assert 'class="field-done_by">1<' in listing


def test_archiving_from_the_admin_keeps_progress(editor, progress_on_first_step):
    learner, step = progress_on_first_step
    editor.post(
        reverse("admin:learning_step_changelist"),
        {"action": "archive", "_selected_action": [step.pk]},
    )
    step.refresh_from_db()
    assert step.archived
    assert StepProgress.objects.filter(user=learner, step=step).exists()


def test_a_phase_cannot_be_moved_to_another_path(editor, progress_on_first_step):
    _, step = progress_on_first_step
    other = Path.objects.get(slug="complete-beginner")
    url = reverse("admin:learning_phase_change", args=[step.phase_id])
    data = change_form_data(editor, url)
    data["path"] = str(other.pk)
    assert editor.post(url, data).status_code == 302
    step.refresh_from_db()
    assert step.phase.path_id == step.path_id != other.pk
