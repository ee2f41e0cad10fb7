"""Fixtures shared by the whole suite: users, logged-in clients and the seed roadmap.

Tests that only need *some* content make it with tests.factories; the seed roadmap (the
`roadmap` fixture) is for the tests about the seed itself."""

import io
from pathlib import Path as FilePath

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings
from pytest_django.plugin import blocking_manager_key

from accounts.services import superuser_ensure
from learning.content import content_import, parse_document
from learning.models import Path

from .digest_support import subscribing
from .email_support import SITE
from .factories import PASSWORD, EnrollmentFactory, PathFactory, UserFactory, steps_of

# The two longest modules start first, each on its own worker when the suite runs in parallel
# (pytest-xdist, one file per worker at a time, in this order), so the others fill in around them.
LONGEST_FIRST = ("test_durability_model.py", "test_query_counts.py")
# Fixtures whose tests commit, and so end by emptying the database.
FLUSHING_FIXTURES = {"transactional_db", "live_server", "page"}


def forget_rendered_pages() -> None:
    """Empty this process's caches of rendered pages and content, so that the next view of a
    page is its first (a test measuring what a first view costs)."""
    for alias in ("rendered", "learner_pages"):
        caches[alias].clear()


def pytest_collection_modifyitems(items):
    """The longest modules first, then the rest, the slower browser tests last."""

    def order(item) -> tuple[int, int]:
        name = item.path.name
        if name in LONGEST_FIRST:
            return (0, LONGEST_FIRST.index(name))
        return (2 if "browser" in item.path.parts else 1, 0)

    items.sort(key=order)


def flushes(item) -> bool:
    """Whether the test commits, so that Django empties the database (the seed with it) when
    it ends."""
    marker = item.get_closest_marker("django_db")
    committed = marker is not None and marker.kwargs.get("transaction", False)
    return committed or not FLUSHING_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that emptied the database, load the seed again, once, for the tests after
    it (otherwise every later test that needs it would load it inside its own transaction)."""
    result = yield
    if nextitem is not None and flushes(item):
        with item.config.stash[blocking_manager_key].unblock():
            load_roadmap()
    return result


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """A real password hash takes a fifth of a second by design, and the suite makes hundreds of
    accounts: tests use a fast hasher (login, sign-up and re-authentication work the same)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db):
    """Create learners: make_user("a@example.com")."""
    created = iter(range(1, 10_000))

    def make(email=None, **extra):
        email = email or f"learner{next(created)}@example.com"
        return UserFactory(email=email, **extra)

    return make


@pytest.fixture
def client_for(db):
    """A client logged in as a user: client_for(user), or with Client's options,
    client_for(user, enforce_csrf_checks=True)."""

    def log_in(user, **client_options) -> Client:
        logged_in = Client(**client_options)
        logged_in.force_login(user)
        return logged_in

    return log_in


@pytest.fixture
def user(make_user):
    return make_user("learner@example.com")


@pytest.fixture
def other_user(make_user):
    """A second learner, for checking that one learner never sees another's data."""
    return make_user("someone.else@example.com")


@pytest.fixture
def auth_client(user, client_for):
    """A client logged in as `user`, separate from the anonymous `client` fixture."""
    return client_for(user)


@pytest.fixture
def path(db):
    """A published curated path (not the seed's): two phases, of three steps and of two, each
    step with a paper of its own."""
    return PathFactory(phase_sizes=[3, 2])


@pytest.fixture
def steps(path):
    """The path's steps in reading order."""
    return steps_of(path)


@pytest.fixture
def enrollment(user, path):
    """`user` following `path` at the Thorough depth."""
    return EnrollmentFactory(user=user, path=path, depth="thorough")


@pytest.fixture
def curator(db):
    curator, _ = superuser_ensure(email="curator@example.com", password=PASSWORD)
    return curator


@pytest.fixture
def curator_client(curator, client_for):
    return client_for(curator)


@pytest.fixture
def curator_user(make_user):
    """A staff member in the Curators group, as `manage.py curator add` makes one (content only,
    unlike the superuser `curator`)."""
    user = make_user("editor@example.com")
    call_command("curator", "add", user.email, stdout=io.StringIO())
    user.refresh_from_db()
    return user


@pytest.fixture
def editor(curator_user, client_for):
    """A client logged in as `curator_user`."""
    return client_for(curator_user)


CONTENT_FILE = FilePath(__file__).resolve().parent.parent / "content" / "roadmap.yaml"


@pytest.fixture
def content_document():
    """The repository's content file, parsed (a fresh copy per test)."""
    return parse_document(CONTENT_FILE.read_text(encoding="utf-8"), str(CONTENT_FILE))


def load_roadmap():
    text = CONTENT_FILE.read_text(encoding="utf-8")
    return content_import(
        document=parse_document(text, str(CONTENT_FILE)), source=str(CONTENT_FILE)
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the seed roadmap once into the test database; each test's changes roll back."""
    with django_db_blocker.unblock():
        load_roadmap()


@pytest.fixture
def roadmap(db):
    """The whole seed roadmap, as `make run` loads it (again after a transactional test's flush)."""
    if not Path.objects.exists():
        load_roadmap()


@pytest.fixture
def digest_site(settings):
    """The site's address, for the links of emails a command sends (the weekly digest)."""
    settings.SITE_URL = SITE


@pytest.fixture
def subscriber(make_user):
    """Make learners with a confirmed primary address who asked for the weekly digest."""
    return subscribing(make_user)
