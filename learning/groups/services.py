"""Writes of study groups: creating, joining, leaving, the schedule, the invite link, members
and organisers, closing.

Every function is keyword-only and atomic, and idempotent: the same request twice (a double
click, a retried POST) leaves one result. Each locks the group's row first, so two organisers
acting at once take turns, then (where it starts a path) the learner's account row
(accounts.learner_version.learner_lock). A group always has an organiser while it has members.
None of these ever touches a learner's progress: it lives on their own StepProgress rows."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.learner_version import learner_lock
from core.models import PublicationStatus

from ..models import (
    Enrollment,
    GroupMembership,
    GroupSharing,
    MembershipRole,
    MembershipState,
    Path,
    StudyGroup,
)

ACTIVE = MembershipState.ACTIVE
ORGANISER = MembershipRole.ORGANISER


class GroupError(Exception):
    """A refused group action, with words to show the learner."""


def new_invite_token() -> str:
    return secrets.token_urlsafe(32)


def _locked(group: StudyGroup) -> StudyGroup:
    """The group's row, locked for this transaction and read afresh."""
    return StudyGroup.objects.select_for_update().get(pk=group.pk)


def _acting_organiser(group: StudyGroup, user) -> GroupMembership:
    """The user's active organiser membership of the group, else PermissionDenied."""
    membership = GroupMembership.objects.filter(group=group, user=user, state=ACTIVE).first()
    if membership is None or membership.role != ORGANISER:
        raise PermissionDenied("Only the group's organisers can do that.")
    return membership


def _open(group: StudyGroup) -> None:
    if group.is_closed:
        raise GroupError("This group is closed.")


NOT_TAKING_MEMBERS = (
    "This group is not taking new members just now: the roadmap's curators have taken its "
    "path off the roadmap for a while. Ask the organiser again later."
)


def path_open(group: StudyGroup) -> bool:
    """Whether the group's path is published. While a curator has it back in draft nobody
    joins: joining starts the path, and nobody starts an unpublished path."""
    return group.path.status == PublicationStatus.PUBLISHED


def _start_path(*, user, group: StudyGroup) -> None:
    """Start the group's path for the learner at the group's depth, unless they follow it
    already: then their enrolment (depth, pace) and all their progress stay as they are."""
    learner_lock(user)
    Enrollment.objects.get_or_create(user=user, path=group.path, defaults={"depth": group.depth})


def _clean_name(name: str, what: str, limit: int) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise GroupError(f"Give the {what}.")
    return name[:limit]


@transaction.atomic
def group_create(
    *,
    user,
    path: Path,
    name: str,
    display_name: str,
    depth: str = "thorough",
    start_date: datetime.date | None = None,
    hours_per_week: int | None = None,
) -> tuple[StudyGroup, bool]:
    """A new group on a curated, published path, with the learner as its organiser, who starts
    the path (if they had not). The same learner creating an open group of the same name on the
    same path again (a double click) gets the one they made. Returns the group and whether it
    is new."""
    if path.is_personal or path.status != PublicationStatus.PUBLISHED:
        raise GroupError("Groups are for the roadmap's published paths.")
    name = _clean_name(name, "group a name", 100)
    display_name = _clean_name(display_name, "name the group sees you by", 60)
    learner_lock(user)
    existing = StudyGroup.objects.filter(
        path=path,
        name=name,
        closed_at__isnull=True,
        memberships__user=user,
        memberships__state=ACTIVE,
        memberships__role=ORGANISER,
    ).first()
    if existing is not None:
        return existing, False
    group = StudyGroup.objects.create(
        name=name,
        path=path,
        depth=depth,
        start_date=start_date,
        hours_per_week=hours_per_week,
        invite_token=new_invite_token(),
    )
    GroupMembership.objects.create(
        group=group, user=user, display_name=display_name, role=ORGANISER
    )
    _start_path(user=user, group=group)
    return group, True


def invite_valid(group: StudyGroup | None, token: str) -> bool:
    """Whether `token` is the group's current invite link: not revoked, not expired, the group
    open; compared in constant time."""
    if group is None or not group.invite_token or group.is_closed:
        return False
    if group.invite_expires_at is not None and group.invite_expires_at <= timezone.now():
        return False
    return secrets.compare_digest(group.invite_token.encode(), token.encode())


