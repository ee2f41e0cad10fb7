"""Every page costs a fixed number of queries, however much content there is."""

import copy
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.content import content_import

# Anonymous visitors; a curator adds the session and user lookups.
PINNED = {
    "/": 7,
    "/paths/software-engineer/": 5,
    "/papers/": 3,
    "/papers/?topic=vision": 3,
    "/papers/clip/": 5,
    "/topics/vision/": 2,
    "/glossary/": 2,
    "/pages/comparisons/": 1,
    "/search/?q=attention": 5,
    "/builder/": 5,
}


def multiplied(document: dict, factor: int) -> dict:
    """The content `factor` times over. Every collection grows, and so does what the pinned
    pages show: each path gets `factor` times its phases and steps (covering the same papers),
    each topic and glossary term links the copies of its papers too."""
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
                result[collection].append(entry)
        originals = result["paths"][: len(document["paths"])]
        for original, grown in zip(document["paths"], originals, strict=True):
            for phase in original["phases"]:
                phase = copy.deepcopy(phase)
                phase["slug"] = (
                    f"{phase.get('slug') or phase['label'].lower().replace(' ', '-')}{suffix}"
                )
                for step in phase["steps"]:
                    step["slug"] += suffix
                grown["phases"].append(phase)
            path = copy.deepcopy(original)
            path["slug"] += suffix
            path["number"] += 10 * n
            result["paths"].append(path)
    for entry in result["topics"] + result["glossary"]:
        entry["papers"] = entry["papers"] + [
            f"{slug}-copy{n}"
            for n in range(1, factor)
            for slug in entry["papers"]
            if not slug.endswith(tuple(f"-copy{m}" for m in range(1, factor)))
        ]
    return result


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_multiplied_content_is_ten_times_the_seed(content_document):
    tenfold = multiplied(content_document, 10)
    assert len(tenfold["papers"]) == 150
    engineer = next(p for p in tenfold["paths"] if p["slug"] == "software-engineer")
    assert sum(len(ph["steps"]) for ph in engineer["phases"]) == 90
    vision = next(t for t in tenfold["topics"] if t["slug"] == "vision")
    assert len(vision["papers"]) == 50


# Logged in: the session and the user, and on a path page the learner's enrolment, statuses
# and papers read in other paths.
LOGGED_IN_EXTRA = dict.fromkeys(PINNED, 2) | {"/paths/software-engineer/": 5}


def test_logged_in_pages_add_a_fixed_few_queries(roadmap, curator_client):
    for url, expected in PINNED.items():
        assert count_queries(curator_client, url) == expected + LOGGED_IN_EXTRA[url], url


LEARNER_PINNED = {"/paths/software-engineer/": 10, "/dashboard/": 12}

# Admin pages for a curator (session, user, the curator's permissions, then the page's own).
ADMIN_PINNED = {
    "/admin/learning/step/": 10,
    "/admin/learning/path/": 8,
    "/admin/learning/phase/": 9,
    "/admin/papers/paper/": 9,
    "/admin/papers/glossaryterm/": 9,
    "step change": 11,
    "phase change": 8,
    "path change": 8,
    "paper change": 9,
    "topic change": 8,
}


def _work(user, *, steps: int) -> None:
    from learning import services
    from learning.models import Path, Step

    for slug in ("software-engineer", "complete-beginner"):
        path = Path.objects.get(slug=slug)
        enrollment = services.enrollment_create(user=user, path=path, depth="thorough")[0]
        for step in Step.objects.filter(path=path).order_by("pk")[:steps]:
            services.step_progress_set(enrollment=enrollment, step=step, status="done")
            services.step_note_set(enrollment=enrollment, step=step, note="a note")


def admin_urls() -> dict[str, str]:
    from django.urls import reverse

    from learning.models import Step
    from papers.models import Topic

    step = Step.objects.get(path__slug="software-engineer", slug="transformers")
    topic = Topic.objects.get(slug="vision")
    urls = {url: url for url in ADMIN_PINNED if url.startswith("/")}
    urls["step change"] = reverse("admin:learning_step_change", args=[step.pk])
    urls["phase change"] = reverse("admin:learning_phase_change", args=[step.phase_id])
    urls["path change"] = reverse("admin:learning_path_change", args=[step.path_id])
    urls["paper change"] = reverse("admin:papers_paper_change", args=[step.papers.first().pk])
    urls["topic change"] = reverse("admin:papers_topic_change", args=[topic.pk])
    return urls


