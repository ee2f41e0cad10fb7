"""The public pages show the whole roadmap from the database, in the content file's order,
and only what is published to visitors.

The tests about the seed roadmap itself (every part of the content file shown, in order) use the
`roadmap` fixture; the others make the content they need."""

import re
from html import unescape

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from core.models import PublicationStatus
from papers.models import GlossaryTerm, Paper

from .factories import (
    GlossaryTermFactory,
    PageFactory,
    PaperFactory,
    PathFactory,
    StepFactory,
    TopicFactory,
    steps_of,
)

pytestmark = pytest.mark.django_db
about_the_seed = pytest.mark.usefixtures("roadmap")


def visible_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def positions_in_order(text: str, needles: list[str]) -> bool:
    cursor = 0
    for needle in needles:
        found = text.find(needle, cursor)
        if found < 0:
            return False
        cursor = found + len(needle)
    return True


@about_the_seed
def test_every_path_phase_step_and_section_of_the_content_file_is_shown_in_order(
    client, content_document
):
    catalog = visible_text(client.get("/").content.decode())
    assert positions_in_order(catalog, [p["audience"] for p in content_document["paths"]])
    for path in content_document["paths"]:
        response = client.get(f"/paths/{path['slug']}/")
        assert response.status_code == 200
        text = visible_text(response.content.decode())
        expected = [path["title"]]
        for phase in path["phases"]:
            expected.append(f"{phase['label']}: {phase['title']}")
            for step in phase["steps"]:
                expected.append(
                    f"{step['label']}: {step['title']}" if step["label"] else step["title"]
                )
                if step["key_takeaway"]:
                    expected.append(visible_text(step["key_takeaway"]).replace("**", ""))
        expected += [section["title"] for section in path["sections"]]
        assert positions_in_order(text, expected), path["slug"]


@about_the_seed
def test_catalog_cards_show_goal_time_prerequisites_and_hours(client):
    text = visible_text(client.get("/").content.decode())
    assert "Path 2: Software Engineer" in text
    assert "Build AI applications" in text
    assert "15-20 hours" in text
    assert "Programming experience" in text
    assert "Quick pass 10 h Thorough 20 h Deep study 35 h" in text
    assert "Deep study 100 h (100+ hours)" in text  # the figure, then the curators note
    assert "Interested in vision?" in text


@about_the_seed
def test_catalog_links_every_reference_page_and_shows_the_checklists(client, content_document):
    html = client.get("/").content.decode()
    for page in content_document["pages"]:
        assert f'href="/pages/{page["slug"]}/"' in html
    text = visible_text(html)
    for checklist in content_document["checklists"]:
        assert checklist["title"] in text
        assert positions_in_order(text, checklist["items"])


@about_the_seed
def test_each_of_the_fifteen_papers_has_its_page(client, content_document):
    for paper in content_document["papers"]:
        response = client.get(f"/papers/{paper['slug']}/")
        assert response.status_code == 200, paper["slug"]
        text = visible_text(response.content.decode())
        assert paper["title"] in text
        assert paper["venue"] in text


def test_paper_page_shows_prerequisites_dependents_and_steps_using_it(client):
    earlier, paper, later = PaperFactory(), PaperFactory(), PaperFactory()
    paper.prerequisites.add(earlier)
    later.prerequisites.add(paper)
    steps = [StepFactory(papers=[paper]) for _ in range(2)]
    response = client.get(paper.get_absolute_url())
    assertContains(response, "<h3>Read first</h3>", html=True)
    for linked in (earlier, later):  # what to read first, and what builds on it
        assertContains(
            response,
            f'<li><a href="{linked.get_absolute_url()}">{linked.short_name}</a>'
            f" — {linked.title}</li>",
            html=True,
        )
    for step in steps:
        assertContains(response, f'href="{step.get_absolute_url()}"')


@about_the_seed
def test_seed_links_become_links_to_the_site(client):
    html = client.get("/paths/complete-beginner/").content.decode()
    assert 'href="/papers/attention-is-all-you-need/"' in html
    assert 'href="/glossary/"' in html
    assert 'href="/pages/quick-reference/"' in html
    assert "summary.md" not in html
    assert ".md" not in re.sub(r"<[^>]+>", "", html).replace(".md ", "")


