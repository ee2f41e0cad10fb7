"""Study group writes at the same moment (a double click, two tabs, an organiser and a member
acting at once): one result, no error, no deadlock."""

import threading
import time

import pytest
from django.db import connection

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


def test_deleting_an_organisers_account_while_the_successor_leaves_another_group_never_deadlocks(
    monkeypatch,
):
    """The deletion hands two groups on; the successor of the first leaves the second at that
    moment (group row, then their account row). The deletion must hold both groups before its
    first hand-over locks the successor's account row, or each waits for the other."""
    leaving, gone = UserFactory(), UserFactory()
    first, second = make_group(gone, name="First"), make_group(gone, name="Second")
    join(first, leaving, "Grace")
    join(second, UserFactory(), "Alan")
    join(second, leaving, "Grace")
    promoted, leaving_started = threading.Event(), threading.Event()
    save = GroupMembership.save

    def save_then_let_the_leaver_in(self, *args, **kwargs):
        save(self, *args, **kwargs)
        if threading.current_thread().name == "delete" and not promoted.is_set():
            promoted.set()
            leaving_started.wait(10)
            time.sleep(0.5)  # the leaver now holds, or waits for, the second group's row

    monkeypatch.setattr(GroupMembership, "save", save_then_let_the_leaver_in)
    errors = []

    def delete():
        try:
            learner_services.account_delete(user=gone)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def leave():
        try:
            promoted.wait(10)
            leaving_started.set()
            services.group_leave(membership=membership(second, leaving))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=delete, name="delete"), threading.Thread(target=leave)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert membership(second, leaving).state == "left"
    assert GroupMembership.objects.filter(group=second, role="organiser", state="active").exists()
