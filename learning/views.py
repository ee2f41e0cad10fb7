"""Views of the catalog, paths, progress, the dashboard and shared progress pages.

Every lookup of a learner's data includes the learner in the query (Enrollment by pk *and* user),
so another learner gets a 404, never someone else's rows.
"""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from icalendar import Calendar as ICalendar
from icalendar import Event as ICalEvent

from papers.models import Page, Paper, Topic

from . import builder, selectors, services
from .estimates import hours_display
from .forms import BuilderForm, EnrollmentForm, ShareForm, StepNoteForm, StepStatusForm, TickForm
from .models import (
    Audience,
    Checklist,
    ChecklistItem,
    Depth,
    DepthKey,
    Enrollment,
    Path,
    RoadmapInfo,
    Step,
    StepStatus,
)
from .planner import (
    PROJECT_KEY,
    Answers,
    PlanDraft,
    PlanError,
    answers_to_json,
    draft_edit,
    draft_replan,
    make_plan,
)

PENDING_START = "pending_path_start"


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_safe
def catalog(request):
    return render(
        request,
        "learning/catalog.html",
        {
            "info": RoadmapInfo.objects.first(),
            "paths": selectors.catalog_paths(user=request.user),
            "depths": list(Depth.objects.all()),
            "topics": Topic.objects.all(),
            "pages": Page.objects.visible_to(request.user).only("slug", "title", "status"),
            "checklists": Checklist.objects.prefetch_related("items"),
        },
    )


def _path_page(request, path: Path, *, status=200, start_form=None, just_completed=False):
    learner = selectors.learner_path(path=path, user=request.user)
    enrollment = learner.enrollment
    context = {
        "just_completed": just_completed,
        "oob_panel": _is_htmx(request),
        "review": request.GET.get("review") == "1",
        "removed_steps": learner.removed,
        "path": path,
        "learner": learner,
        "state": learner.state,
        "enrollment": enrollment,
        "start_form": start_form or EnrollmentForm(),
        "statuses": StepStatus.choices,
        "settings_form": EnrollmentForm(
            initial={"depth": enrollment.depth, "hours_per_week": enrollment.hours_per_week}
        )
        if enrollment
        else None,
    }
    template = "learning/_outline.html" if _is_htmx(request) else "learning/path_detail.html"
    return render(request, template, context, status=status)


@require_safe
def path_detail(request, slug):
    try:
        path = selectors.path_outline(slug=slug, user=request.user)
    except Path.DoesNotExist:
        return render(request, "404.html", {"missing": "path"}, status=404)
    return _path_page(request, path)


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
            return _path_page(request, outline, status=400, start_form=form)
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


def _own_enrollment(request, pk) -> Enrollment:
    return get_object_or_404(Enrollment.objects.select_related("path"), pk=pk, user=request.user)


@login_required
@require_POST
def enrollment_settings(request, pk):
    enrollment = _own_enrollment(request, pk)
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
    enrollment = _own_enrollment(request, pk)
    paused = request.POST.get("paused") == "1"
    services.enrollment_set_paused(enrollment=enrollment, paused=paused)
    messages.success(request, f"{enrollment.path.title} is {'paused' if paused else 'active'}.")
    if request.POST.get("back") == "dashboard":
        return redirect("learning:dashboard")
    return redirect(enrollment.path.get_absolute_url())


def _after_confirmation(request, pk, template: str, act) -> HttpResponse:
    """A change the learner confirms on a page of its own: GET asks, POST with the box ticked
    does it (`act` returns the message), POST without it asks again with an error."""
    enrollment = _own_enrollment(request, pk)
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
    enrollment = _own_enrollment(request, pk)
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
    enrollment = _own_enrollment(request, pk)
    form = ShareForm(request.POST)
    form.is_valid()
    shared = form.cleaned_data.get("shared", False)
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
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("path", "user"), share_token=token
    )
    path = selectors.path_outline(slug=enrollment.path.slug, user=enrollment.user)
    learner = selectors.learner_path(path=path, user=enrollment.user, show_drafts=False)
    return render(
        request,
        "learning/shared_progress.html",
        {"enrollment": enrollment, "path": path, "state": learner.state},
    )