def test_query_counts_are_pinned_and_do_not_grow_with_tenfold_content(
    roadmap, client, make_user, content_document
):
    """One tenfold load for every page: public (anonymous and logged in), learner, admin."""
    from django.core.management import call_command
    from django.test import Client

    learner = make_user()
    _work(learner, steps=3)
    _work(make_user(), steps=2)
    viewer = Client()
    viewer.force_login(learner)
    editor_user = make_user("editor@example.com")
    call_command("curator", "add", editor_user.email, stdout=io.StringIO())
    editor = Client()
    editor.force_login(editor_user)

    from learning import services
    from learning.models import Enrollment

    shared = Enrollment.objects.get(user=learner, path__slug="software-engineer")
    services.enrollment_sharing_set(enrollment=shared, shared=True)
    shared.refresh_from_db()
    shared_url = f"/shared/{shared.share_token}/"

    def measure() -> dict:
        urls = admin_urls()
        for url in urls.values():  # warm per-process caches (content types, permissions)
            editor.get(url)
        return {
            "anonymous": {url: count_queries(client, url) for url in PINNED},
            "logged in": {url: count_queries(viewer, url) - LOGGED_IN_EXTRA[url] for url in PINNED},
            "learner": {url: count_queries(viewer, url) for url in LEARNER_PINNED},
            "shared and export": {
                "shared page": count_queries(client, shared_url),
                "export": count_queries(viewer, "/accounts/data/export.json"),
            },
            "admin": {name: count_queries(editor, url) for name, url in urls.items()},
        }

    small = measure()
    content_import(document=multiplied(content_document, 10), source="tenfold")
    _work(learner, steps=12)
    for _ in range(3):
        _work(make_user(), steps=6)
    large = measure()
    expected = {
        "anonymous": PINNED,
        "logged in": PINNED,
        "learner": LEARNER_PINNED,
        "shared and export": {"shared page": 9, "export": 8},
        "admin": ADMIN_PINNED,
    }
    assert small == expected
    assert large == expected


def test_personal_path_pages_cost_the_same_for_a_short_and_a_long_plan(roadmap, make_user):
    """A learner's personal path, its re-plan in the builder, its calendar, the dashboard and
    the data export: the same number of queries for a 4-paper plan and a 15-paper one, with
    progress on every step and a step removed from the plan."""
    from django.test import Client

    from learning import services
    from learning.models import Enrollment, Path, Step

    from .test_builder import BUILDER, plan, save

    def measure(answers: dict) -> dict:
        learner = make_user()
        client = Client()
        client.force_login(learner)
        plan(client, **answers)
        save(client)
        path = Path.objects.get(owner=learner)
        enrollment = Enrollment.objects.get(user=learner, path=path)
        steps = list(Step.objects.filter(path=path))
        for step in steps:
            services.step_progress_set(enrollment=enrollment, step=step, status="done")
            services.step_note_set(enrollment=enrollment, step=step, note="a note")
        client.get(BUILDER + f"?path={path.slug}")
        client.post(BUILDER, {"action": "remove", "key": steps[-1].slug})
        save(client, confirm="yes")
        client.get(BUILDER + f"?path={path.slug}")
        return {
            "path page": count_queries(client, path.get_absolute_url()),
            "re-plan": count_queries(client, BUILDER),
            "calendar": count_queries(client, f"/paths/{path.slug}/calendar.ics"),
            "dashboard": count_queries(client, "/dashboard/"),
            "export": count_queries(client, "/accounts/data/export.json"),
        }

    short = measure({"background": "product-manager", "interests": []})
    long = measure({"background": "researcher", "interests": ["vision", "language", "efficiency"]})
    pinned = {"path page": 11, "re-plan": 12, "calendar": 11, "dashboard": 12, "export": 10}
    assert short == pinned
    assert long == pinned
