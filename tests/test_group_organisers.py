"""Study groups: organisers and co-organisers, handing over, the schedule, the invite link,
closing, what a member shares, deleting an organiser's account, the learner record. Every
organiser's action is refused to plain members and idempotent."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError
from django.urls import reverse
from django.utils import timezone

from learning import services as learner_services
from learning.groups import services
from learning.models import GroupMembership, MembershipRole, MembershipState, StudyGroup
from learning.record import learner_export, learner_import

from .group_support import join, make_group, membership
from .test_groups import url

# --- Organisers ----------------------------------------------------------------------------


def test_a_co_organiser_can_organise(user, other_user, client_for):
    group = make_group(user)
    co = join(group, other_user)
    client = client_for(user)
    for _ in range(2):
        client.post(url("group_organiser_add", group, co.pk))
    assert membership(group, other_user).role == MembershipRole.ORGANISER
    assert membership(group, user).role == MembershipRole.ORGANISER
    assert client_for(other_user).get(url("group_settings", group)).status_code == 200


def test_handing_over_makes_the_member_the_organiser_and_the_organiser_a_member(
    user, other_user, client_for
):
    group = make_group(user)
    new = join(group, other_user)
    client = client_for(user)
    for _ in range(2):  # the retry changes nothing
        response = client.post(url("group_hand_over", group, new.pk))
        assert response.status_code == 302
    assert membership(group, other_user).role == "organiser"
    assert membership(group, user).role == "member"
    assert client.get(url("group_settings", group)).status_code == 403
    services.group_leave(membership=membership(group, user))  # free to leave now


def test_a_plain_member_handing_over_to_an_organiser_is_refused_not_told_it_worked(
    user, other_user, client_for
):
    group = make_group(user)
    join(group, other_user)
    organiser = membership(group, user)
    with pytest.raises(PermissionDenied):
        services.organising_hand_over(group=group, by=other_user, member_pk=organiser.pk)
    response = client_for(other_user).post(url("group_hand_over", group, organiser.pk))
    assert response.status_code == 403
    assert (membership(group, user).role, membership(group, other_user).role) == (
        "organiser",
        "member",
    )


def test_organiser_actions_on_someone_not_in_the_group_are_404(user, client_for):
    group, other = make_group(user), make_group(members=1)
    stranger = GroupMembership.objects.filter(group=other).last()
    client = client_for(user)
    for name in ("group_member_remove", "group_organiser_add", "group_hand_over"):
        assert client.post(url(name, group, stranger.pk)).status_code == 404
    assert GroupMembership.objects.get(pk=stranger.pk).state == "active"


def test_the_organiser_renames_the_group_and_sets_its_schedule(user, client_for):
    group = make_group(user)
    client = client_for(user)
    assert client.get(url("group_settings", group)).status_code == 200
    data = {"name": "New name", "depth": "deep", "start_date": "2026-03-02", "hours_per_week": "6"}
    response = client.post(url("group_settings", group), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.depth, group.start_date, group.hours_per_week) == (
        "New name",
        "deep",
        datetime.date(2026, 3, 2),
        6,
    )
    bad = client.post(url("group_settings", group), {**data, "hours_per_week": "101"})
    assert bad.status_code == 400
    group.refresh_from_db()
    assert group.hours_per_week == 6


def test_saving_the_settings_applies_the_name_and_the_schedule_both_or_neither(
    user, client_for, monkeypatch
):
    group = make_group(user, name="Old name")
    save = StudyGroup.save

    def refuse_the_schedule(self, *args, **kwargs):
        if "hours_per_week" in (kwargs.get("update_fields") or ()):
            raise DatabaseError("the database refuses the schedule")
        save(self, *args, **kwargs)

    monkeypatch.setattr(StudyGroup, "save", refuse_the_schedule)
    data = {"name": "New name", "depth": "deep", "start_date": "2026-03-02", "hours_per_week": "6"}
    with pytest.raises(DatabaseError):
        client_for(user).post(url("group_settings", group), data)
    group.refresh_from_db()
    assert (group.name, group.depth, group.hours_per_week) == ("Old name", "thorough", None)


def test_a_schedule_the_database_refuses_leaves_the_name_as_it_was(user):
    group = make_group(user, name="Old name")
    with pytest.raises(IntegrityError):  # group_hours_per_week_sane
        services.group_settings_save(
            group=group, by=user, name="New name", depth="deep", start_date=None, hours_per_week=0
        )
    group.refresh_from_db()
    assert (group.name, group.depth) == ("Old name", "thorough")


def test_the_organiser_makes_a_new_expiring_link_and_revokes_it(user, client_for):
    group = make_group(user)
    old = group.invite_token
    client = client_for(user)
    client.post(url("group_invite", group), {"expires_in_days": "3"})
    group.refresh_from_db()
    assert group.invite_token not in (None, old)
    assert group.invite_expires_at > timezone.now() + datetime.timedelta(days=2)
    page = client.get(url("group_settings", group)).content.decode()
    assert group.invite_token in page
    client.post(url("group_invite", group), {"revoke": "1"})
    group.refresh_from_db()
    assert group.invite_token is None
    assert client.post(url("group_invite", group), {"expires_in_days": "0"}).status_code == 302
    group.refresh_from_db()
    assert group.invite_token is None  # a bad expiry makes no link


def test_closing_is_for_organisers_and_keeps_the_board_for_members(user, other_user, client_for):
    group = make_group(user)
    join(group, other_user)
    assert client_for(other_user).post(url("group_close", group)).status_code == 403
    client = client_for(user)
    assert client.get(url("group_close", group)).status_code == 200
    for _ in range(2):
        client.post(url("group_close", group))
    group.refresh_from_db()
    assert group.is_closed
    assert group.invite_token is None
    assert client_for(other_user).get(group.get_absolute_url()).status_code == 200
    with pytest.raises(services.GroupError):
        services.invite_link_new(group=group, by=user)


ORGANISER_ONLY = [
    ("group_settings", False),
    ("group_invite", False),
    ("group_close", False),
    ("group_board_csv", False),
    ("group_member_remove", True),
    ("group_organiser_add", True),
    ("group_hand_over", True),
]


@pytest.mark.parametrize(("name", "names_member"), ORGANISER_ONLY)
def test_organiser_actions_are_forbidden_to_plain_members(
    name, names_member, user, other_user, make_user, client_for
):
    group = make_group(user)
    join(group, other_user)
    third = join(group, make_user("third@example.com"))
    client = client_for(other_user)
    target = url(name, group, third.pk) if names_member else url(name, group)
    before = list(GroupMembership.objects.values_list("pk", "role", "state").order_by("pk"))
    for method in ("get", "post"):
        response = getattr(client, method)(target, {"name": "Hijack", "revoke": "1"})
        assert response.status_code in (403, 405), (method, response.status_code)
    assert list(GroupMembership.objects.values_list("pk", "role", "state").order_by("pk")) == before
    group.refresh_from_db()
    assert group.name != "Hijack"
    assert group.invite_token
    assert not group.is_closed


def test_services_refuse_a_plain_member_too(user, other_user):
    group = make_group(user)
    member = join(group, other_user)
    for action in (
        lambda: services.group_rename(group=group, by=other_user, name="X"),
        lambda: services.schedule_set(
            group=group, by=other_user, depth="quick", start_date=None, hours_per_week=None
        ),
        lambda: services.invite_link_revoke(group=group, by=other_user),
        lambda: services.group_close(group=group, by=other_user),
        lambda: services.member_remove(
            group=group, by=other_user, member_pk=membership(group, user).pk
        ),
        lambda: services.organiser_add(group=group, by=other_user, member_pk=member.pk),
        lambda: services.organising_hand_over(group=group, by=other_user, member_pk=member.pk),
    ):
        with pytest.raises(PermissionDenied):
            action()


def test_a_member_chooses_what_the_group_sees(other_user, client_for):
    group = make_group()
    join(group, other_user)
    client = client_for(other_user)
    assert membership(group, other_user).sharing == "status"
    client.post(url("group_sharing", group), {"sharing": "notes"})
    assert membership(group, other_user).sharing == "notes"
    client.post(url("group_sharing", group), {"sharing": "everything"})
    assert membership(group, other_user).sharing == "notes"


def test_posts_need_the_csrf_token(user, client_for):
    group = make_group(user)
    client = client_for(user, enforce_csrf_checks=True)
    assert client.post(url("group_close", group)).status_code == 403
    assert not StudyGroup.objects.get(pk=group.pk).is_closed


# --- Deleting an organiser's account --------------------------------------------------------


def test_deleting_the_only_organisers_account_hands_the_group_to_the_longest_standing_member(
    user, make_user
):
    group = make_group(user)
    first = join(group, make_user("first@example.com"))
    join(group, make_user("second@example.com"))
    GroupMembership.objects.filter(pk=first.pk).update(
        joined_at=timezone.now() - datetime.timedelta(days=3)
    )
    learner_services.account_delete(user=user)
    assert GroupMembership.objects.get(pk=first.pk).role == "organiser"
    assert not StudyGroup.objects.get(pk=group.pk).is_closed
    organisers = GroupMembership.objects.filter(group=group, role="organiser", state="active")
    assert organisers.count() == 1


def test_deleting_the_account_of_a_group_alone_closes_it(user):
    group = make_group(user)
    learner_services.account_delete(user=user)
    assert StudyGroup.objects.get(pk=group.pk).is_closed


def test_deleting_one_of_two_organisers_leaves_the_other(user, other_user, make_user):
    group = make_group(user)
    co = join(group, other_user)
    plain = join(group, make_user("plain@example.com"))
    services.organiser_add(group=group, by=user, member_pk=co.pk)
    learner_services.account_delete(user=user)
    assert GroupMembership.objects.get(pk=plain.pk).role == "member"
    assert GroupMembership.objects.get(pk=co.pk).role == "organiser"


def test_a_superuser_deleting_the_only_organiser_in_the_admin_hands_the_group_on(
    user, other_user, curator_client
):
    group, alone = make_group(user), make_group(user, name="Alone")
    join(group, other_user)
    delete = reverse("admin:accounts_user_delete", args=[user.pk])
    assert curator_client.post(delete, {"post": "yes"}).status_code == 302
    assert membership(group, other_user).is_organiser
    assert not StudyGroup.objects.get(pk=group.pk).is_closed
    assert StudyGroup.objects.get(pk=alone.pk).is_closed


def test_a_superusers_bulk_delete_in_the_admin_hands_each_group_on(
    user, other_user, make_user, curator_client
):
    group, plain = make_group(user), make_user("plain@example.com")
    join(group, other_user)
    join(group, plain)
    response = curator_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [user.pk, other_user.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert membership(group, plain).is_organiser
    assert GroupMembership.objects.filter(group=group).count() == 1


def test_memberships_never_show_an_email_and_states_are_kept(user):
    group = make_group(user)
    own = membership(group, user)
    assert user.email not in str(own)
    assert own.state == MembershipState.ACTIVE


# --- The learner record ---------------------------------------------------------------------


def test_the_learner_record_lists_the_learners_groups_for_reading_only(
    user, other_user, make_user, client_for
):
    group = make_group(user, name="Friday readers")
    join(group, other_user, "Grace")
    services.membership_sharing_set(membership=membership(group, other_user), sharing="notes")
    document = learner_export(user=other_user)
    assert document["study_groups"] == [
        {
            "group": "Friday readers",
            "path": group.path.slug,
            "path_title": group.path.title,
            "display_name": "Grace",
            "role": "member",
            "sharing": "notes",
            "state": "active",
            "joined_at": membership(group, other_user).joined_at.isoformat(),
            "left_at": None,
        }
    ]
    assert "Organiser" not in str(document["study_groups"])  # nobody else is named
    markdown = client_for(other_user).get(reverse("account_export_markdown")).content.decode()
    assert "**Friday readers** on" in markdown
    newcomer = make_user("newcomer@example.com")
    learner_import(user=newcomer, document=document, dry_run=False)
    assert not GroupMembership.objects.filter(user=newcomer).exists()


def test_joining_leaving_and_a_rename_change_the_learners_version(user, other_user):
    def version(account):
        account.refresh_from_db()
        return account.data_version

    group = make_group(user)
    before = version(other_user)
    join(group, other_user)
    joined = version(other_user)
    assert joined > before
    services.group_rename(group=group, by=user, name="Renamed")
    renamed = version(other_user)
    assert renamed > joined
    services.group_leave(membership=membership(group, other_user))
    assert version(other_user) > renamed
