"""The papers' prerequisite graph on /papers/: laid out in layers (every prerequisite in an
earlier column), each paper a link, with the learner's status across their paths."""

from types import SimpleNamespace

import pytest

from core.graph import longest_path_layers
from learning import services
from learning.models import Enrollment, Path
from learning.paper_graph import paper_graph
from learning.paper_status import PaperTally
from papers.models import Paper


def test_a_layer_is_the_longest_path_from_a_paper_requiring_nothing():
    graph = {"a": [], "b": ["a"], "c": ["b", "a"], "d": ["a", "c"], "e": ["outside"]}
    assert longest_path_layers(graph) == {"a": 0, "b": 1, "c": 2, "d": 3, "e": 0}


def test_a_cycle_does_not_loop_forever():
    assert set(longest_path_layers({"a": ["b"], "b": ["a"]})) == {"a", "b"}


def fake(pk, number):
    return SimpleNamespace(pk=pk, number=number, short_name=f"P{pk}", year=2020)


def test_prerequisites_sit_in_earlier_columns_and_edges_join_them():
    papers = [fake(1, 1), fake(2, 2), fake(3, 3), fake(4, 4), fake(5, 5)]
    requires = {3: [1], 4: [2], 5: [3, 4]}
    laid = paper_graph(papers, requires, None)
    x = {n.paper.pk: n.x for n in laid.nodes}
    assert x[1] == x[2] < x[3] == x[4] < x[5]
    assert laid.layers == 3
    assert len(laid.edges) == 4
    assert all(n.x >= 0 and n.x + laid.node_width <= laid.width for n in laid.nodes)
    assert all(n.y >= 0 and n.y + laid.node_height <= laid.height for n in laid.nodes)
    assert {n.shape for n in laid.nodes} == {"graph-plain"}
    assert laid.nodes[0].title == "P1 (2020)"


def test_a_paper_follows_its_prerequisite_s_row():
    papers = [fake(1, 1), fake(2, 2), fake(3, 3), fake(4, 4)]
    laid = paper_graph(papers, {3: [2], 4: [1]}, None)
    y = {n.paper.pk: n.y for n in laid.nodes}
    assert y[4] < y[3]  # 4 needs the first row's paper, so it comes first despite its number


def test_tallies_read_as_words_and_shapes():
    laid = paper_graph(
        [fake(1, 1), fake(2, 2), fake(3, 3)],
        {},
        {1: PaperTally(done=2, total=2), 2: PaperTally(done=1, started=0, total=3)},
    )
    shown = {n.paper.pk: (n.shape, n.status) for n in laid.nodes}
    assert shown == {
        1: ("graph-done", "done on 2 of 2 paths"),
        2: ("graph-started", "done on 1 of 3 paths"),
        3: ("graph-plain", ""),
    }


@pytest.mark.django_db
def test_the_papers_page_draws_every_paper_once_and_anonymous_without_statuses(roadmap, client):
    html = client.get("/papers/").content.decode()
    assert 'class="paper-graph"' in html
    published = Paper.objects.filter(status="published")
    for paper in published:
        assert html.count(f'<a href="{paper.get_absolute_url()}" class="graph-node') == 1
    assert "graph-done" not in html
    assert " paths</text>" not in html
    assert "paper-graph" not in client.get("/papers/?topic=vision").content.decode()


@pytest.mark.django_db
def test_a_learner_sees_each_paper_s_status_across_their_paths(roadmap, user, auth_client):
    transformers = Paper.objects.get(slug="attention-is-all-you-need")
    for slug in ("software-engineer", "ml-student-researcher"):
        path = Path.objects.get(slug=slug)
        services.enrollment_create(user=user, path=path, depth="quick")
    auth_client.get("/papers/")  # kept for this learner version, then changed
    services.paper_mark_read(user=user, paper=transformers)
    html = auth_client.get("/papers/").content.decode()
    enrolled = Enrollment.objects.filter(user=user).count()
    assert enrolled == 2
    node = html.split(f'<a href="{transformers.get_absolute_url()}" class="graph-node ')[1]
    assert node.startswith("graph-done")
    assert "done on 2 of 2 paths</text>" in node.split("</a>")[0]
    assert "not started on" in html
