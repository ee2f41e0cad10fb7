"""Public pages are rendered once per content version and served from the cache to anonymous
visitors: a curator's edit shows on the very next request, whatever wrote it, and no visitor is
ever served another's bytes (CSRF token, messages, user menu)."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.content_version import content_version
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

from .factories import EnrollmentFactory, PaperFactory, PathFactory

NEW = "Freshly edited by a curator"


def seed_step() -> Step:
    return Step.objects.get(path__slug="software-engineer", slug="transformers")


# model, how to find one instance in the seed, the text field edited, the page that shows it
EDITS = [
    (Paper, lambda: Paper.objects.get(slug="clip"), "title", "/papers/"),
    (Topic, lambda: Topic.objects.get(slug="vision"), "title", "/topics/vision/"),
    (GlossaryTerm, lambda: GlossaryTerm.objects.published().first(), "term", "/glossary/"),
    (Page, lambda: Page.objects.get(slug="comparisons"), "title", "/pages/comparisons/"),
    (RoadmapInfo, lambda: RoadmapInfo.objects.first(), "tagline", "/"),
    (Depth, lambda: Depth.objects.first(), "description", "/"),
    (Checklist, lambda: Checklist.objects.first(), "title", "/"),
    (ChecklistItem, lambda: ChecklistItem.objects.first(), "text", "/"),
    (Path, lambda: Path.objects.get(slug="software-engineer"), "goal", "/paths/software-engineer/"),
    (Phase, lambda: seed_step().phase, "title", "/paths/software-engineer/"),
    (Step, seed_step, "title", "/paths/software-engineer/"),
    (
        PathSection,
        lambda: PathSection.objects.filter(path__slug="software-engineer").first(),
        "title",
        "/paths/software-engineer/",
    ),
]


def served_twice(client: Client, url: str) -> str:
    """The page as served from the cache (the second request)."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("how", ["save", "update"])
@pytest.mark.parametrize(
    ("model", "find", "field", "url"), EDITS, ids=[model.__name__ for model, *_ in EDITS]
)
def test_an_edit_shows_on_the_next_anonymous_request(roadmap, client, model, find, field, url, how):
    assert NEW not in served_twice(client, url)
    obj = find()
    if how == "save":  # the admin, a revert, an import
        setattr(obj, field, NEW)
        obj.save()
    else:  # a bulk update (reordering, publishing several at once) sends no signals
        model.objects.filter(pk=obj.pk).update(**{field: NEW})
    assert NEW in client.get(url).content.decode()


def test_links_between_content_show_on_the_next_request(roadmap, client):
    """Links (a step's papers, a topic's papers) live in tables of their own."""
    served_twice(client, "/topics/vision/")
    served_twice(client, "/paths/software-engineer/")
    paper = PaperFactory(title=NEW)
    TopicPaper.objects.create(topic=Topic.objects.get(slug="vision"), paper=paper, position=99)
    StepPaper.objects.create(step=seed_step(), paper=paper, position=99)
    assert NEW in client.get("/topics/vision/").content.decode()
    assert paper.short_name in client.get("/paths/software-engineer/").content.decode()


def test_a_learners_personal_path_leaves_the_content_version_alone(roadmap, make_user):
    path = PathFactory(owner=make_user(), phase_sizes=[2])  # its papers are content
    before = content_version()
    Step.objects.filter(path=path).update(title="Mine")
    Step.objects.create(path=path, phase=path.phases.first(), slug="extra", title="Extra")
    Path.objects.filter(pk=path.pk).update(title="My plan, renamed")
    path.delete()
    assert content_version() == before
    Path.objects.filter(slug="software-engineer").update(goal=NEW)
    assert content_version() > before


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_each_visitor_gets_their_own_csrf_token_and_can_use_it(roadmap):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    url = "/paths/software-engineer/"
    first_page = served_twice(first, url)
    second_page = second.get(url).content.decode()  # from the cache, rendered for `first`
    assert csrf_of(first_page) != csrf_of(second_page)
    assert "csrf-token-of-this-visitor" not in second_page
    response = second.post(
        f"{url}start/",
        {"depth": "quick", "csrfmiddlewaretoken": csrf_of(second_page)},
    )
    assert response.status_code == 302
    assert "/accounts/signup/" in response["Location"]


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_a_page_from_the_cache_names_this_responses_csp_nonce(roadmap, client, user, client_for):
    """Its script tags carry the nonce this response's Content-Security-Policy allows (so the
    browser runs them), never the one of the response it was first rendered for."""
    learner = client_for(user)
    for visitor, url in [(client, "/"), (client, "/paths/software-engineer/"), (learner, "/"),
                         (learner, "/dashboard/")]:  # fmt: skip
        first = visitor.get(url)
        again = visitor.get(url)  # from the cache
        assert nonce_of(first) != nonce_of(again)
        html = again.content.decode()
        assert f'htmx.min.js" nonce="{nonce_of(again)}"' in html, url
        assert "csp-nonce-of-this-response" not in html