@transaction.atomic
def group_join(*, group: StudyGroup, user, token: str, display_name: str) -> GroupMembership:
    """Join by the invite link; the learner starts the group's path unless they follow it (then
    their progress counts as it is). Joining again changes nothing; a learner who left comes
    back as a member; a removed one cannot."""
    group = _locked(group)
    if not invite_valid(group, token):
        raise GroupError("This invite link does not work any more.")
    membership = GroupMembership.objects.filter(group=group, user=user).first()
    if membership is not None and membership.state == ACTIVE:
        return membership
    if membership is not None and membership.state == MembershipState.REMOVED:
        raise GroupError("An organiser removed you from this group.")
    if not path_open(group):
        raise GroupError(NOT_TAKING_MEMBERS)
    display_name = _clean_name(display_name, "name the group sees you by", 60)
    if membership is None:
        membership = GroupMembership.objects.create(
            group=group, user=user, display_name=display_name
        )
    else:
        membership.display_name, membership.state = display_name, ACTIVE
        membership.role, membership.left_at = MembershipRole.MEMBER, None
        # Back in, they share their statuses only until they choose again (as on the join page).
        membership.sharing, membership.joined_at = GroupSharing.STATUS, timezone.now()
        membership.save()
    _start_path(user=user, group=group)
    return membership


def _other_organisers(membership: GroupMembership):
    return GroupMembership.objects.filter(
        group_id=membership.group_id, state=ACTIVE, role=ORGANISER
    ).exclude(pk=membership.pk)


def _other_members(membership: GroupMembership):
    return GroupMembership.objects.filter(group_id=membership.group_id, state=ACTIVE).exclude(
        pk=membership.pk
    )


@transaction.atomic
def group_leave(*, membership: GroupMembership) -> None:
    """Leave a group; the learner's progress stays. The last organiser of an open group with
    other members must hand over organising (or close the group) first; the last member
    leaving closes it."""
    group = _locked(membership.group)
    membership.refresh_from_db()
    if membership.state != ACTIVE:
        return
    alone = membership.role == ORGANISER and not _other_organisers(membership).exists()
    if alone and not group.is_closed and _other_members(membership).exists():
        raise GroupError(
            "You are the group's only organiser: hand organising over to someone, "
            "or close the group, before you leave."
        )
    _end(membership, MembershipState.LEFT)
    if not _other_members(membership).exists():
        _close(group)


def _end(membership: GroupMembership, state: str) -> None:
    # A choice to share notes was made for that stay in the group: it ends with it.
    membership.state, membership.role = state, MembershipRole.MEMBER
    membership.left_at, membership.sharing = timezone.now(), GroupSharing.STATUS
    membership.save(update_fields=["state", "role", "left_at", "sharing"])


def _close(group: StudyGroup) -> None:
    if group.closed_at is None:
        group.closed_at, group.invite_token = timezone.now(), None
        group.save(update_fields=["closed_at", "invite_token"])


def _member_of(group: StudyGroup, member_pk: int) -> GroupMembership:
    return GroupMembership.objects.select_for_update().get(group=group, pk=member_pk)


@transaction.atomic
def member_remove(*, group: StudyGroup, by, member_pk: int) -> None:
    """An organiser removes a member (who cannot come back by the link); their progress stays.
    Organisers leave rather than remove themselves."""
    group = _locked(group)
    acting = _acting_organiser(group, by)
    membership = _member_of(group, member_pk)
    if membership.pk == acting.pk:
        raise GroupError("To stop being in the group, leave it.")
    if membership.state != MembershipState.REMOVED:
        _end(membership, MembershipState.REMOVED)


@transaction.atomic
def organiser_add(*, group: StudyGroup, by, member_pk: int) -> None:
    """Make an active member a co-organiser (organisers are equals)."""
    group = _locked(group)
    _open(group)
    _acting_organiser(group, by)
    membership = _member_of(group, member_pk)
    if membership.state != ACTIVE:
        raise GroupError("Only a current member can organise.")
    if membership.role != ORGANISER:
        membership.role = ORGANISER
        membership.save(update_fields=["role"])


@transaction.atomic
def organising_hand_over(*, group: StudyGroup, by, member_pk: int) -> None:
    """The organiser hands organising to an active member and becomes a member. Sent again
    once done (a retried POST), it changes nothing."""
    group = _locked(group)
    _open(group)
    membership = _member_of(group, member_pk)
    own = GroupMembership.objects.filter(group=group, user=by, state=ACTIVE).first()
    if own is not None and own.role != ORGANISER and _handed_over(own, membership):
        return  # this very hand-over, done already
    acting = _acting_organiser(group, by)
    if membership.state != ACTIVE:
        raise GroupError("Hand organising to a current member.")
    if membership.pk == acting.pk:
        return
    membership.role = ORGANISER
    membership.save(update_fields=["role"])
    acting.role, acting.handed_over_to = MembershipRole.MEMBER, membership
    acting.save(update_fields=["role", "handed_over_to"])


