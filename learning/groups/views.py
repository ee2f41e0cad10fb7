"""The study group pages. Every address of a group answers 404 to anyone who is not one of its
current members (a group's existence is not revealed); organisers' actions answer 403 to a
plain member. Views only parse, call a service or selector, and render or redirect."""

from __future__ import annotations

import csv
import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.page_cache import learner_page
from core.spreadsheet import csv_cell

from ..models import GroupMembership, MembershipState, StudyGroup
from . import selectors, services
from .forms import GroupCreateForm, InviteForm, JoinForm, ScheduleForm, SharingForm

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def _organiser(request, pk) -> GroupMembership:
    membership = selectors.own_membership(user=request.user, pk=pk)
    if not membership.is_organiser:
        raise PermissionDenied("Only the group's organisers can do that.")
    return membership


def _refused(request, error: services.GroupError, to: str):
    messages.error(request, str(error))
    return redirect(to)


@login_required
@require_safe
def group_list(request):
    return render(
        request,
        "learning/groups/list.html",
        {"memberships": selectors.own_groups(user=request.user), "form": _create_form(request)},
    )


def _create_form(request, data=None) -> GroupCreateForm:
    # The account's own display name (never the email) is offered as the name in the group.
    form = GroupCreateForm(data, initial={"display_name": request.user.display_name})
    wanted = request.GET.get("path", "")
    if data is None and wanted:
        form.initial["path"] = wanted
    return form


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_create(request):
    form = _create_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group, created = services.group_create(
                user=request.user,
                path=data["path"],
                name=data["name"],
                display_name=data["display_name"],
                depth=data["depth"],
                start_date=data["start_date"],
                hours_per_week=data["hours_per_week"],
            )
        except services.GroupError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, f"You made the group {group.name}: invite people.")
            return redirect(reverse("learning:group_settings", args=[group.pk]) + "#invite")
    status = 400 if request.method == "POST" else 200
    return render(request, "learning/groups/new.html", {"form": form}, status=status)


@login_required
@require_safe
def group_detail(request, pk):
    """The board, kept per member (their controls differ) under the board's version: made
    again when the group or any member's learning data changes, or the content does."""
    version = selectors.board_version(request, pk=pk)  # a 404 for all but current members
    show_steps = request.GET.get("steps") == "1"

    def build():
        viewer = selectors.own_membership(user=request.user, pk=pk)
        context = {
            "board": selectors.group_board(viewer=viewer),
            "group": viewer.group,
            "viewer": viewer,
            "show_steps": show_steps,
            "sharing_form": SharingForm(initial={"sharing": viewer.sharing}),
        }
        return render(request, "learning/groups/detail.html", context)

    return learner_page(request, f"group|{pk}|{show_steps}|{version}", build)


@login_required
@require_safe
def group_board_csv(request, pk):
    viewer = _organiser(request, pk)
    board = selectors.group_board(viewer=viewer)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="group-{pk}-board.csv"'
    writer = csv.writer(response)
    phases = [f"{phase.label}: {phase.title}" for phase in board.phases]
    writer.writerow(
        [csv_cell(c) for c in ["Member", "Role", *phases, "Finished steps", "Hours finished"]]
        + ["Standing"]
    )
    for row in board.rows:
        cells = [
            row.membership.display_name,
            row.membership.get_role_display(),
            *[cell.fraction for cell in row.phases],
            row.finished_steps,
            row.standing.finished_hours,
            row.standing.description or "No schedule",
        ]
        writer.writerow([csv_cell(cell) for cell in cells])
    return response


