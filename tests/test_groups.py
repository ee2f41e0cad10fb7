"""Study groups: making one, joining by the invite link, leaving, removing members, organisers
and co-organisers, the schedule, the link, closing, and deleting an organiser's account. Every
action is allowed only to whom it should be, is idempotent, and never touches anyone's own
progress."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from learning import services as learner_services
from learning.groups import services
from learning.models import (
    Enrollment,
    GroupMembership,
    MembershipRole,
    MembershipState,
    StepProgress,
    StudyGroup,
)
from learning.record import learner_export, learner_import

from .factories import EnrollmentFactory, PathFactory, StepProgressFactory, steps_of
from .group_support import join, make_group, membership


def progress_of(user):
    return sorted(StepProgress.objects.filter(user=user).values_list("step_id", "status", "note"))


def url(name, group, *args):
    return reverse(f"learning:{name}", args=[group.pk, *args])


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


def url_join(group):
    group.refresh_from_db()
    return reverse("learning:group_join", args=[group.invite_token])


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
