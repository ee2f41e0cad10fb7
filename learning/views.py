"""Views of the catalog, paths, progress, the dashboard and shared progress pages.

Every lookup of a learner's data includes the learner in the query (Enrollment by pk *and* user),
so another learner gets a 404, never someone else's rows.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from icalendar import Calendar as ICalendar
from icalendar import Event as ICalEvent

from papers.models import Page, Topic

from . import builder, selectors, services
from .forms import BuilderForm, EnrollmentForm, ShareForm, StepNoteForm, StepStatusForm, TickForm
from .models import (
    Audience,
    Checklist,
    ChecklistItem,
    Depth,
    Enrollment,
    Path,
    Phase,
    RoadmapInfo,
    Step,
    StepStatus,
)
from .planner import PROJECT_KEY, Answers, PlanError, add_paper, make_plan, move_step, remove_step

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


def _path_page(request, path: Path, *, status=200, start_form=None):
    learner = selectors.learner_path(path=path, user=request.user)
    enrollment = learner.enrollment
    context = {
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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrollment_reset(request, pk):
    enrollment = _own_enrollment(request, pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            context = {"enrollment": enrollment, "error": True}
            return render(request, "learning/confirm_reset.html", context, status=400)
        removed = services.enrollment_reset(enrollment=enrollment)
        messages.success(request, f"{enrollment.path.title} is reset ({removed} steps cleared).")
        return redirect(enrollment.path.get_absolute_url())
    return render(request, "learning/confirm_reset.html", {"enrollment": enrollment})


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
    learner = selectors.learner_path(path=path, user=enrollment.user)
    return render(
        request,
        "learning/shared_progress.html",
        {"enrollment": enrollment, "path": path, "state": learner.state},
    )


def _step_for_learner(request, pk) -> tuple[Step, Enrollment]:
    step = get_object_or_404(Step.objects.current().select_related("path"), pk=pk)
    enrollment = get_object_or_404(Enrollment, user=request.user, path=step.path)
    return step, enrollment


def _after_step_change(request, step: Step) -> HttpResponse:
    if _is_htmx(request):
        path = selectors.path_outline(slug=step.path.slug, user=request.user)
        return _path_page(request, path)
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
    services.step_progress_set(enrollment=enrollment, step=step, status=form.cleaned_data["status"])
    return _after_step_change(request, step)


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


@login_required
@require_safe
def dashboard(request):
    return render(
        request, "learning/dashboard.html", {"board": selectors.dashboard(user=request.user)}
    )


# --- The personal-path builder -----------------------------------------------------------------

BUILDER_DRAFT = "builder_draft"


def _default_answers(library) -> Answers:
    backgrounds = list(library.background_titles)
    return Answers(background=backgrounds[0] if backgrounds else Audience.BEGINNER)


def _current_order(library, draft: dict) -> list[str] | None:
    """The draft's edited order, without papers curators have since removed or unpublished."""
    order = draft.get("order")
    if order is None:
        return None
    return [key for key in order if key in library.papers or key == PROJECT_KEY]


