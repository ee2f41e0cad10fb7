"""A path's page, starting it, and the learner's enrolment on it: depth and pace, pause, reset,
start again, leave, share. Every lookup of a learner's data includes the learner in the query,
so another learner gets a 404, never someone else's rows."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.page_cache import learner_page, public_page

from .. import roadmap_map, selectors, services, step_blocks
from ..forms import EnrollmentForm, ShareForm
from ..models import Enrollment, Path, StepStatus
from .common import is_htmx, own_enrollment

PENDING_START = "pending_path_start"


def path_page(
    request,
    path: Path,
    *,
    status=200,
    start_form=None,
    just_completed=False,
    outline=None,
    data_version=None,
):
    """The path with the visitor's progress; a learner's is kept per version of their data
    (core.page_cache.learner_page), unless it shows a form's errors. `path` is its outline
    (selectors.path_outline), or only names the path (selectors.path_head) and `outline()`
    reads the outline when the page is rendered. `data_version`: the visitor's learner
    version, when the view read it after (or without) writing."""
    if status != 200 or start_form is not None:
        return _path_page(request, path, status, start_form, just_completed)
    review = request.GET.get("review") == "1"
    return learner_page(
        request,
        f"path|{path.pk}|{is_htmx(request)}|{review}|{just_completed}",
        lambda: _path_page(
            request, path if isinstance(path, Path) else outline(), status, None, just_completed
        ),
        data_version=data_version,
    )


def _path_page(request, path: Path, status, start_form, just_completed):
    learner = selectors.learner_path(path=path, user=request.user)
    enrollment = learner.enrollment
    step_blocks.lay_out(request, path, learner.state, enrollment)
    context = {
        "just_completed": just_completed,
        "oob_panel": is_htmx(request),
        "review": request.GET.get("review") == "1",
        "removed_steps": learner.removed,
        "path": path,
        "learner": learner,
        "state": learner.state,
        "path_map": roadmap_map.path_map(learner.state, show_status=enrollment is not None),
        "enrollment": enrollment,
        "start_form": start_form or EnrollmentForm(),
        "statuses": StepStatus.choices,
        "settings_form": EnrollmentForm(
            initial={"depth": enrollment.depth, "hours_per_week": enrollment.hours_per_week}
        )
        if enrollment
        else None,
    }
    template = "learning/_outline.html" if is_htmx(request) else "learning/path_detail.html"
    return render(request, template, context, status=status)


@require_safe
@public_page(for_learners=False, query=("review",))
def path_detail(request, slug):
    try:
        head = selectors.path_head(slug=slug, user=request.user, request=request)
    except Path.DoesNotExist:
        return render(request, "404.html", {"missing": "path"}, status=404)
    personal = getattr(head, "owner_id", None) is not None
    return path_page(
        request,
        head,
        outline=lambda: selectors.path_outline(
            slug=slug, user=request.user, request=request, personal=personal
        ),
    )


def _start(request, path: Path, data: dict) -> HttpResponse:
    enrollment, created = services.enrollment_create(
        user=request.user,
        path=path,
        depth=data["depth"],
        hours_per_week=data.get("hours_per_week"),
    )
    if created:
        messages.success(request, f"You started {path.title} at {enrollment.depth_label}.")
    else:
        messages.info(request, f"You are following {path.title}; your depth and pace are saved.")
    return redirect(path.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def path_start(request, slug):
    """Start this path. A visitor without an account is sent to sign up and, once signed up
    (or logged in), comes back here and is enrolled with the depth they had chosen."""
    path = get_object_or_404(Path.objects.visible_to(request.user), slug=slug)
    if request.method == "POST":
        form = EnrollmentForm(request.POST)
        if not form.is_valid():
            outline = selectors.path_outline(slug=slug, user=request.user)
            return path_page(request, outline, status=400, start_form=form)
        if not request.user.is_authenticated:
            request.session[PENDING_START] = {"path": path.slug, **form.cleaned_data}
            messages.info(
                request,
                f"Create an account (or log in) and {path.title} starts right after.",
            )
            query = urlencode({"next": reverse("learning:path_start", args=[path.slug])})
            return redirect(f"{reverse('account_signup')}?{query}")
        return _start(request, path, form.cleaned_data)

    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('account_login')}?{query}")
    pending = request.session.get(PENDING_START)
    if pending and pending.get("path") == path.slug:
        del request.session[PENDING_START]
        form = EnrollmentForm(pending)
        if form.is_valid():
            return _start(request, path, form.cleaned_data)
    return redirect(path.get_absolute_url() + "#start")


@login_required
@require_POST
def enrollment_settings(request, pk):
    enrollment = own_enrollment(request, pk)
    form = EnrollmentForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a depth and, optionally, 1 to 100 hours per week.")
    services.enrollment_update(
        enrollment=enrollment,
        depth=form.cleaned_data["depth"],
        hours_per_week=form.cleaned_data["hours_per_week"],
    )
    messages.success(request, "Your depth and pace are saved.")
    return redirect(enrollment.path.get_absolute_url())


@login_required
@require_POST
def enrollment_pause(request, pk):
    enrollment = own_enrollment(request, pk)
    paused = request.POST.get("paused") == "1"
    services.enrollment_set_paused(enrollment=enrollment, paused=paused)
    messages.success(request, f"{enrollment.path.title} is {'paused' if paused else 'active'}.")
    if request.POST.get("back") == "dashboard":
        return redirect("learning:dashboard")
    return redirect(enrollment.path.get_absolute_url())


def _after_confirmation(request, pk, template: str, act) -> HttpResponse:
    """A change the learner confirms on a page of its own: GET asks, POST with the box ticked
    does it (`act` returns the message), POST without it asks again with an error."""
    enrollment = own_enrollment(request, pk)
    if request.method != "POST":
        return render(request, template, {"enrollment": enrollment})
    if request.POST.get("confirm") != "yes":
        return render(request, template, {"enrollment": enrollment, "error": True}, status=400)
    messages.success(request, act(enrollment))
    return redirect(enrollment.path.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrollment_reset(request, pk):
    def reset(enrollment) -> str:
        removed = services.enrollment_reset(enrollment=enrollment)
        return f"{enrollment.path.title} is reset ({removed} steps cleared)."

    return _after_confirmation(request, pk, "learning/confirm_reset.html", reset)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrollment_restart(request, pk):
    """Start again: every status back to Not started, notes kept (after a confirmation)."""

    def restart(enrollment) -> str:
        services.enrollment_restart(enrollment=enrollment)
        return f"You started {enrollment.path.title} again. Your notes are all still there."

    return _after_confirmation(request, pk, "learning/confirm_restart.html", restart)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrollment_leave(request, pk):
    enrollment = own_enrollment(request, pk)
    if request.method == "POST":
        services.enrollment_leave(enrollment=enrollment)
        messages.success(
            request,
            f"You left {enrollment.path.title}. "
            "Your statuses and notes are kept if you start it again.",
        )
        return redirect("learning:dashboard")
    return render(request, "learning/confirm_leave.html", {"enrollment": enrollment})


@login_required
@require_POST
def enrollment_share(request, pk):
    enrollment = own_enrollment(request, pk)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Turn sharing on or off.")
    shared = form.cleaned_data["shared"]
    services.enrollment_sharing_set(enrollment=enrollment, shared=shared)
    if shared:
        messages.success(
            request, "Your read-only progress page is on. Anyone with the link can see it."
        )
    else:
        messages.success(request, "Your progress page is off; the old link no longer works.")
    return redirect(enrollment.path.get_absolute_url() + "#sharing")


@require_safe
def shared_progress(request, token):
    """A learner's read-only progress page, kept per version of their data: served again, it
    costs one query (its learner's version, with the content version)."""
    shared = selectors.shared_enrollment(request, token)
    if shared is None:
        raise Http404("No progress page at this link.")

    def page():
        enrollment = get_object_or_404(
            Enrollment.objects.select_related("path", "user"),
            pk=shared.enrollment_id,
            share_token=token,
        )
        owner = enrollment.user
        path = selectors.path_outline(slug=enrollment.path.slug, user=owner, request=request)
        learner = selectors.learner_path(path=path, user=owner, show_drafts=False)
        return render(
            request,
            "learning/shared_progress.html",
            {"enrollment": enrollment, "path": path, "state": learner.state},
        )

    return learner_page(
        request,
        f"shared|{token}",
        page,
        learner_id=shared.learner_id,
        data_version=shared.data_version,
    )
