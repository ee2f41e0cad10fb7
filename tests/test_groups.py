"""Study groups: making one, joining by the invite link, leaving and removing members. Every
action is idempotent and never touches anyone's own progress (organisers' actions:
test_group_organisers.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.groups import services
from learning.models import (
    Enrollment,
    GroupMembership,
    Path,
    StepProgress,
    StudyGroup,
)

from .factories import EnrollmentFactory, PathFactory, StepProgressFactory, steps_of
from .group_support import join, make_group, membership, url, url_join


def progress_of(user):
    return sorted(StepProgress.objects.filter(user=user).values_list("step_id", "status", "note"))


# --- Making a group ------------------------------------------------------------------------


def test_a_learner_makes_a_group_on_a_curated_path_organises_it_and_starts_the_path(user):
    path = PathFactory(phase_sizes=[2])
    group, created = services.group_create(
        user=user, path=path, name="  Friday   readers ", display_name="Ada", hours_per_week=4
    )
    assert created
    assert group.name == "Friday readers"
    assert len(group.invite_token) == 43
    own = membership(group, user)
    assert (own.role, own.state, own.display_name) == ("organiser", "active", "Ada")
    assert Enrollment.objects.filter(user=user, path=path, depth=group.depth).exists()


def test_making_the_same_group_twice_leaves_one(user):
    path = PathFactory(phase_sizes=[1])
    first, _ = services.group_create(user=user, path=path, name="Circle", display_name="Ada")
    again, created = services.group_create(user=user, path=path, name="Circle", display_name="A")
    assert again == first
    assert not created
    assert StudyGroup.objects.count() == 1


def test_a_double_submitted_create_form_makes_one_group(auth_client):
    path = PathFactory(phase_sizes=[1])
    data = {"path": path.slug, "name": "Circle", "display_name": "Ada", "depth": "quick"}
    for _ in range(2):
        response = auth_client.post(reverse("learning:group_create"), data)
        assert response.status_code == 302
    group = StudyGroup.objects.get()
    assert response["Location"].startswith(url("group_settings", group))
    assert group.depth == "quick"


@pytest.mark.parametrize("status", ["draft"])
def test_groups_are_only_for_published_curated_paths(user, status, auth_client):
    draft = PathFactory(phase_sizes=[1], status=status)
    with pytest.raises(services.GroupError):
        services.group_create(user=user, path=draft, name="X", display_name="Ada")
    response = auth_client.post(
        reverse("learning:group_create"), {"path": draft.slug, "name": "X", "display_name": "A"}
    )
    assert response.status_code == 400
    assert not StudyGroup.objects.exists()


def test_a_personal_path_cannot_have_a_group(user):
    personal = PathFactory(phase_sizes=[1], owner=user)
    with pytest.raises(services.GroupError):
        services.group_create(user=user, path=personal, name="X", display_name="Ada")


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "display_name": "Ada"},
        {"name": "   ", "display_name": "Ada"},
        {"name": "X", "display_name": "ada@example.com"},
        {"name": "X", "display_name": "Ada", "hours_per_week": "0"},
        {"name": "X", "display_name": "Ada", "start_date": "not a date"},
    ],
)
def test_bad_create_forms_are_form_errors(auth_client, data):
    path = PathFactory(phase_sizes=[1])
    response = auth_client.post(
        reverse("learning:group_create"), {"path": path.slug, "depth": "thorough", **data}
    )
    assert response.status_code == 400
    assert not StudyGroup.objects.exists()


def test_the_groups_page_lists_the_learners_groups_and_offers_published_curated_paths(
    auth_client, user, other_user
):
    mine = make_group(user, name="Mine")
    make_group(other_user, name="Theirs")
    draft = PathFactory(title="Unpublished path", status="draft")
    page = auth_client.get(reverse("learning:group_list")).content.decode()
    assert "Mine" in page
    assert "Theirs" not in page
    assert mine.path.title in page
    assert draft.title not in page


# --- Joining -------------------------------------------------------------------------------


def test_joining_by_the_link_starts_the_path(other_user):
    group = make_group()
    joined = join(group, other_user, "Grace")
    assert (joined.role, joined.state, joined.display_name) == ("member", "active", "Grace")
    assert Enrollment.objects.get(user=other_user, path=group.path).depth == group.depth


def test_joining_keeps_the_learners_enrolment_and_progress_on_the_path(other_user):
    enrollment = EnrollmentFactory(user=other_user, depth="deep", hours_per_week=9)
    step = steps_of(enrollment.path)[0]
    StepProgressFactory(enrollment=enrollment, step=step, note="mine")
    before = progress_of(other_user)
    group = make_group(path=enrollment.path)
    join(group, other_user)
    enrollment.refresh_from_db()
    assert (enrollment.depth, enrollment.hours_per_week) == ("deep", 9)
    assert progress_of(other_user) == before


def test_joining_twice_leaves_one_membership(other_user, client_for):
    group = make_group()
    join(group, other_user, "Grace")
    join(group, other_user, "Someone else")
    client = client_for(other_user)
    response = client.post(url_join(group), {"display_name": "Third"})
    assert response.status_code == 302
    assert GroupMembership.objects.filter(group=group, user=other_user).count() == 1
    assert membership(group, other_user).display_name == "Grace"


def test_the_join_page_shows_the_group_and_its_path_and_joins_on_post(other_user, client_for):
    group = make_group(name="Transformers club", members=1)
    client = client_for(other_user)
    page = client.get(url_join(group))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Transformers club" in text
    assert group.path.title in text
    assert "Member 1" not in text
    assert "Organiser" not in text
    response = client.post(url_join(group), {"display_name": "Grace"})
    assert response["Location"] == group.get_absolute_url()
    assert client.get(group.get_absolute_url()).status_code == 200


def test_nobody_joins_while_the_groups_path_is_unpublished(user, other_user, client_for):
    group = make_group(user)
    Path.objects.filter(pk=group.path_id).update(status="draft")  # a curator takes it back
    group.refresh_from_db()
    with pytest.raises(services.GroupError, match="not taking new members"):
        join(group, other_user)
    client = client_for(other_user)
    page = client.get(url_join(group))
    assert page.status_code == 200
    assert "not taking new members" in page.content.decode()
    assert "Join the group" not in page.content.decode()
    assert client.post(url_join(group), {"display_name": "Grace"}).status_code == 409
    assert not Enrollment.objects.filter(user=other_user).exists()
    board = client_for(user).get(group.get_absolute_url())
    assert board.status_code == 200
    assert "not taking new members" in board.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_by_the_link(db, client):
    group = make_group()
    response = client.get(url_join(group))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_join_form_without_a_name_is_a_form_error(other_user, client_for):
    group = make_group()
    response = client_for(other_user).post(url_join(group), {"display_name": "  "})
    assert response.status_code == 400
    assert not GroupMembership.objects.filter(user=other_user).exists()


def test_a_revoked_replaced_unknown_or_expired_link_is_a_clear_404(user, other_user, client_for):
    group = make_group(user)
    client = client_for(other_user)
    old = url_join(group)
    services.invite_link_new(group=group, by=user)
    replaced = client.get(old)
    assert replaced.status_code == 404
    assert b"invite link does not work" in replaced.content
    services.invite_link_new(
        group=group, by=user, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(url_join(group)).status_code == 404
    assert client.post(url_join(group), {"display_name": "G"}).status_code == 404
    group.refresh_from_db()
    with pytest.raises(services.GroupError):
        services.group_join(
            group=group, user=other_user, token=group.invite_token, display_name="G"
        )
    services.invite_link_revoke(group=group, by=user)
    group.refresh_from_db()
    assert group.invite_token is None
    for token in ("x" * 43, "not-a-token", "a" * 300):
        assert client.get(f"/groups/join/{token}/").status_code == 404
    assert client.get("/groups/join/%00/").status_code in (400, 404)
    assert not GroupMembership.objects.filter(user=other_user).exists()


def test_a_link_that_expires_later_works_until_then(user, other_user):
    group = make_group(user)
    services.invite_link_new(
        group=group, by=user, expires_at=timezone.now() + datetime.timedelta(days=2)
    )
    assert join(group, other_user).is_active


def test_a_closed_group_cannot_be_joined(user, other_user, client_for):
    group = make_group(user)
    link = url_join(group)
    services.group_close(group=group, by=user)
    assert client_for(other_user).post(link, {"display_name": "G"}).status_code == 404
    assert not GroupMembership.objects.filter(user=other_user).exists()


def test_a_removed_member_cannot_rejoin_but_one_who_left_can(user, make_user, client_for):
    group = make_group(user)
    leaver, removed = make_user("leaver@example.com"), make_user("removed@example.com")
    join(group, leaver)
    gone = join(group, removed)
    services.group_leave(membership=membership(group, leaver))
    services.member_remove(group=group, by=user, member_pk=gone.pk)
    assert client_for(removed).post(url_join(group), {"display_name": "Back"}).status_code == 404
    assert membership(group, removed).state == "removed"
    with pytest.raises(services.GroupError):
        join(group, removed)
    response = client_for(leaver).post(url_join(group), {"display_name": "Back"})
    assert response.status_code == 302
    back = membership(group, leaver)
    assert (back.state, back.role, back.display_name) == ("active", "member", "Back")


def test_a_learner_who_rejoins_shares_their_statuses_only_until_they_choose_again(
    user, other_user, client_for
):
    group = make_group(user)
    services.membership_sharing_set(membership=join(group, other_user), sharing="notes")
    services.group_leave(membership=membership(group, other_user))
    assert membership(group, other_user).sharing == "status"  # the choice ended with the stay
    client = client_for(other_user)
    page = client.get(url_join(group)).content.decode()
    assert "your notes only if you choose so later" in page
    assert client.post(url_join(group), {"display_name": "Back"}).status_code == 302
    assert membership(group, other_user).sharing == "status"


# --- Leaving and removing never touch progress ---------------------------------------------


def _with_progress(group, user):
    enrollment = Enrollment.objects.get(user=user, path=group.path)
    steps = steps_of(group.path)
    StepProgressFactory(enrollment=enrollment, step=steps[0], note="my own note")
    StepProgressFactory(enrollment=enrollment, step=steps[1], status="skipped")
    return progress_of(user)


def test_leaving_keeps_the_learners_progress_and_enrolment(other_user, client_for):
    group = make_group()
    join(group, other_user)
    before = _with_progress(group, other_user)
    client = client_for(other_user)
    assert client.get(url("group_leave", group)).status_code == 200
    for _ in range(2):  # a double click
        client.post(url("group_leave", group))
    assert membership(group, other_user).state == "left"
    assert progress_of(other_user) == before
    assert Enrollment.objects.filter(user=other_user, path=group.path).exists()
    assert client.get(group.get_absolute_url()).status_code == 404


def test_removal_keeps_the_members_progress_and_the_board_is_gone_for_them(
    user, other_user, client_for
):
    group = make_group(user)
    gone = join(group, other_user, "Grace")
    before = _with_progress(group, other_user)
    organiser = client_for(user)
    for _ in range(2):  # a retried POST
        response = organiser.post(url("group_member_remove", group, gone.pk))
        assert response.status_code == 302
    assert membership(group, other_user).state == "removed"
    assert progress_of(other_user) == before
    assert client_for(other_user).get(group.get_absolute_url()).status_code == 404
    assert "Grace" not in organiser.get(group.get_absolute_url()).content.decode()


def test_the_only_organiser_cannot_leave_while_others_are_in_the_group(user, other_user):
    group = make_group(user)
    join(group, other_user)
    with pytest.raises(services.GroupError):
        services.group_leave(membership=membership(group, user))
    assert membership(group, user).is_organiser


def test_the_only_organiser_is_told_to_hand_over_when_pressing_leave(user, other_user, client_for):
    group = make_group(user)
    join(group, other_user)
    client = client_for(user)
    response = client.post(url("group_leave", group), follow=True)
    assert "hand organising over" in response.content.decode()
    assert membership(group, user).is_organiser


def test_once_the_group_is_closed_its_only_organiser_may_leave(user, other_user):
    group = make_group(user)
    join(group, other_user)
    services.group_close(group=group, by=user)
    services.group_leave(membership=membership(group, user))
    assert membership(group, user).state == "left"
    assert membership(group, other_user).is_active


def test_with_a_co_organiser_an_organiser_may_leave(user, other_user):
    group = make_group(user)
    co = join(group, other_user)
    services.organiser_add(group=group, by=user, member_pk=co.pk)
    services.group_leave(membership=membership(group, user))
    assert membership(group, other_user).is_organiser
    assert not StudyGroup.objects.get(pk=group.pk).is_closed


def test_the_last_member_leaving_closes_the_group(user):
    group = make_group(user)
    services.group_leave(membership=membership(group, user))
    group.refresh_from_db()
    assert group.is_closed
    assert group.invite_token is None


def test_an_organiser_cannot_remove_themselves(user):
    group = make_group(user)
    with pytest.raises(services.GroupError):
        services.member_remove(group=group, by=user, member_pk=membership(group, user).pk)
