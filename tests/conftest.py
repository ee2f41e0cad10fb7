"""Fixtures shared by the whole suite: users and logged-in clients."""

from pathlib import Path as FilePath

import pytest
from django.test import Client, override_settings

from accounts.services import superuser_ensure
from learning.content import content_import, parse_document
from learning.models import Path

PASSWORD = "correct-horse-battery-staple"


def pytest_collection_modifyitems(items):
    """Run the slower browser tests last, so the fast ones report first."""
    items.sort(key=lambda item: "/browser/" in str(item.fspath))


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
def make_user(db, django_user_model):
    """Create learners: make_user("a@example.com")."""
    created = iter(range(1, 10_000))

    def make(email=None, **extra):
        email = email or f"learner{next(created)}@example.com"
        return django_user_model.objects.create_user(email=email, password=PASSWORD, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("learner@example.com")


@pytest.fixture
def other_user(make_user):
    """A second learner, for checking that one learner never sees another's data."""
    return make_user("someone.else@example.com")


@pytest.fixture
def auth_client(user):
    """A client logged in as `user`, separate from the anonymous `client` fixture."""
    logged_in = Client()
    logged_in.force_login(user)
    return logged_in


@pytest.fixture
def curator(db):
    curator, _ = superuser_ensure(email="curator@example.com", password=PASSWORD)
    return curator


@pytest.fixture
def curator_client(curator):
    logged_in = Client()
    logged_in.force_login(curator)
    return logged_in


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
