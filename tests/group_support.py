"""Study groups for tests: a group made and joined through the services, as the site does."""

from __future__ import annotations

from learning.groups import services
from learning.models import GroupMembership, StudyGroup

from .factories import PathFactory, UserFactory


def make_group(organiser=None, *, path=None, members=0, name="Reading circle", **schedule):
    """A group on `path` (a new published path of two phases by default) organised by
    `organiser` (a new learner by default), with `members` more learners joined by its link
    (named "Member 1", …). Returns the group."""
    organiser = organiser or UserFactory()
    path = path or PathFactory(phase_sizes=[3, 2])
    group, _ = services.group_create(
        user=organiser, path=path, name=name, display_name="Organiser", **schedule
    )
    for number in range(1, members + 1):
        join(group, UserFactory(), f"Member {number}")
    return group


def join(group: StudyGroup, user, display_name: str = "Member") -> GroupMembership:
    group.refresh_from_db()
    return services.group_join(
        group=group, user=user, token=group.invite_token, display_name=display_name
    )


def membership(group: StudyGroup, user) -> GroupMembership:
    return GroupMembership.objects.get(group=group, user=user)
