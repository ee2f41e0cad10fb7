"""Study group writes at the same moment (a double click, two tabs, an organiser and a member
acting at once): one result, no error, no deadlock."""

import threading

import pytest

from learning import services as learner_services
from learning.groups import services
from learning.models import Enrollment, GroupMembership, StudyGroup

from .concurrency import at_once
from .factories import PathFactory, UserFactory, steps_of
from .group_support import join, make_group, membership

pytestmark = pytest.mark.django_db(transaction=True)


def test_joining_twice_at_once_leaves_one_membership_and_one_enrolment():
    group = make_group()
    learner = UserFactory()
    errors = at_once(lambda: join(StudyGroup.objects.get(pk=group.pk), learner, "Grace"), 4)
    assert errors == []
    assert GroupMembership.objects.filter(group=group, user=learner).count() == 1
    assert Enrollment.objects.filter(user=learner, path=group.path).count() == 1


def test_making_the_same_group_twice_at_once_leaves_one():
    organiser, path = UserFactory(), PathFactory(phase_sizes=[2])

    def create():
        services.group_create(user=organiser, path=path, name="Circle", display_name="Ada")

    assert at_once(create, 4) == []
    assert StudyGroup.objects.filter(path=path).count() == 1


def test_an_organiser_removing_a_member_while_they_mark_steps_never_deadlocks():
    organiser = UserFactory()
    group = make_group(organiser, path=PathFactory(phase_sizes=[6]))
    learner = UserFactory()
    gone = join(group, learner, "Grace")
    steps = steps_of(group.path)

    def mark():
        enrollment = Enrollment.objects.get(user=learner, path=group.path)
        for step in steps:
            learner_services.step_progress_set(enrollment=enrollment, step=step, status="done")

    def remove():
        services.member_remove(group=group, by=organiser, member_pk=gone.pk)
        services.group_rename(group=group, by=organiser, name="Renamed")

    actions, lock = [mark, remove], threading.Lock()

    def one_of_them():
        with lock:
            action = actions.pop()
        action()

    assert at_once(one_of_them, 2) == []
    assert membership(group, learner).state == "removed"
    assert learner.step_progress.filter(status="done").count() == len(steps)
