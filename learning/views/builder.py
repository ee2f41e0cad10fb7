"""The personal-path builder's pages: plan, edit, save (once), re-plan, put a removed step back,
and the plan's calendar. The draft and its actions live in BuilderSession; the rules in the
planner; the writes in learning.builder."""

import dataclasses
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.page_cache import learner_page

from .. import builder, selectors
from ..builder_session import BuilderSession
from ..calendar import plan_calendar
from ..drafts import answers_to_json
from ..forms import BuilderForm
from ..library import load_library
from ..models import DepthKey, Path, Step
from ..planner import PROJECT_KEY, Answers, PlanError, make_plan

PLAN_ACTIONS = [("up", "Move up"), ("down", "Move down"), ("remove", "Remove")]


def _page(session: BuilderSession, draft, *, form=None, error="", status=200):
    saved = session.saved_plan(draft)
    library = saved.library(session.library)
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
    context = {
        "form": form or BuilderForm(initial=answers_to_json(draft.answers), library=library),
        "plan": plan,
        "draft": draft,
        "signed_draft": session.sign(dataclasses.replace(draft, order=plan.keys)),
        "names": {key: library.name(key) for key in plan.keys},
        "library_keys": set(library.papers),
        "answers": draft.answers,
        "depth_label": DepthKey(draft.answers.depth).label,
        "addable": [(slug, name) for slug, name in library.papers.items() if slug not in plan.keys],
        "error": error,
        "replanning": saved.path,
        "changes": saved.changes(plan.keys, library),
        "records": saved.records(),
        "finished": saved.finished,
        "plan_actions": PLAN_ACTIONS,
    }
    return render(session.request, "learning/builder.html", context, status=status)


def _to_plan():
    return redirect(reverse("learning:builder") + "#plan")


@require_http_methods(["GET", "HEAD", "POST"])
def builder_view(request):
    if request.method != "POST" and "path" not in request.GET:
        # A learner's builder is kept per version of their data and the draft in their session.
        draft = json.dumps(request.session.get(BuilderSession.DRAFT), sort_keys=True)

        def page():
            session = BuilderSession(request, load_library())
            return _page(session, session.draft)

        return learner_page(request, f"builder|{draft}", page)
    session = BuilderSession(request, load_library())
    if request.method != "POST":
        return _start_replan(request, session, request.GET["path"])
    action = request.POST.get("action", "")
    if action == "reset":
        session.reset()
        return redirect("learning:builder")
    if action == "save":
        return _save(request, session)
    if action == "plan":
        form = BuilderForm(request.POST, library=session.library)
        if not form.is_valid():
            return _page(session, session.draft, form=form, status=400)
        session.answer(_answers(form.cleaned_data))
        return _to_plan()
    value = request.POST.get("paper" if action == "add" else "key", "")
    try:
        session.edit(action, value)
    except PlanError as refusal:
        return _page(session, session.draft, error=str(refusal), status=400)
    return _to_plan()


def _answers(data: dict) -> Answers:
    return Answers(
        background=data["background"],
        interests=tuple(data["interests"]),
        depth=data["depth"],
        hours_per_week=data["hours_per_week"],
        known=frozenset(data["known"]),
        project=data["project"],
    )


def _start_replan(request, session: BuilderSession, slug: str):
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('account_login')}?{query}")
    session.replan(get_object_or_404(Path, slug=slug, owner=request.user))
    return redirect("learning:builder")


def _save(request, session: BuilderSession):
    """Save the plan the page showed, once: a double click, a retried POST or a page left open
    finds the path already saved from that draft instead of making another."""
    try:
        shown = session.shown(request.POST.get("plan", ""))
    except signing.BadSignature:
        error = "This page was out of date: check your plan below and save again."
        return _page(session, session.draft, error=error, status=400)
    if not request.user.is_authenticated:
        session.wait_for_account(shown)
        messages.info(
            request, "Create an account (or log in): your plan is saved and started right after."
        )
        query = urlencode({"next": reverse("learning:builder_resume")})
        return redirect(f"{reverse('account_signup')}?{query}")
    confirmed = request.POST.getlist("confirm_key") if request.POST.get("confirm") == "yes" else []
    return _save_draft(request, session, shown, confirmed=confirmed)


def _save_draft(request, session: BuilderSession, draft, *, confirmed=()):
    try:
        path, saved_now = builder.personal_path_save(
            user=request.user, draft=draft, library=session.library, confirm_removals=confirmed
        )
    except Path.DoesNotExist:
        session.reset()
        raise Http404("No such personal path.") from None
    except builder.StaleDraft as refusal:
        session.replan(get_object_or_404(Path, slug=draft.path, owner=request.user))
        messages.warning(request, str(refusal))
        return _to_plan()
    except PlanError as refusal:
        return _page(session, draft, error=str(refusal), status=400)
    session.saved(draft)
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
    session = BuilderSession(request, load_library())
    draft, token = session.pending()
    if draft is None:
        already = builder.saved_path_for(user=request.user, token=token)
        return redirect(already.get_absolute_url() if already else "learning:builder")
    return _save_draft(request, session, draft)


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
    """What is left of a saved plan as an .ics file (learning/calendar.py)."""
    try:
        path = selectors.path_outline(slug=slug, user=request.user)
    except Path.DoesNotExist:
        raise Http404("No such path.") from None
    if path.owner_id != request.user.pk:
        raise Http404("No such path.")
    state = selectors.learner_path(path=path, user=request.user).state
    page_url = request.build_absolute_uri(path.get_absolute_url())
    ics = plan_calendar(title=path.title, slug=path.slug, state=state, page_url=page_url)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{path.slug}.ics"'
    return response
