"""Content history in the curator workspace: a revert never breaks the order of things, a save
that changes nothing leaves no trace, and the history shows every changed word."""

import re
from html import unescape

import pytest
from django.apps import apps
from django.db.models import Count
from django.urls import reverse

from core.history import ordering_group, renumber_siblings, text_diff
from learning.models import (
    Checklist,
    ChecklistItem,
    Depth,
    Path,
    PathSection,
    Phase,
    RoadmapInfo,
    Step,
    StepPaper,
)
from papers.models import GlossaryTerm, Page, Paper, Topic, TopicPaper
from tests.test_curator_workspace import change_form_data

pytestmark = pytest.mark.usefixtures("roadmap")


def history_rows() -> dict[str, int]:
    """How many history rows each model with history has."""
    return {
        model.__name__: getattr(model, model._meta.simple_history_manager_attribute).count()
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    }


def new_rows(before: dict[str, int]) -> dict[str, int]:
    return {name: n - before[name] for name, n in history_rows().items() if n != before[name]}


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def save_form(editor, obj, **changes):
    url = change_url(obj)
    data = change_form_data(editor, url)
    data.update(changes)
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return data


def revert(editor, record):
    obj = record.instance
    opts = obj._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.pk]
    )
    response = editor.post(url, change_form_data(editor, url))
    assert response.status_code == 302, response.content.decode()[:3000]


def first_step():
    return Step.objects.get(slug="start-with-transformers")


# --- 1. A revert never breaks ordering -------------------------------------------------------

ORDERED = {
    # model: how to pick two neighbours in one order
    "step": lambda: list(first_step().phase.steps.order_by("position")[:2]),
    "phase": lambda: list(first_step().path.phases.order_by("position")[:2]),
    "pathsection": lambda: list(
        PathSection.objects.filter(path__slug="ml-student-researcher").order_by("position")[:2]
    ),
    "page": lambda: list(Page.objects.order_by("position")[:2]),
    "topic": lambda: list(Topic.objects.order_by("position")[:2]),
    "checklist": lambda: list(Checklist.objects.order_by("position")[:2]),
    "depth": lambda: list(Depth.objects.order_by("position")[:2]),
}


def siblings(obj):
    group = {
        Step: {"phase_id": getattr(obj, "phase_id", None)},
        Phase: {"path_id": getattr(obj, "path_id", None)},
        PathSection: {"path_id": getattr(obj, "path_id", None)},
    }.get(type(obj), {})
    return type(obj).objects.filter(**group)


@pytest.mark.parametrize("model", ORDERED)
def test_reverting_keeps_every_position_distinct_and_the_order_as_arranged(editor, model):
    first, second = ORDERED[model]()
    assert first.position < second.position
    # The curator swaps the two (each save is in the history), then reverts the first to the
    # version from before the swap, which had the lower position.
    first.position, second.position = second.position, first.position
    first.save()
    second.save()
    arranged = list(siblings(first).order_by("position", "pk").values_list("pk", flat=True))
    revert(editor, first.history.order_by("history_date", "history_id").first())

    positions = list(siblings(first).values_list("position", flat=True))
    assert len(positions) == len(set(positions)), positions
    assert list(siblings(first).order_by("position").values_list("pk", flat=True)) == arranged


def test_a_reverted_step_has_one_place_on_the_admin_and_the_public_page(editor, client):
    step = first_step()
    phase = step.phase
    before = list(phase.steps.order_by("position"))
    # Drag the first step to the end in the phase form, then revert its title change…
    url = change_url(phase)
    data = change_form_data(editor, url)
    for i, sibling in enumerate([*before[1:], before[0]]):
        index = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(sibling.pk))
        data[index.replace("-id", "-position")] = str(i)
    assert editor.post(url, data).status_code == 302
    save_form(editor, step, title="Transformers, renamed")
    revert(editor, step.history.order_by("history_date", "history_id").first())

    step.refresh_from_db()
    assert step.title == "Start with Transformers"  # the text comes back…
    expected = [s.slug for s in [*before[1:], before[0]]]  # …the place stays where it was put
    admin_html = editor.get(url).content.decode()
    admin_order = [
        Step.objects.get(pk=pk).slug
        for pk in re.findall(r'name="steps-\d+-id" value="(\d+)"', admin_html)
    ]
    assert admin_order == expected
    public = client.get(phase.path.get_absolute_url()).content.decode()
    public_order = sorted(expected, key=lambda slug: public.index(f'id="step-{slug}"'))
    assert public_order == expected