def _step_for_learner(request, pk) -> tuple[Step, Enrollment]:
    step = get_object_or_404(Step.objects.current().select_related("path"), pk=pk)
    enrollment = get_object_or_404(Enrollment, user=request.user, path=step.path)
    return step, enrollment


def _after_step_change(request, step: Step, *, just_completed=False) -> HttpResponse:
    """In place with htmx (the outline, and the enrolment panel out of band so completion shows
    at once), else back to the step; finishing the path is announced either way."""
    if just_completed and not _is_htmx(request):
        messages.success(request, f"You completed {step.path.title}: every step is finished.")
        return redirect(step.path.get_absolute_url() + "#start")
    if _is_htmx(request):
        path = selectors.path_outline(slug=step.path.slug, user=request.user)
        return _path_page(request, path, just_completed=just_completed)
    return redirect(step.get_absolute_url())


@login_required
@require_POST
def step_status(request, pk):
    step, enrollment = _step_for_learner(request, pk)
    form = StepStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "Unknown status: choose Not started, In progress, Done or Skipped."
        )
    was_complete = enrollment.is_complete
    services.step_progress_set(enrollment=enrollment, step=step, status=form.cleaned_data["status"])
    return _after_step_change(
        request, step, just_completed=enrollment.is_complete and not was_complete
    )


@login_required
@require_POST
def step_note(request, pk):
    step, enrollment = _step_for_learner(request, pk)
    form = StepNoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("A note can be at most 20,000 characters.")
    services.step_note_set(enrollment=enrollment, step=step, note=form.cleaned_data["note"])
    if not _is_htmx(request):
        messages.success(request, "Note saved.")
    return _after_step_change(request, step)


@login_required
@require_POST
def checklist_tick(request, pk):
    item = get_object_or_404(ChecklistItem, pk=pk)
    form = TickForm(request.POST)
    form.is_valid()
    ticked = form.cleaned_data.get("ticked", False)
    services.checklist_tick_set(user=request.user, item=item, ticked=ticked)
    if _is_htmx(request):
        return render(request, "learning/_checklist_item.html", {"item": item, "ticked": ticked})
    return redirect(reverse("learning:dashboard") + "#checklists")


@require_safe
def paper_detail(request, slug):
    """A paper's page: the paper, its prerequisites and topics, and every step that uses it."""
    try:
        paper = selectors.paper_page(slug=slug, user=request.user)
    except Paper.DoesNotExist:
        return render(request, "404.html", {"missing": "paper"}, status=404)
    return render(request, "papers/paper_detail.html", {"paper": paper})


@login_required
@require_safe
def dashboard(request):
    return render(
        request, "learning/dashboard.html", {"board": selectors.dashboard(user=request.user)}
    )


# --- The personal-path builder -----------------------------------------------------------------

BUILDER_DRAFT = "builder_draft"
PENDING_SAVE = "builder_pending_save"
DRAFT_SALT = "learning.builder.draft"


def _default_answers(library) -> Answers:
    backgrounds = list(library.background_titles)
    return Answers(background=backgrounds[0] if backgrounds else Audience.BEGINNER)


def _stored_draft(request, library) -> PlanDraft | None:
    data = request.session.get(BUILDER_DRAFT)
    if not data:
        return None
    try:
        draft = PlanDraft.from_json(data)
    except (KeyError, TypeError, ValueError):
        request.session.pop(BUILDER_DRAFT, None)  # unreadable: start afresh
        return None
    if not draft.token:  # kept by an earlier version of the builder: same answers and order
        fresh = builder.draft_new(library, draft.answers)
        draft = dataclasses.replace(draft, order=draft.order or fresh.order, token=fresh.token)
        _store_draft(request, draft)
    return draft


def _store_draft(request, draft: PlanDraft) -> None:
    request.session[BUILDER_DRAFT] = draft.to_json()


def _replanned_path(request, draft: PlanDraft) -> Path | None:
    if not (draft.path and request.user.is_authenticated):
        return None
    return get_object_or_404(Path, slug=draft.path, owner=request.user)