def _handed_over(own: GroupMembership, membership: GroupMembership) -> bool:
    """Whether `own` (now a member) handed organising to `membership`, who still organises: a
    plain member who never organised is refused rather than told it worked."""
    return own.handed_over_to_id == membership.pk and membership.role == ORGANISER


@transaction.atomic
def group_rename(*, group: StudyGroup, by, name: str) -> StudyGroup:
    group = _locked(group)
    _acting_organiser(group, by)
    name = _clean_name(name, "group a name", 100)
    if group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    return group


@transaction.atomic
def schedule_set(
    *,
    group: StudyGroup,
    by,
    depth: str,
    start_date: datetime.date | None,
    hours_per_week: int | None,
) -> StudyGroup:
    """The group's depth, start date and weekly pace (either of the last two may be left out:
    then the board shows no schedule). Members' own depth and pace stay theirs."""
    group = _locked(group)
    _acting_organiser(group, by)
    group.depth, group.start_date, group.hours_per_week = depth, start_date, hours_per_week
    group.save(update_fields=["depth", "start_date", "hours_per_week"])
    return group


@transaction.atomic
def group_settings_save(
    *,
    group: StudyGroup,
    by,
    name: str,
    depth: str,
    start_date: datetime.date | None,
    hours_per_week: int | None,
) -> StudyGroup:
    """The settings page's one save: name and schedule in one transaction, both or neither; the
    group row stays locked throughout, so no hand-over or other organiser's save comes between."""
    group = group_rename(group=group, by=by, name=name)
    return schedule_set(
        group=group, by=by, depth=depth, start_date=start_date, hours_per_week=hours_per_week
    )


@transaction.atomic
def invite_link_new(
    *, group: StudyGroup, by, expires_at: datetime.datetime | None = None
) -> StudyGroup:
    """A new invite link (the old one stops working), expiring at `expires_at` if given."""
    group = _locked(group)
    _open(group)
    _acting_organiser(group, by)
    group.invite_token, group.invite_expires_at = new_invite_token(), expires_at
    group.save(update_fields=["invite_token", "invite_expires_at"])
    return group


@transaction.atomic
def invite_link_revoke(*, group: StudyGroup, by) -> StudyGroup:
    group = _locked(group)
    _acting_organiser(group, by)
    if group.invite_token is not None:
        group.invite_token, group.invite_expires_at = None, None
        group.save(update_fields=["invite_token", "invite_expires_at"])
    return group


@transaction.atomic
def group_close(*, group: StudyGroup, by) -> StudyGroup:
    """Close the group: nobody can join any more; its members can still see the board."""
    group = _locked(group)
    _acting_organiser(group, by)
    _close(group)
    return group


@transaction.atomic
def membership_sharing_set(*, membership: GroupMembership, sharing: str) -> None:
    """What the member shows this group: their statuses only, or their notes too."""
    sharing = GroupSharing(sharing)
    if membership.sharing != sharing:
        membership.sharing = sharing
        membership.save(update_fields=["sharing"])


def memberships_end_for_account(*, user) -> None:
    """Before an account is deleted: see memberships_end_for_accounts."""
    memberships_end_for_accounts(user_ids=[user.pk])


@transaction.atomic
def memberships_end_for_accounts(*, user_ids: Collection[int]) -> None:
    """Before accounts are deleted (one, or several in the admin): each group left with no
    organiser among those who stay goes to its longest-standing member who stays, or closes.
    Running it again changes nothing. The groups are all locked first, in one query in pk order,
    before any write: a hand-over's trigger locks the successor's account row, and a successor
    leaving another of them meanwhile would hold that group while waiting for the row."""
    user_ids = list(user_ids)
    organised = GroupMembership.objects.filter(user_id__in=user_ids, state=ACTIVE, role=ORGANISER)
    locked = StudyGroup.objects.select_for_update().order_by("pk")
    for group in list(locked.filter(pk__in=organised.values("group_id"))):
        staying = GroupMembership.objects.filter(group=group, state=ACTIVE).exclude(
            user_id__in=user_ids
        )
        if staying.filter(role=ORGANISER).exists():
            continue
        successor = staying.order_by("joined_at", "pk").first()
        if successor is None:
            _close(group)
        else:
            successor.role = ORGANISER
            successor.save(update_fields=["role"])