def test_no_logged_in_byte_reaches_an_anonymous_visitor(roadmap, user, client_for):
    learner = client_for(user)
    for url in ("/", "/paths/software-engineer/", "/papers/clip/", "/glossary/"):
        assert user.email in learner.get(url).content.decode()
        anonymous = served_twice(Client(), url)
        assert user.email not in anonymous
        assert "Log in" in anonymous


def test_a_visitor_with_messages_is_served_them_and_nobody_else_is(roadmap, user, client):
    logged_in = Client()
    logged_in.force_login(user)
    logged_in.post("/accounts/logout/", follow=False)
    page = logged_in.get("/").content.decode()  # the logout message, on a page of its own
    assert "You have signed out." in page
    assert "You have signed out." not in served_twice(client, "/")


def test_search_results_for_a_repeated_query_come_from_the_cache(roadmap, client):
    served_twice(client, "/search/?q=attention")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/?q=attention")
    assert response.status_code == 200
    assert "Attention" in response.content.decode()
    assert len(captured) == 1  # the content version


def test_failed_logins_are_counted_in_the_shared_cache(roadmap, user, client):
    """Without Redis, the default cache is PostgreSQL's, shared by every worker process: allauth's
    rate limit counts there, not per process."""
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_cache")
        before = cursor.fetchone()[0]
    client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_cache")
        assert cursor.fetchone()[0] > before


def test_learners_share_the_cached_page_each_with_their_own_menu(roadmap, make_user, client_for):
    first, second = make_user(), make_user()
    for url in ("/", "/papers/", "/papers/clip/", "/glossary/", "/search/?q=attention"):
        served_twice(client_for(first), url)
        page = client_for(second).get(url).content.decode()
        assert f"Account menu for {second.email}" in page
        assert first.email not in page
        assert "Log in" not in page


def test_a_learners_own_paths_are_never_hidden_by_the_shared_page(roadmap, user, client_for):
    """A learner following a path curators took back to draft still finds it in the catalog,
    and their personal path's steps on a paper's page; other visitors do not."""
    learner = client_for(user)
    served_twice(Client(), "/")
    path = Path.objects.get(slug="software-engineer")
    EnrollmentFactory(user=user, path=path)
    Path.objects.filter(pk=path.pk).update(status="draft")
    assert path.title in learner.get("/").content.decode()
    assert path.title not in served_twice(Client(), "/")
    mine = PathFactory(owner=user, title="My own plan of papers", phase_sizes=[1])
    paper = mine.steps.first().papers.first()
    assert "My own plan of papers" in learner.get(paper.get_absolute_url()).content.decode()
    assert "My own plan of papers" not in served_twice(Client(), paper.get_absolute_url())


def test_a_learners_status_is_live_on_the_cached_outline(roadmap, user, client_for):
    learner = client_for(user)
    path = Path.objects.get(slug="software-engineer")
    learner.post(f"/paths/{path.slug}/start/", {"depth": "quick"})
    served_twice(learner, path.get_absolute_url())
    step = path.steps.filter(archived=False).order_by("phase__position", "position").first()
    learner.post(f"/steps/{step.pk}/status/", {"status": "done"})
    page = learner.get(path.get_absolute_url()).content.decode()
    assert re.search(rf'id="status-{step.pk}-done"\s+aria-pressed="true"', page)


def test_only_the_query_parameters_a_page_reads_make_another_entry(roadmap, client):
    served_twice(client, "/papers/")
    with CaptureQueriesContext(connection) as captured:
        tagged = client.get("/papers/?utm_source=newsletter")
    assert len(captured) == 1  # the same entry as /papers/: only the content version is read
    assert tagged.status_code == 200
    assert "BERT" in client.get("/papers/").content.decode()
    assert "BERT" not in client.get("/papers/?topic=vision").content.decode()
    assert "Diffusion" in client.get("/search/?q=diffusion").content.decode()
    assert "No results" not in client.get("/search/?q=attention").content.decode()


def test_a_csrf_cookie_only_where_a_page_has_a_form_that_posts(roadmap, settings):
    """A page without a form sets no cookie (served as is from the cache); the path page's
    Start form gets the visitor's own token, and the cookie that goes with it."""
    for _ in range(2):
        glossary = Client().get("/glossary/")
        assert glossary.status_code == 200
        assert settings.CSRF_COOKIE_NAME not in glossary.cookies
        assert b"csrfmiddlewaretoken" not in glossary.content
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/paths/software-engineer/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert settings.CSRF_COOKIE_NAME in visitor.cookies
    start = visitor.post(
        "/paths/software-engineer/start/", {"depth": "quick", "csrfmiddlewaretoken": token}
    )
    assert start.status_code == 302  # on to sign up: the token was accepted
