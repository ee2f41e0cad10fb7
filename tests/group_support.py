"""Study groups for tests: a group made and joined through the services, as the site does."""

from __future__ import annotations

import datetime

from django.urls import reverse

from learning.groups import services
from learning.models import GroupMembership, Path, StudyGroup

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


def url(name: str, group: StudyGroup, *args) -> str:
    """The address of one of the group's pages: url("group_settings", group)."""
    return reverse(f"learning:{name}", args=[group.pk, *args])


def url_join(group: StudyGroup) -> str:
    """The group's current invite link."""
    group.refresh_from_db()
    return reverse("learning:group_join", args=[group.invite_token])


def group_pages(client_for, make_user, page) -> dict[str, str]:
    """Every study group page, rendered for the HTML checker (tests/test_html_valid.py): a
    group on the first curated path with a schedule, two members, a shared note; `page(client,
    url, method="get", data=None)` renders one."""
    organiser, member = make_user("ada.groups@example.com"), make_user("grace.groups@example.com")
    path = Path.objects.curated().published().order_by("number").first()
    group = make_group(organiser, path=path, start_date=datetime.date(2026, 1, 5), hours_per_week=5)
    services.membership_sharing_set(membership=join(group, member, "Grace"), sharing="notes")
    ada, grace = client_for(organiser), client_for(member)
    step = path.steps.order_by("phase__position", "position").first()
    grace.post(reverse("learning:step_note", args=[step.pk]), {"note": "A **shared** note."})
    args = [group.pk]
    # A group whose path a curator took back to draft: its board says so; its link refuses.
    paused = make_group(organiser, name="Paused circle", start_date=datetime.date(2099, 1, 5))
    Path.objects.filter(pk=paused.path_id).update(status="draft")
    paused.hours_per_week = 5
    paused.save(update_fields=["hours_per_week"])
    return {
        "group-board-path-draft": page(ada, paused.get_absolute_url()),
        "group-join-path-draft": page(client_for(member), url_join(paused)),
        "groups": page(ada, reverse("learning:group_list")),
        "group-new-with-errors": page(ada, reverse("learning:group_create"), "post", {"name": ""}),
        "group-board": page(grace, group.get_absolute_url()),
        "group-board-steps": page(ada, group.get_absolute_url() + "?steps=1"),
        "group-settings": page(ada, reverse("learning:group_settings", args=args)),
        "group-leave": page(grace, reverse("learning:group_leave", args=args)),
        "group-close": page(ada, reverse("learning:group_close", args=args)),
        "group-join": page(
            client_for(make_user("new.groups@example.com")),
            reverse("learning:group_join", args=[group.invite_token]),
        ),
    }
