"""The content version changes with every committed write to content, whoever writes, and
content writers never deadlock over it."""

import threading

import pytest
from django.db import connection, connections, transaction

from core.content_version import content_version
from learning.models import PathSection, Step
from papers.models import Paper

from .factories import PaperFactory, PathFactory


def test_a_step_moved_from_a_curated_path_to_a_personal_one_changes_the_version(make_user):
    curated = PathFactory(phase_sizes=[2])
    personal = PathFactory(owner=make_user(), phase_sizes=[1])
    before = content_version()
    step = Step.objects.filter(path=curated).first()
    Step.objects.filter(pk=step.pk).update(path=personal, phase=personal.phases.first())
    assert content_version() > before


def test_emptying_a_path_table_changes_the_version(db):
    PathFactory(phase_sizes=[1])
    before = content_version()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE learning_pathsection")
    assert not PathSection.objects.exists()
    assert content_version() > before


@pytest.mark.django_db(transaction=True)
def test_two_curators_saving_the_same_papers_in_opposite_order_do_not_deadlock(django_db_blocker):
    """Curator 1 saves paper A then B; curator 2 saves B meanwhile. Without a common lock order
    curator 2 would hold B while waiting for the version, and curator 1 wait for B: deadlock."""
    first, second = PaperFactory(), PaperFactory()
    first_saved, errors = threading.Event(), []

    def curator_two():
        try:
            first_saved.wait(5)
            with django_db_blocker.unblock(), transaction.atomic():
                Paper.objects.filter(pk=second.pk).update(title="Saved by curator 2")
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    other = threading.Thread(target=curator_two)
    other.start()
    with transaction.atomic():
        Paper.objects.filter(pk=first.pk).update(title="Saved by curator 1")
        first_saved.set()
        other.join(0.5)  # curator 2 is now waiting for the version, holding nothing
        Paper.objects.filter(pk=second.pk).update(title="Also saved by curator 1")
    other.join(10)
    assert errors == []
    assert Paper.objects.get(pk=second.pk).title == "Saved by curator 2"