def _builder_page(request, library, draft: dict, *, form=None, error="", status=200):
    answers = builder.answers_from_json(draft["answers"])
    plan = make_plan(
        library, answers, order=_current_order(library, draft), start=timezone.localdate()
    )
    names = {**library.papers, PROJECT_KEY: "Project work"}
    replanning = None
    if draft.get("path") and request.user.is_authenticated:
        replanning = Path.objects.filter(slug=draft["path"], owner=request.user).first()
    return render(
        request,
        "learning/builder.html",
        {
            "form": form or BuilderForm(initial=builder.answers_to_json(answers), library=library),
            "plan": plan,
            "names": names,
            "answers": answers,
            "addable": [
                (slug, name) for slug, name in library.papers.items() if slug not in plan.keys
            ],
            "error": error,
            "replanning": replanning,
            "plan_actions": [("up", "Move up"), ("down", "Move down"), ("remove", "Remove")],
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def builder_view(request):
    library = builder.load_library()
    draft = request.session.get(BUILDER_DRAFT) or {
        "answers": builder.answers_to_json(_default_answers(library)),
        "order": None,
        "path": None,
    }
    if request.method != "POST":
        if slug := request.GET.get("path"):
            if not request.user.is_authenticated:
                return redirect(
                    f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                )
            path = get_object_or_404(Path, slug=slug, owner=request.user)
            request.session[BUILDER_DRAFT] = {
                "answers": path.builder_answers,
                "order": builder.saved_order(path),
                "path": path.slug,
            }
            return redirect("learning:builder")
        return _builder_page(request, library, draft)

    action = request.POST.get("action", "")
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
        request.session[BUILDER_DRAFT] = {
            "answers": builder.answers_to_json(answers),
            "order": None,
            "path": draft.get("path"),
        }
        return redirect(reverse("learning:builder") + "#plan")
    if action == "reset":
        request.session.pop(BUILDER_DRAFT, None)
        return redirect("learning:builder")

    answers = builder.answers_from_json(draft["answers"])
    keys = make_plan(library, answers, order=_current_order(library, draft)).keys
    try:
        if action == "remove":
            keys = remove_step(library, keys, request.POST.get("key", ""))
        elif action in ("up", "down"):
            keys = move_step(library, keys, request.POST.get("key", ""), action)
        elif action == "add":
            keys = add_paper(library, keys, request.POST.get("paper", ""), answers.known)
        elif action == "save":
            return _builder_save(request, library, draft, answers, keys)
        else:
            raise PlanError("Unknown action.")
    except PlanError as refusal:
        return _builder_page(request, library, draft, error=str(refusal), status=400)
    request.session[BUILDER_DRAFT] = {**draft, "order": keys}
    return redirect(reverse("learning:builder") + "#plan")


def _builder_save(request, library, draft, answers, keys):
    if not request.user.is_authenticated:
        request.session[BUILDER_DRAFT] = {**draft, "order": keys}
        messages.info(request, "Create an account (or log in) to save your plan; it is kept.")
        return redirect(
            f"{reverse('account_signup')}?{urlencode({'next': reverse('learning:builder')})}"
        )
    plan = make_plan(library, answers, order=keys)
    if not plan.steps:
        return _builder_page(
            request, library, draft, error="Your plan is empty: add a paper first.", status=400
        )
    path = None
    if draft.get("path"):
        path = get_object_or_404(Path, slug=draft["path"], owner=request.user)
    path = builder.personal_path_save(
        user=request.user, answers=answers, plan=plan, library=library, path=path
    )
    request.session.pop(BUILDER_DRAFT, None)
    messages.success(request, "Your personal path is saved and started.")
    return redirect(path.get_absolute_url())


@login_required
@require_safe
def path_calendar(request, slug):
    """The saved plan as an .ics file: one event per week, listing its steps."""
    path = get_object_or_404(Path, slug=slug, owner=request.user)
    enrollment = Enrollment.objects.filter(user=request.user, path=path).first()
    start = timezone.localdate(enrollment.started_at) if enrollment else timezone.localdate()
    phases = (
        Phase.objects.filter(path=path)
        .order_by("position")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.current().order_by("position")))
    )
    calendar = ICalendar()
    calendar.add("prodid", "-//Learning Roadmap//Personal path//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", path.title)
    offset = 0
    page_url = request.build_absolute_uri(path.get_absolute_url())
    for phase in phases:
        steps = list(phase.steps.all())
        if not steps:
            continue
        span = int(phase.duration.split()[0]) if phase.duration[:1].isdigit() else 1
        event = ICalEvent()
        event.add("uid", f"{path.slug}-{phase.slug}@learning-roadmap")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", start + datetime.timedelta(weeks=offset))
        event.add("dtend", start + datetime.timedelta(weeks=offset + span))
        event.add("summary", f"{phase.label}: {phase.title}")
        event.add("description", "\n".join(f"- {step.title}" for step in steps) + f"\n\n{page_url}")
        event.add("url", page_url)
        calendar.add_component(event)
        offset += span
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{path.slug}.ics"'
    return response
