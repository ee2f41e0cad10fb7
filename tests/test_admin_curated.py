"""Learners' personal paths are private: nothing of them appears anywhere in the curator
workspace, and every learning admin gets that from one mixin."""

import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from pytest_django.asserts import assertContains

from learning import services
from learning.admin import CuratedOnlyAdminMixin
from learning.models import Enrollment, Path, PathSection, Phase, Step, StepPaper, StepProgress
from papers.models import Paper
from tests.factories import EnrollmentFactory
from tests.test_curator_workspace import change_form_data

pytestmark = pytest.mark.usefixtures("roadmap")

SECRET = "Zanzibar"  # in every title of the personal path, to look for on admin pages
TITLES = [f"{SECRET} {kind}" for kind in ("plan", "week", "step", "section")]


def leaked(html: str) -> list[str]:
    return [title for title in TITLES if title in html]


@pytest.fixture
def personal(make_user):
    """A learner's personal path with a phase, a step using a paper, and a section."""
    owner = make_user("private.learner@example.com")
    path = Path.objects.create(
        owner=owner, slug="zanzibar-plan", title=f"{SECRET} plan", audience="Personal path",
        audience_key="beginner", goal="g", time_estimate="1 h", prerequisites="-",
        hours_quick=1, hours_thorough=1, hours_deep=1,
    )  # fmt: skip
    phase = Phase.objects.create(path=path, slug="week-1", label="Week 1", title=f"{SECRET} week")
    step = Step.objects.create(path=path, phase=phase, slug="zanzibar-step", title=f"{SECRET} step")
    paper = Paper.objects.get(number=1)
    StepPaper.objects.create(step=step, paper=paper)
    section = PathSection.objects.create(
        path=path, slug="notes", title=f"{SECRET} section", body="mine"
    )
    return {"path": path, "phase": phase, "step": step, "section": section, "paper": paper}


def test_every_learning_admin_is_curated_only():
    learning_admins = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "learning" or type(model_admin).__module__ == "learning.admin"
    ]
    assert len(learning_admins) >= 7
    for model, model_admin in learning_admins:
        assert isinstance(model_admin, CuratedOnlyAdminMixin), model


@pytest.mark.parametrize(
    "url",
    [
        "/admin/learning/path/",
        "/admin/learning/phase/",
        "/admin/learning/step/",
        "/admin/learning/pathsection/",
        f"/admin/learning/step/?q={SECRET}",
        f"/admin/learning/phase/?q={SECRET}",
        f"/admin/learning/pathsection/?q={SECRET}",
    ],
)
def test_lists_and_searches_never_show_a_personal_path(editor, personal, url):
    html = editor.get(url).content.decode()
    assert leaked(html) == []


@pytest.mark.parametrize("kind", ["path", "phase", "step", "section"])
def test_a_personal_paths_pages_are_not_found(editor, personal, kind):
    obj = personal[kind]
    name = f"admin:learning_{obj._meta.model_name}"
    change = editor.get(reverse(f"{name}_change", args=[obj.pk]))
    assert change.status_code == 302  # "doesn't exist", back to the list
    assert editor.get(reverse(f"{name}_history", args=[obj.pk])).status_code == 404
    assert editor.get(reverse(f"{name}_delete", args=[obj.pk])).status_code == 302


def test_choices_and_filters_offer_curated_paths_and_phases_only(editor, personal):
    step = Step.objects.filter(path__owner__isnull=True).first()
    pages = [
        reverse("admin:learning_step_add"),
        reverse("admin:learning_step_change", args=[step.pk]),
        reverse("admin:learning_phase_add"),
        reverse("admin:learning_pathsection_add"),
        reverse("admin:learning_step_changelist"),
        reverse("admin:learning_phase_changelist"),
        reverse("admin:learning_pathsection_changelist"),
    ]
    for url in pages:
        assert leaked(editor.get(url).content.decode()) == [], url
    listing = editor.get(reverse("admin:learning_step_changelist")).content.decode()
    filter_links = re.findall(r'href="\?path__id__exact=(\d+)"', listing)
    assert filter_links
    assert str(personal["path"].pk) not in filter_links


def test_a_personal_step_cannot_be_given_to_a_curated_phase(editor, personal):
    """The phase choices are curated: posting a personal phase is refused."""
    step = Step.objects.get(slug="start-with-transformers")
    url = reverse("admin:learning_step_change", args=[step.pk])
    data = change_form_data(editor, url)
    data["phase"] = str(personal["phase"].pk)
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    step.refresh_from_db()
    assert step.phase.path.owner_id is None