def test_papers_can_be_filtered_by_topic(client):
    topic = TopicFactory(papers=PaperFactory.create_batch(2))
    PaperFactory()  # in no topic
    html = client.get(f"/papers/?topic={topic.slug}").content.decode()
    shown = re.findall(r'href="/papers/([a-z0-9-]+)/"><strong>', html)
    assert set(shown) == set(topic.papers.values_list("slug", flat=True))
    assert client.get("/papers/?topic=no-such-topic").status_code == 404


@about_the_seed
def test_topic_page_lists_papers_in_the_prioritized_order(client, content_document):
    topic = content_document["topics"][0]
    html = client.get(f"/topics/{topic['slug']}/").content.decode()
    shown = re.findall(r'href="/papers/([a-z0-9-]+)/"><strong>', html)
    assert shown == topic["papers"]


@about_the_seed
def test_glossary_is_alphabetical_with_an_anchor_per_term(client):
    html = client.get("/glossary/").content.decode()
    anchors = re.findall(r'<dt id="([a-z0-9-]+)">', html)
    terms = list(GlossaryTerm.objects.all())
    assert len(anchors) == len(terms) >= 40
    by_slug = {t.slug: t.term.lower() for t in terms}
    shown_terms = [by_slug[a] for a in anchors]
    assert shown_terms == sorted(shown_terms)


@about_the_seed
def test_every_reference_page_is_shown(client, content_document):
    for page in content_document["pages"]:
        response = client.get(f"/pages/{page['slug']}/")
        assert response.status_code == 200
        assert page["title"] in visible_text(response.content.decode())


@pytest.mark.parametrize(
    "url",
    ["/paths/no-such-path/", "/papers/no-such-paper/", "/topics/nope/", "/pages/nope/"],
)
def test_unknown_slugs_get_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


@pytest.mark.parametrize("factory", [PathFactory, PaperFactory, PageFactory])
def test_drafts_are_hidden_from_visitors_and_previewed_by_curators(client, curator_client, factory):
    url = factory(status=PublicationStatus.DRAFT).get_absolute_url()
    assert client.get(url).status_code == 404
    response = curator_client.get(url)
    assert response.status_code == 200
    assert "Draft" in visible_text(response.content.decode())


def test_draft_paths_leave_the_catalog_and_paper_pages(client):
    path = PathFactory(phase_sizes=[1], status=PublicationStatus.DRAFT)
    paper = steps_of(path)[0].papers.get()
    assert path.get_absolute_url() not in client.get("/").content.decode()
    assert path.audience not in visible_text(client.get("/").content.decode())
    assert path.get_absolute_url() not in client.get(paper.get_absolute_url()).content.decode()


def test_draft_papers_are_not_linked_for_visitors(client, curator_client):
    path = PathFactory(phase_sizes=[2])
    draft = steps_of(path)[0].papers.get()
    Paper.objects.filter(pk=draft.pk).update(status=PublicationStatus.DRAFT)
    path_html = client.get(path.get_absolute_url()).content.decode()
    paper_lists = re.findall(r'<p class="step-papers">(.*?)</p>', path_html, re.DOTALL)
    assert paper_lists
    assert not any(draft.get_absolute_url() in papers for papers in paper_lists)
    link = f'href="{draft.get_absolute_url()}"'
    assert link not in client.get("/papers/").content.decode()
    assert link in curator_client.get("/papers/").content.decode()


def test_glossary_does_not_link_draft_papers_for_visitors(client, curator_client):
    draft = PaperFactory(status=PublicationStatus.DRAFT)
    GlossaryTermFactory(papers=[draft, PaperFactory()])

    def related_links(html):
        return "".join(re.findall(r"<small>Related: (.*?)</small>", html, re.DOTALL))

    assert draft.get_absolute_url() not in related_links(client.get("/glossary/").content.decode())
    curator_html = curator_client.get("/glossary/").content.decode()
    assert draft.get_absolute_url() in related_links(curator_html)


def test_admin_refuses_a_prerequisite_cycle_and_names_it(curator_client):
    first, last = PaperFactory(), PaperFactory()
    last.prerequisites.add(first)
    url = reverse("admin:papers_paper_change", args=[first.pk])
    page = curator_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["prerequisites"] = [last.pk]
    response = curator_client.post(url, data)
    assert response.status_code == 200
    error = re.search(
        r"These prerequisites would make a cycle: ([^<]+)</li>", response.content.decode()
    )
    assert error, "no cycle named"
    named = error.group(1).split(" → ")
    assert set(named) == {first.short_name, last.short_name}
    assert named[0] == named[-1]  # round the cycle and back
    assert not first.prerequisites.exists()