def test_reverting_a_step_into_its_old_phase_gives_it_a_free_place_there(editor):
    step = first_step()
    old_phase = step.phase
    new_phase = step.path.phases.exclude(pk=old_phase.pk).order_by("position").first()
    save_form(editor, step, phase=str(new_phase.pk), position="0")
    assert new_phase.steps.filter(position=0).count() == 2  # as typed by the curator
    revert(editor, step.history.order_by("history_date", "history_id").first())

    step.refresh_from_db()
    assert step.phase_id == old_phase.pk
    for phase in (old_phase, new_phase):
        positions = list(phase.steps.values_list("position", flat=True))
        assert len(positions) == len(set(positions)), (phase, positions)


def test_the_revert_page_does_not_offer_the_old_position(editor):
    step = first_step()
    record = step.history.earliest()
    url = reverse("admin:learning_step_simple_history", args=[step.pk, record.pk])
    html = editor.get(url).content.decode()
    assert 'name="title"' in html
    assert 'name="position"' not in html


def test_reverting_a_path_keeps_its_place_in_the_catalog(editor):
    first, second = Path.objects.filter(owner__isnull=True).order_by("number")[:2]
    low, high = first.number, second.number
    first.number, second.number = high, low
    first.save()
    second.save()
    revert(editor, first.history.order_by("history_date", "history_id").first())
    first.refresh_from_db()
    assert (first.number, second.number) == (high, low)


def test_the_revert_page_says_what_would_change_but_not_the_place(editor):
    step = first_step()
    save_form(editor, step, title="Renamed", position=str(step.position + 5))
    record = step.history.order_by("history_date", "history_id").first()
    url = reverse("admin:learning_step_simple_history", args=[step.pk, record.pk])
    html = editor.get(url).content.decode()
    summary = re.search(r'<div class="module revert-changes">.*?</ul>', html, re.S).group(0)
    assert "<strong>Title:</strong>" in summary
    assert "Renamed" in summary
    assert "Start with Transformers" in summary
    assert "Position" not in summary


def test_reverting_restores_the_related_papers_of_that_version(editor):
    term = GlossaryTerm.objects.filter(papers__isnull=False).first()
    linked = set(term.papers.values_list("pk", flat=True))
    other = Paper.objects.exclude(pk__in=linked).first()
    save_form(editor, term, papers=[str(other.pk)])
    revert(editor, term.history.order_by("history_date", "history_id").first())
    assert set(term.papers.values_list("pk", flat=True)) == linked


@pytest.mark.parametrize(
    ("model", "parent"),
    [(StepPaper, "step"), (TopicPaper, "topic"), (ChecklistItem, "checklist")],
)
def test_rows_ordered_inside_a_parent_are_renumbered_within_it(model, parent):
    """The rule every ordered model follows, inline-only ones included (they have no revert
    page of their own): siblings sharing a position are numbered again, in their order."""
    assert ordering_group(model) == [parent]
    crowded = model.objects.values(parent).annotate(n=Count("pk")).filter(n__gte=2).order_by(parent)
    siblings = model.objects.filter(**{parent: crowded[0][parent]})
    row = siblings.order_by("-position").first()
    other = siblings.exclude(pk=row.pk).order_by("position").first()
    model.objects.filter(pk=row.pk).update(position=other.position)
    row.refresh_from_db()
    assert renumber_siblings(row) > 0
    positions = list(siblings.order_by("position").values_list("position", flat=True))
    assert positions == list(range(len(positions)))
    assert list(siblings.order_by("position").values_list("pk", flat=True)).index(row.pk) == (
        list(siblings.order_by("position").values_list("pk", flat=True)).index(other.pk) + 1
    )


# --- 2. A save that changes nothing writes no history ------------------------------------------

CHANGE_PAGES = {
    "step": first_step,
    "phase": lambda: first_step().phase,  # with its steps inline
    "path": lambda: Path.objects.get(slug="software-engineer"),  # phases and sections inline
    "paper": lambda: Paper.objects.filter(prerequisites__isnull=False).first(),  # topics inline
    "glossary term": lambda: GlossaryTerm.objects.filter(papers__isnull=False).first(),
    "topic": lambda: Topic.objects.get(slug="vision"),  # papers inline
    "page": lambda: Page.objects.order_by("position").first(),
    "path section": lambda: PathSection.objects.order_by("pk").first(),
    "checklist": lambda: Checklist.objects.order_by("position").first(),  # items inline
    "depth": lambda: Depth.objects.order_by("position").first(),
    "roadmap information": lambda: RoadmapInfo.objects.get(),
}


@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_saving_an_unchanged_form_adds_no_history(editor, name):
    obj = CHANGE_PAGES[name]()
    before = history_rows()
    save_form(editor, obj)
    save_form(editor, obj)
    assert new_rows(before) == {}


