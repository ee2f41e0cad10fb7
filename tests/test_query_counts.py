"""Every public page costs a fixed number of queries, however much content there is."""

import copy

from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.content import content_import

# Anonymous visitors; a curator adds the session and user lookups.
PINNED = {
    "/": 7,
    "/paths/software-engineer/": 6,
    "/papers/": 3,
    "/papers/?topic=vision": 3,
    "/papers/clip/": 5,
    "/topics/vision/": 3,
    "/glossary/": 2,
    "/pages/comparisons/": 1,
    "/search/?q=attention": 4,
}


def multiplied(document: dict, factor: int) -> dict:
    """The content `factor` times over: every paper, topic, term, page, path and checklist."""
    result = copy.deepcopy(document)
    for n in range(1, factor):
        suffix = f"-copy{n}"
        renamed = {p["slug"]: p["slug"] + suffix for p in document["papers"]}
        for paper in document["papers"]:
            paper = copy.deepcopy(paper)
            paper["slug"] = renamed[paper["slug"]]
            paper["number"] += 100 * n
            paper["prerequisites"] = [renamed[s] for s in paper["prerequisites"]]
            result["papers"].append(paper)
        for collection in ("topics", "glossary", "pages", "checklists"):
            for entry in document[collection]:
                entry = copy.deepcopy(entry)
                entry["slug"] += suffix
                if "papers" in entry:
                    entry["papers"] = [renamed[s] for s in entry["papers"]]
                result[collection].append(entry)
        for path in document["paths"]:
            path = copy.deepcopy(path)
            path["slug"] += suffix
            path["number"] += 10 * n
            for phase in path["phases"]:
                for step in phase["steps"]:
                    step["papers"] = [renamed[s] for s in step["papers"]]
            result["paths"].append(path)
    return result


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_multiplied_content_is_ten_times_the_seed(content_document):
    tenfold = multiplied(content_document, 10)
    assert len(tenfold["papers"]) == 150
    assert sum(len(ph["steps"]) for p in tenfold["paths"] for ph in p["phases"]) == 450


def test_query_counts_are_pinned_and_do_not_grow_with_tenfold_content(
    roadmap, client, content_document
):
    at_seed_size = {url: count_queries(client, url) for url in PINNED}
    content_import(document=multiplied(content_document, 10), source="tenfold")
    at_ten_times = {url: count_queries(client, url) for url in PINNED}
    assert at_seed_size == PINNED
    assert at_ten_times == PINNED


def test_curator_pages_add_only_the_session_and_user(roadmap, curator_client):
    for url, expected in PINNED.items():
        assert count_queries(curator_client, url) == expected + 2, url
