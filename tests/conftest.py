"""Fixtures shared by the whole suite: users and logged-in clients."""

import pytest

from accounts.services import superuser_ensure

PASSWORD = "correct-horse-battery-staple"


def pytest_collection_modifyitems(items):
    """Run the slower browser tests last, so the fast ones report first."""
    items.sort(key=lambda item: "/browser/" in str(item.fspath))


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
def auth_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def curator(db):
    curator, _ = superuser_ensure(email="curator@example.com", password=PASSWORD)
    return curator


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
