"""Every page costs a fixed number of queries, however much content there is.

One test per page and kind of visitor, each pinned at two sizes: the seed roadmap, and ten
times its content with more learners' progress. The tenfold content is loaded once for the
module (see `site`): the seed-size counts are taken just before it, each test takes its page's
tenfold count, and a failure names the page and lists its queries at the size that failed.
"""

import copy
import io
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import services
from learning.content import content_import, parse_document
from learning.models import Enrollment, Path, Step
from papers.models import Topic

from .conftest import CONTENT_FILE, forget_rendered_pages, load_roadmap
from .factories import UserFactory

# Anonymous visitors, pinned as (the first request after a content change, a request after it):
# a public page is rendered once per content version (one query reads it), then served from the
# rendered cache. A logged-in visitor adds the session and user lookups; on a path page their
# enrolment, statuses and papers read in other paths are laid over the path's outline, which is
# built once per content version, and the page is then kept under their learner version (read
# with their account): served again, it costs what a cached content page costs (session, user,
# content version). Curators (staff) always get fresh pages.
PINNED = {
    "/": 7,
    "/paths/software-engineer/": 5,
    "/papers/": 4,  # with the prerequisite graph: every prerequisite pair in one query
    "/papers/?topic=vision": 3,
    "/papers/clip/": 5,
    "/topics/vision/": 2,
    "/glossary/": 2,
    "/pages/comparisons/": 1,
    "/search/?q=attention": 5,
    # A typo: the five full-text queries find nothing, then one for "Did you mean" and two for
    # the names spelled like it (search/fuzzy.py).
    "/search/?q=transformr": 8,
    "/builder/": 5,
}
SERVED_FROM_CACHE = set(PINNED) - {"/builder/"}
# The path page first reads which path its address names (its head, remembered per content
# version like the outline: a learner's kept page needs no more).
ANONYMOUS_PINNED = {
    url: (count + 1, 1) if url in SERVED_FROM_CACHE else count for url, count in PINNED.items()
} | {"/paths/software-engineer/": (7, 1)}
LOGGED_IN_EXTRA = dict.fromkeys(PINNED, 2) | {"/paths/software-engineer/": 5}
# A learner is served the same cached pages, once one query has told that theirs would not differ
# (no draft path followed, no personal path listed); the answer is remembered per content version
# and learner version, so a page served again costs what a cached content page costs.
DIFFERS_CHECK = dict.fromkeys(SERVED_FROM_CACHE, 0) | {
    "/": 1,
    "/search/?q=attention": 1,
    "/search/?q=transformr": 1,
}
# A paper's page and the papers' graph are the learner's own (their status for a paper on each of
# their paths, one query): kept under their learner version like their path page, with no check
# whether it differs.
PAPER_STATUSES = {"/papers/clip/": 1, "/papers/": 1}
LOGGED_IN_PINNED = {
    url: (count + 3 + DIFFERS_CHECK[url] + PAPER_STATUSES.get(url, 0), 3)
    if url in SERVED_FROM_CACHE
    else count + LOGGED_IN_EXTRA[url]
    for url, count in PINNED.items()
} | {"/paths/software-engineer/": (12, 3), "/builder/": (8, 3)}
CURATOR_PINNED = {
    url: count + LOGGED_IN_EXTRA[url] + PAPER_STATUSES.get(url, 0) for url, count in PINNED.items()
}
LEARNER_PINNED = {"/paths/software-engineer/": (12, 3), "/dashboard/": (15, 3)}
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
# The shared page reads its owner's learner version with the content version (one query), then
# serves what is kept; which enrolment the link names is read once per process.
SHARED_PINNED = {"shared page": (11, 1)}
EXPORT_PINNED = {"/accounts/data/export.json": 9}  # 8, and study groups (issue 15)

