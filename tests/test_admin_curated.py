"""Learners' personal paths are private: nothing of them appears anywhere in the curator
workspace, and every learning admin gets that from one mixin."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from learning.admin import CuratedOnlyAdminMixin
from learning.models import Path, PathSection, Phase, Step, StepPaper
from papers.models import Paper
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