@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_saving_text_typed_in_a_browser_adds_no_history(editor, name):
    """Browsers send text areas back with \\r\\n line endings: that is no change either."""
    obj = CHANGE_PAGES[name]()
    url = change_url(obj)
    data = {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in change_form_data(editor, url).items()
    }
    before = history_rows()
    assert editor.post(url, data).status_code == 302
    assert new_rows(before) == {}


def test_one_real_change_adds_exactly_one_row(editor):
    step = first_step()
    before = history_rows()
    save_form(editor, step, title="A clearer title")
    assert new_rows(before) == {"Step": 1}
    assert step.history.latest().title == "A clearer title"


def test_changing_one_inline_row_adds_one_row_for_it_alone(editor):
    step = first_step()
    url = change_url(step.phase)
    data = change_form_data(editor, url)
    index = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(step.pk))
    data[index.replace("-id", "-title")] = "Inline rename"
    before = history_rows()
    assert editor.post(url, data).status_code == 302
    assert new_rows(before) == {"Step": 1}


def test_changing_a_terms_papers_and_text_together_adds_one_row(editor):
    term = GlossaryTerm.objects.filter(papers__isnull=False).first()
    linked = {p.pk for p in term.papers.all()}
    other = Paper.objects.exclude(pk__in=linked).first()
    before = history_rows()
    # one paper taken away, another added, and the definition changed: one change, one row
    save_form(
        editor,
        term,
        definition=term.definition + " More.",
        papers=[str(pk) for pk in sorted(linked)[1:]] + [str(other.pk)],
    )
    assert new_rows(before) == {"GlossaryTerm": 1}
    latest = term.history.latest()
    assert {row.paper_id for row in latest.papers.all()} == (linked - {min(linked)}) | {other.pk}
    assert latest.definition.endswith("More.")


def test_changing_only_a_papers_prerequisites_adds_one_row(editor):
    paper = Paper.objects.filter(prerequisites__isnull=False).first()
    required = [p.pk for p in paper.prerequisites.all()]
    before = history_rows()
    save_form(editor, paper, prerequisites=[str(pk) for pk in required[1:]])
    assert new_rows(before) == {"Paper": 1}


# --- 3. The history shows the whole changed text, as a diff ------------------------------------

OLD_BODY = (
    "- Read: Attention Is All You Need, sections 1 to 3\n"
    "- Focus on: how self-attention replaces recurrence, with worked examples\n"
    "- Skip: the training schedule details on a first pass\n"
    "- Try: draw the attention pattern of a four-word sentence by hand"
)
NEW_BODY = (
    "- Read: Attention Is All You Need, sections 1 to 3\n"
    "- Focus on: queries, keys and values, and why scaling by the square root matters, "
    "with examples\n"
    "- Skip: the training schedule details on a first pass\n"
    "- Try: draw the attention pattern of a four-word sentence <by hand> & explain it"
)


def diff_cells(html: str) -> list[str]:
    """The text of each side of each field's diff, tags removed, as a curator reads it."""
    cells = re.findall(r'<div class="history-diff-(?:old|new)"[^>]*>(.*?)</div>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in cells]


def test_the_history_shows_a_long_markdown_change_in_full(editor):
    step = first_step()
    save_form(editor, step, body=OLD_BODY)
    save_form(editor, step, body=NEW_BODY)
    html = editor.get(reverse("admin:learning_step_history", args=[step.pk])).content.decode()

    assert "chars]" not in html
    cells = diff_cells(html)
    assert OLD_BODY in cells
    assert NEW_BODY in cells
    # what went and what came are marked, and Markdown is shown as text, never run as HTML
    assert "<del>" in html
    assert "<ins>" in html
    assert "<by hand>" not in html
    assert "&lt;by hand&gt; &amp; explain" in html
    deleted = re.findall(r"<del>(.*?)</del>", html, re.S)
    inserted = re.findall(r"<ins>(.*?)</ins>", html, re.S)
    assert any("self-attention" in part for part in deleted)
    assert any("square root" in part for part in inserted)


def test_the_history_shows_short_values_and_relations_plainly(editor):
    step = first_step()
    save_form(editor, step, title="A new title")
    html = editor.get(reverse("admin:learning_step_history", args=[step.pk])).content.decode()
    assert "Start with Transformers" in html
    assert "A new title" in html


def test_a_diff_marks_only_what_changed_and_escapes_everything():
    assert text_diff("same\ntext\n", "same\ntext\n") == ("same\ntext\n", "same\ntext\n")
    old, new = text_diff("a <b>\n", "a <b>\nand a new line & more\n")
    assert old == "a &lt;b&gt;\n"
    assert new == "a &lt;b&gt;\n<ins>and a new line &amp; more\n</ins>"
    old, new = text_diff("Focus on: the examples", "Focus on: the worked examples")
    assert (old, new) == ("Focus on: the examples", "Focus on: the <ins>worked </ins>examples")