# kind of visitor -> page -> pinned count
PAGES = {
    "anonymous": ANONYMOUS_PINNED,
    "logged-in": LOGGED_IN_PINNED,
    "curator": CURATOR_PINNED,
    "learner": LEARNER_PINNED,
    "admin": ADMIN_PINNED,
    "shared": SHARED_PINNED,
    "export": EXPORT_PINNED,
}
CLIENT_OF_KIND = {
    "anonymous": "anonymous",
    "logged-in": "learner",
    "curator": "curator",
    "learner": "learner",
    "admin": "editor",
    "shared": "anonymous",
    "export": "learner",
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


def test_multiplied_content_is_ten_times_the_seed(content_document):
    tenfold = multiplied(content_document, 10)
    assert len(tenfold["papers"]) == 150
    engineer = next(p for p in tenfold["paths"] if p["slug"] == "software-engineer")
    assert sum(len(ph["steps"]) for ph in engineer["phases"]) == 90
    vision = next(t for t in tenfold["topics"] if t["slug"] == "vision")
    assert len(vision["papers"]) == 50


@dataclass
class Measured:
    status: int
    queries: list[str] = field(repr=False)

    @property
    def count(self) -> int:
        return len(self.queries)

    def explain(self, kind: str, page: str, size: str, pinned: int) -> str:
        lines = [f"{kind} {page} at {size}: {self.count} queries, pinned at {pinned}"]
        lines += [f"{number:3d}. {sql}" for number, sql in enumerate(self.queries, 1)]
        return "\n".join(lines)


@dataclass
class Site:
    """Who visits the pinned pages, where they are, and what each cost at the seed's size."""

    learner: object
    clients: dict[str, Client] = field(repr=False)
    urls: dict[str, str] = field(repr=False)
    seed_size: dict[tuple[str, str], Measured] = field(default_factory=dict, repr=False)

    def measure(self, kind: str, page: str) -> dict[str, Measured]:
        """The page's cost the first time after a content change (nothing rendered yet) and
        when it is served again (content from the rendered cache)."""
        client = self.clients[CLIENT_OF_KIND[kind]]
        url = self.urls.get(page, page)
        if kind == "admin":
            client.get(url)  # warm per-process caches (content types, permissions)
        forget_rendered_pages()
        costs = {}
        for when in ("first", "again"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            costs[when] = Measured(
                response.status_code, [q["sql"] for q in captured.captured_queries]
            )
        return costs


def work(user, *, steps: int) -> None:
    """Statuses and notes on the first `steps` steps of two curated paths."""
    for slug in ("software-engineer", "complete-beginner"):
        path = Path.objects.get(slug=slug)
        enrollment = services.enrollment_create(user=user, path=path, depth="thorough")[0]
        for step in Step.objects.filter(path=path).order_by("pk")[:steps]:
            services.step_progress_set(enrollment=enrollment, step=step, status="done")
            services.step_note_set(enrollment=enrollment, step=step, note="a note")


def admin_urls() -> dict[str, str]:
    step = Step.objects.get(path__slug="software-engineer", slug="transformers")
    topic = Topic.objects.get(slug="vision")
    return {
        "step change": reverse("admin:learning_step_change", args=[step.pk]),
        "phase change": reverse("admin:learning_phase_change", args=[step.phase_id]),
        "path change": reverse("admin:learning_path_change", args=[step.path_id]),
        "paper change": reverse("admin:papers_paper_change", args=[step.papers.first().pk]),
        "topic change": reverse("admin:papers_topic_change", args=[topic.pk]),
    }


def visitors() -> Site:
    """A learner with progress (their path shared), another learner, a curator and an editor
    made a curator through the command, at the seed's size."""
    learner = UserFactory()
    work(learner, steps=3)
    work(UserFactory(), steps=2)
    editor = UserFactory()
    call_command("curator", "add", editor.email, stdout=io.StringIO())
    curator = UserFactory(is_staff=True, is_superuser=True)
    shared = Enrollment.objects.get(user=learner, path__slug="software-engineer")
    services.enrollment_sharing_set(enrollment=shared, shared=True)
    clients = {"anonymous": Client(), "learner": Client(), "curator": Client(), "editor": Client()}
    for name, user in (("learner", learner), ("curator", curator), ("editor", editor)):
        clients[name].force_login(user)
    urls = admin_urls() | {"shared page": f"/shared/{shared.share_token}/"}
    return Site(learner=learner, clients=clients, urls=urls)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The seed with learners, measured; then ten times the content and more learners' work,
    kept for the module's tests (each in a savepoint of this transaction) and rolled back
    after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Path.objects.exists():  # a transactional test flushed the seed
            load_roadmap()
        measured = visitors()
        for kind, pages in PAGES.items():
            for page in pages:
                measured.seed_size[kind, page] = measured.measure(kind, page)
        seed = parse_document(CONTENT_FILE.read_text(encoding="utf-8"), str(CONTENT_FILE))
        with override_settings(SIMPLE_HISTORY_ENABLED=False):  # history is not measured here
            content_import(document=multiplied(seed, 10), source="tenfold")
        work(measured.learner, steps=12)
        for _ in range(3):
            work(UserFactory(), steps=6)
        # Check the deferred foreign keys of all these rows now, once: otherwise every test's
        # end (Django checks constraints before rolling back to its savepoint) checks them again.
        connection.check_constraints()
        yield measured
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("kind", "target", "pinned"),
    [
        pytest.param(kind, target, pinned, id=f"{kind}-{target}")
        for kind, pages in PAGES.items()
        for target, pinned in pages.items()
    ],
)
def test_page_costs_its_pinned_queries_at_seed_size_and_tenfold(db, site, kind, target, pinned):
    first, again = pinned if isinstance(pinned, tuple) else (pinned, pinned)
    sizes = {
        "seed size": site.seed_size[kind, target],
        "tenfold content": site.measure(kind, target),
    }
    failures = []
    for size, costs in sizes.items():
        for when, expected in (("first", first), ("again", again)):
            measured = costs[when]
            assert measured.status == 200, (target, size, when)
            if measured.count != expected:
                failures.append(measured.explain(kind, target, f"{size}, {when}", expected))
    assert not failures, "\n\n".join(failures)