def test_a_papers_step_count_and_delete_page_keep_personal_steps_private(editor, personal):
    paper = personal["paper"]
    curated_uses = StepPaper.objects.filter(paper=paper, step__path__owner__isnull=True).count()
    listing = editor.get("/admin/papers/paper/").content.decode()
    row = re.search(rf"papers/paper/{paper.pk}/change/.*?</tr>", listing, re.S).group(0)
    assert f'class="field-step_count">{curated_uses}<' in row

    html = editor.get(reverse("admin:papers_paper_delete", args=[paper.pk])).content.decode()
    assert leaked(html) == []
    assert "personal paths (private, not listed)" in html


def view_on_site(obj) -> str:
    """The admin's "View on site" address of an object."""
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


@pytest.mark.parametrize("kind", ["path", "phase", "step", "section"])
def test_view_on_site_never_leads_to_a_personal_path(editor, curator_client, personal, kind):
    obj = personal[kind]
    model_admin = admin.site.get_model_admin(type(obj))
    assert model_admin.get_view_on_site_url(obj) is None
    for client in (editor, curator_client):  # a curator, and a superuser
        response = client.get(view_on_site(obj))
        assert response.status_code == 404
        assert "zanzibar" not in response.get("Location", "")

    lookup = "owner__isnull" if kind == "path" else "path__owner__isnull"
    curated = type(obj).objects.filter(**{lookup: True}).first()
    assert model_admin.get_view_on_site_url(curated) == view_on_site(curated)
    response = editor.get(view_on_site(curated))
    assert response.status_code == 302
    assert response["Location"].endswith(curated.get_absolute_url())


def test_view_on_site_is_refused_for_whatever_the_admin_does_not_list(editor, personal):
    enrollment = EnrollmentFactory(user=personal["path"].owner, path=personal["path"])
    assert editor.get(view_on_site(enrollment)).status_code == 404
    assert editor.get(f"/admin/r/abc/{personal['path'].pk}/").status_code == 404
    path_type = ContentType.objects.get_for_model(Path).pk
    assert editor.get(f"/admin/r/{path_type}/not-an-id/").status_code == 404


def column_total(html: str, column: str) -> int:
    return sum(int(n) for n in re.findall(rf'class="field-{column}">(\d+)<', html))


def test_every_count_in_the_admin_leaves_personal_paths_out(editor, personal):
    """With a personal path that its owner follows and has finished a step of."""
    owner, path, step = personal["path"].owner, personal["path"], personal["step"]
    enrollment = EnrollmentFactory(user=owner, path=path)
    services.step_progress_set(enrollment=enrollment, step=step, status="done")
    Phase.objects.create(path=path, slug="week-2", label="Week 2", title=f"{SECRET} week")
    curated_steps = Step.objects.current().filter(path__owner__isnull=True)

    paths = editor.get(reverse("admin:learning_path_changelist")).content.decode()
    assert column_total(paths, "phase_count") == Phase.objects.filter(path__owner=None).count()
    assert column_total(paths, "step_count") == curated_steps.count()
    assert (
        column_total(paths, "learner_count") == Enrollment.objects.filter(path__owner=None).count()
    )
    phases = editor.get(reverse("admin:learning_phase_changelist")).content.decode()
    assert column_total(phases, "step_count") == curated_steps.count()
    steps = editor.get(reverse("admin:learning_step_changelist")).content.decode()
    assert (
        column_total(steps, "done_by")
        == StepProgress.objects.filter(step__in=curated_steps, status="done").count()
    )
    faceted = editor.get(reverse("admin:learning_step_changelist") + "?_facets=1")
    not_archived = Step.objects.filter(path__owner=None, archived=False).count()
    assertContains(faceted, f"No ({not_archived})")
    papers = editor.get(reverse("admin:papers_paper_changelist")).content.decode()
    assert (
        column_total(papers, "step_count")
        == StepPaper.objects.filter(step__path__owner=None).count()
    )

    # The owner's finished step uses the paper: the delete page counts no learner for it.
    paper = personal["paper"]
    delete_page = editor.get(reverse("admin:papers_paper_delete", args=[paper.pk]))
    assert "Learner progress" not in delete_page.content.decode()
    assertContains(delete_page, "personal paths (private, not listed)")
    assert Paper.objects.filter(pk=paper.pk).exists()