def _builder_page(request, library, draft: PlanDraft, *, form=None, error="", status=200):
    saved = builder.SavedPlan.load(user=request.user, path=_replanned_path(request, draft))
    library = saved.library(library)
    order = [k for k in draft.order if k == PROJECT_KEY or k in library.hours]
    plan = make_plan(
        library,
        draft.answers,
        order=order,
        start=timezone.localdate(),
        added=draft.added,
        kept=saved.kept,
        finished=saved.finished,
    )
    return render(
        request,
        "learning/builder.html",
        {
            "form": form or BuilderForm(initial=answers_to_json(draft.answers), library=library),
            "plan": plan,
            "draft": draft,
            "signed_draft": _signed_draft(request, dataclasses.replace(draft, order=plan.keys)),
            "names": {key: library.name(key) for key in plan.keys},
            "library_keys": set(library.papers),
            "answers": draft.answers,
            "depth_label": DepthKey(draft.answers.depth).label,
            "addable": [
                (slug, name) for slug, name in library.papers.items() if slug not in plan.keys
            ],
            "error": error,
            "replanning": saved.path,
            "changes": saved.changes(plan.keys, library),
            "records": saved.records(),
            "finished": saved.finished,
            "plan_actions": [("up", "Move up"), ("down", "Move down"), ("remove", "Remove")],
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def builder_view(request):
    library = builder.load_library()
    draft = _stored_draft(request, library)
    if request.method != "POST":
        if slug := request.GET.get("path"):
            if not request.user.is_authenticated:
                return redirect(
                    f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                )
            path = get_object_or_404(Path, slug=slug, owner=request.user)
            _store_draft(request, builder.draft_for_path(user=request.user, path=path))
            return redirect("learning:builder")
        draft = draft or builder.draft_new(library, _default_answers(library))
        return _builder_page(request, library, draft)

    action = request.POST.get("action", "")
    if action == "reset":
        request.session.pop(BUILDER_DRAFT, None)
        return redirect("learning:builder")
    if action == "save":
        return _builder_save(request, library, draft)
    if draft is None:
        draft = builder.draft_new(library, _default_answers(library))
    saved = builder.SavedPlan.load(user=request.user, path=_replanned_path(request, draft))
    scoped = saved.library(library)
    if action == "plan":
        form = BuilderForm(request.POST, library=library)
        if not form.is_valid():
            return _builder_page(request, library, draft, form=form, status=400)
        data = form.cleaned_data
        answers = Answers(
            background=data["background"],
            interests=tuple(data["interests"]),
            depth=data["depth"],
            hours_per_week=data["hours_per_week"],
            known=frozenset(data["known"]),
            project=data["project"],
        )
        _store_draft(request, draft_replan(scoped, draft, answers, kept=saved.kept))
        return redirect(reverse("learning:builder") + "#plan")
    value = request.POST.get("paper" if action == "add" else "key", "")
    try:
        draft = draft_edit(scoped, draft, action, value)
    except PlanError as refusal:
        return _builder_page(request, library, draft, error=str(refusal), status=400)
    _store_draft(request, draft)
    return redirect(reverse("learning:builder") + "#plan")


def _draft_salt(request) -> str:
    """Drafts are signed for the account (or the anonymous visitor) that was shown them."""
    return f"{DRAFT_SALT}:{request.user.pk or 'visitor'}"


def _signed_draft(request, draft: PlanDraft) -> str:
    return signing.dumps(draft.to_json(), salt=_draft_salt(request), compress=True)


def _shown_draft(request) -> PlanDraft:
    """The draft the Save form carries: signed for this account, or shown before logging in
    (never one signed for another account)."""
    signed = request.POST.get("plan", "")
    salts = [_draft_salt(request)]
    if request.user.is_authenticated:
        salts.append(f"{DRAFT_SALT}:visitor")
    for salt in salts:
        try:
            return PlanDraft.from_json(signing.loads(signed, salt=salt))
        except signing.BadSignature:
            continue
    raise signing.BadSignature("No valid plan.")


def _builder_save(request, library, draft: PlanDraft | None):
    """Save the plan the page showed, once. The form carries that plan (signed) with its
    token, so two tabs each save what they show, and a double click, a retried POST or a page
    left open finds the path already saved from that draft instead of making another."""
    try:
        shown = _shown_draft(request)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _builder_page(
            request,
            library,
            draft or builder.draft_new(library, _default_answers(library)),
            error="This page was out of date: check your plan below and save again.",
            status=400,
        )
    if not request.user.is_authenticated:
        _store_draft(request, shown)
        request.session[PENDING_SAVE] = shown.token
        messages.info(
            request, "Create an account (or log in): your plan is saved and started right after."
        )
        query = urlencode({"next": reverse("learning:builder_resume")})
        return redirect(f"{reverse('account_signup')}?{query}")
    confirmed = request.POST.getlist("confirm_key") if request.POST.get("confirm") == "yes" else []
    return _save_draft(request, library, shown, confirmed=confirmed)


def _save_draft(request, library, draft: PlanDraft, *, confirmed=()):
    try:
        path, saved_now = builder.personal_path_save(
            user=request.user, draft=draft, library=library, confirm_removals=confirmed
        )
    except Path.DoesNotExist:
        request.session.pop(BUILDER_DRAFT, None)
        raise Http404("No such personal path.") from None
    except builder.StaleDraft as refusal:
        path = get_object_or_404(Path, slug=draft.path, owner=request.user)
        _store_draft(request, builder.draft_for_path(user=request.user, path=path))
        messages.warning(request, str(refusal))
        return redirect(reverse("learning:builder") + "#plan")
    except PlanError as refusal:
        return _builder_page(request, library, draft, error=str(refusal), status=400)
    stored = _stored_draft(request, library)
    if stored is not None and stored.token == draft.token:
        request.session.pop(BUILDER_DRAFT, None)
    request.session.pop(PENDING_SAVE, None)
    if saved_now:
        verb = "saved" if draft.path else "saved and started"
        messages.success(request, f"Your personal path is {verb}.")
    else:
        messages.info(request, "Your plan is saved; here it is.")
    return redirect(path.get_absolute_url())


@login_required
@require_safe
def builder_resume(request):
    """Where sign-up (or log-in) sends a visitor who pressed Save: their plan is saved and
    started, as a curated path starts after sign-up."""
    library = builder.load_library()
    draft = _stored_draft(request, library)
    pending = request.session.get(PENDING_SAVE)
    if draft is None or not pending or draft.token != pending or draft.path:
        already = pending and builder.saved_path_for(user=request.user, token=pending)
        if already:
            return redirect(already.get_absolute_url())
        return redirect("learning:builder")
    return _save_draft(request, library, draft)


@login_required
@require_POST
def personal_step_restore(request, slug, pk):
    """Put a step the learner removed from their personal path back on it."""
    path = get_object_or_404(Path, slug=slug, owner=request.user)
    step = get_object_or_404(Step, pk=pk, path=path)
    if builder.personal_path_step_restore(user=request.user, step=step):
        messages.success(request, f"{step.title} is back on your plan, with your status and note.")
    return redirect(step.get_absolute_url())


@login_required
@require_safe
def path_calendar(request, slug):
    """What is left of a saved plan as an .ics file: one event per week, from today at the
    learner's pace, the same weeks and finish date the path page shows."""
    try:
        path = selectors.path_outline(slug=slug, user=request.user)
    except Path.DoesNotExist:
        raise Http404("No such path.") from None
    if path.owner_id != request.user.pk:
        raise Http404("No such path.")
    learner = selectors.learner_path(path=path, user=request.user)
    remaining = learner.state.remaining
    calendar = ICalendar()
    calendar.add("prodid", "-//Learning Roadmap//Personal path//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", path.title)
    page_url = request.build_absolute_uri(path.get_absolute_url())
    left = [s for p in learner.state.phases for s in p.steps if not s.finished]
    if remaining is not None and remaining.blocks:
        for block in remaining.blocks:
            steps = [left[i] for i in block.indexes]
            event = ICalEvent()
            event.add("uid", f"{path.slug}-week-{block.number}@learning-roadmap")
            event.add("dtstamp", timezone.now())
            event.add("dtstart", remaining.block_start(block))
            event.add("dtend", remaining.block_start(block) + datetime.timedelta(weeks=block.span))
            event.add("summary", f"{block.label}: {', '.join(s.step.title for s in steps)}")
            lines = [f"- {s.step.title} (~{hours_display(s.estimate)} h)" for s in steps]
            event.add("description", "\n".join(lines) + f"\n\n{page_url}")
            event.add("url", page_url)
            calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{path.slug}.ics"'
    return response