@login_required
@require_POST
def membership_sharing(request, pk):
    viewer = selectors.own_membership(user=request.user, pk=pk)
    form = SharingForm(request.POST)
    if form.is_valid():
        services.membership_sharing_set(membership=viewer, sharing=form.cleaned_data["sharing"])
        messages.success(request, f"This group now sees: {viewer.get_sharing_display().lower()}.")
    else:
        messages.error(request, "Choose Status only or Status and notes.")
    return redirect(viewer.group.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_leave(request, pk):
    viewer = selectors.own_membership(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.group_leave(membership=viewer)
        except services.GroupError as error:
            return _refused(request, error, viewer.group.get_absolute_url())
        messages.success(
            request, f"You left {viewer.group.name}. Your progress is all still yours."
        )
        return redirect("learning:group_list")
    return render(request, "learning/groups/confirm_leave.html", {"group": viewer.group})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_settings(request, pk):
    viewer = _organiser(request, pk)
    group = viewer.group
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": group.name,
            "depth": group.depth,
            "start_date": group.start_date,
            "hours_per_week": group.hours_per_week,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.group_settings_save(
            group=group,
            by=request.user,
            name=data["name"],
            depth=data["depth"],
            start_date=data["start_date"],
            hours_per_week=data["hours_per_week"],
        )
        messages.success(request, "The group's name and schedule are saved.")
        return redirect("learning:group_settings", pk=group.pk)
    context = {
        "group": group,
        "viewer": viewer,
        "form": form,
        "invite_form": InviteForm(),
        "members": selectors.current_members(group=group),
        "invite_url": request.build_absolute_uri(
            reverse("learning:group_join", args=[group.invite_token])
        )
        if group.invite_token
        else "",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "learning/groups/settings.html", context, status=status)


@login_required
@require_POST
def group_invite(request, pk):
    """A new invite link (optionally expiring), or none (`revoke`)."""
    group = _organiser(request, pk).group
    form = InviteForm(request.POST)
    to = reverse("learning:group_settings", args=[pk]) + "#invite"
    if "revoke" in request.POST:
        services.invite_link_revoke(group=group, by=request.user)
        messages.success(request, "The invite link no longer works.")
        return redirect(to)
    if not form.is_valid():
        messages.error(request, "A link can expire after 1 to 365 days, or never.")
        return redirect(to)
    days = form.cleaned_data["expires_in_days"]
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    try:
        services.invite_link_new(group=group, by=request.user, expires_at=expires)
    except services.GroupError as error:
        return _refused(request, error, to)
    messages.success(request, "A new invite link is ready; the old one no longer works.")
    return redirect(to)


def _member_action(service, done: str):
    @login_required
    @require_POST
    def view(request, pk, member_pk):
        # The service refuses a plain member (403); a retried hand-over finds it done.
        group = selectors.own_membership(user=request.user, pk=pk).group
        to = reverse("learning:group_settings", args=[pk]) + "#members"
        try:
            service(group=group, by=request.user, member_pk=member_pk)
        except GroupMembership.DoesNotExist:
            raise Http404("No such member.") from None
        except services.GroupError as error:
            return _refused(request, error, to)
        messages.success(request, done)
        if service is services.organising_hand_over:
            return redirect(group.get_absolute_url())
        return redirect(to)

    return view


member_remove = _member_action(
    services.member_remove, "The member is removed; their own progress is untouched."
)
organiser_add = _member_action(services.organiser_add, "They organise the group with you now.")
organising_hand_over = _member_action(
    services.organising_hand_over, "You handed organising over; you are a member now."
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_close(request, pk):
    group = _organiser(request, pk).group
    if request.method == "POST":
        services.group_close(group=group, by=request.user)
        messages.success(request, f"{group.name} is closed: nobody can join it any more.")
        return redirect(group.get_absolute_url())
    return render(request, "learning/groups/confirm_close.html", {"group": group})


def _invited_group(token: str) -> StudyGroup | None:
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    group = StudyGroup.objects.select_related("path").filter(invite_token=token).first()
    return group if services.invite_valid(group, token) else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_join(request, token):
    group = _invited_group(token)
    if group is None:
        return render(request, "learning/groups/join_invalid.html", status=404)
    membership = GroupMembership.objects.filter(group=group, user=request.user).first()
    if membership is not None and membership.is_active:
        return redirect(group.get_absolute_url())
    if membership is not None and membership.state == MembershipState.REMOVED:
        return render(request, "learning/groups/join_invalid.html", status=404)
    if not services.path_open(group):
        status = 409 if request.method == "POST" else 200
        context = {"group": group, "message": services.NOT_TAKING_MEMBERS}
        return render(request, "learning/groups/join_unavailable.html", context, status=status)
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": request.user.display_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_join(
                group=group,
                user=request.user,
                token=token,
                display_name=form.cleaned_data["display_name"],
            )
        except services.GroupError:
            return render(request, "learning/groups/join_invalid.html", status=404)
        messages.success(request, f"You joined {group.name}.")
        return redirect(group.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"group": group, "form": form, "path": group.path}
    return render(request, "learning/groups/join.html", context, status=status)
