"""One voice: hours, depths, counts, times and step references read the same on every page, and
a learner's note never outranks the step it is about."""

import datetime
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.estimates import hours_display
from learning.models import StepProgress
from learning.templatetags.learning_extras import ago

from .factories import EnrollmentFactory, PaperFactory, PathFactory, PhaseFactory, StepFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("hours", "shown"),
    [
        (Decimal("2.50"), "2.5 h"),
        (Decimal("10.00"), "10 h"),
        (Decimal("0.25"), "0.25 h"),
        (Decimal("9.75"), "9.75 h"),
        (Decimal("100"), "100 h"),
        (Decimal("1.333"), "1.33 h"),
        (Decimal(0), "0 h"),
    ],
)
def test_hours_have_one_format_trailing_zeros_dropped(hours, shown):
    assert hours_display(hours) == shown


def test_a_papers_hours_read_2_5_h_not_2_50_h(client):
    paper = PaperFactory(
        hours_quick=Decimal("2.50"), hours_thorough=Decimal("9.75"), hours_deep=Decimal("10.00")
    )
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "<dd>2.5 h</dd>" in html
    assert "<dd>9.75 h</dd>" in html
    assert "<dd>10 h</dd>" in html
    assert "2.50" not in html


def test_the_curators_hours_note_sits_beside_the_figure(client):
    path = PathFactory(hours_deep=Decimal(100), hours_note="100+ hours")
    html = client.get("/").content.decode()
    assert re.search(r"<dt>Deep study</dt><dd>100 h <small[^>]*>\(100\+ hours\)</small></dd>", html)
    assert path.title in html


@pytest.fixture
def sprint_path():
    """Numbered steps that restart in each phase: Sprint 1's step 1, then Sprint 2's step 1."""
    path = PathFactory()
    first = PhaseFactory(path=path, label="Sprint 1", title="Basics")
    second = PhaseFactory(path=path, label="Sprint 2", title="Retrieval")
    steps = [
        StepFactory(phase=first, label="1", title="Attention"),
        StepFactory(phase=second, label="1", title="RAG"),
    ]
    return path, steps


def test_the_next_step_and_continue_name_the_phase(auth_client, user, sprint_path):
    path, steps = sprint_path
    enrollment = EnrollmentFactory(user=user, path=path)
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    page = auth_client.get(path.get_absolute_url()).content.decode()
    assert "Next: Sprint 2 · Step 1: RAG</a>" in page
    board = auth_client.get(reverse("learning:dashboard")).content.decode()
    assert "Continue: Sprint 2 · Step 1: RAG</a>" in board


def test_counts_are_pluralised(auth_client, user):
    path = PathFactory(phase_sizes=[1])
    EnrollmentFactory(user=user, path=path)
    page = auth_client.get(path.get_absolute_url()).content.decode()
    assert "0 of 1 step</strong>" in page
    assert re.search(r'0 of 1 step<span class="visually-hidden"> of [^<]+</span> ·', page)
    assert "1 steps" not in page
    board = auth_client.get(reverse("learning:dashboard")).content.decode()
    assert "0 of 1 step ·" in board


def test_a_status_marked_a_moment_ago_was_marked_just_now(auth_client, user):
    path = PathFactory(phase_sizes=[2])
    enrollment = EnrollmentFactory(user=user, path=path)
    step = path.steps.first()
    services.step_progress_set(enrollment=enrollment, step=step, status="done")
    board = auth_client.get(reverse("learning:dashboard")).content.decode()
    assert "just now" in board
    assert "0 minutes ago" not in board


def test_ago_says_minutes_after_the_first_minute():
    assert ago(timezone.now() - datetime.timedelta(seconds=20)) == "just now"
    # timesince's own non-breaking space between number and unit
    assert ago(timezone.now() - datetime.timedelta(minutes=5)) == "5\xa0minutes ago"


def test_headings_in_a_note_sit_below_the_step_title(auth_client, user):
    path = PathFactory(phase_sizes=[1])
    enrollment = EnrollmentFactory(user=user, path=path)
    step = path.steps.get()
    note = "# Big\n\n## Smaller\n\n<script>alert(1)</script>"
    services.step_note_set(enrollment=enrollment, step=step, note=note)
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert '<h3 class="step-title">' in html
    assert "<h4>Big</h4>" in html
    assert "<h5>Smaller</h5>" in html
    assert "Big</h1>" not in html
    assert "Big</h2>" not in html
    assert "<script>alert(1)</script>" not in html  # still sanitized


def test_curator_markdown_keeps_its_heading_levels(client):
    paper = PaperFactory(summary="## How it works\n\nLike this.")
    assert "<h2>How it works</h2>" in client.get(paper.get_absolute_url()).content.decode()


def test_the_markdown_export_names_depths_and_counts_like_the_pages(auth_client, user):
    path = PathFactory(phase_sizes=[1])
    enrollment = EnrollmentFactory(user=user, path=path, depth="deep")
    services.step_progress_set(enrollment=enrollment, step=path.steps.get(), status="done")
    text = auth_client.get("/accounts/data/export.md").content.decode()
    assert "(Deep study" in text
    assert "1 status change in the history" in text


def test_notes_saved_before_are_rendered_again_with_lower_headings(user):
    migration = importlib.import_module("learning.migrations.0011_notes_headings_below_step_titles")
    path = PathFactory(phase_sizes=[1])
    enrollment = EnrollmentFactory(user=user, path=path)
    services.step_note_set(enrollment=enrollment, step=path.steps.get(), note="# Big")
    StepProgress.objects.update(note_html="<h2>Big</h2>")  # as the old renderer left it
    migration.render_notes_again(apps, None)
    assert StepProgress.objects.get().note_html == "<h4>Big</h4>"
