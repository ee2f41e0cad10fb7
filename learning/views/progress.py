"""Marking steps, notes, checklist ticks and the dashboard: in place with htmx, plain forms
without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.page_cache import learner_page

from .. import selectors, services
from ..forms import StepNoteForm, StepStatusForm, TickForm
from ..models import ChecklistItem, Step
from .common import is_htmx, step_for_learner
from .paths import path_page


def _after_step_change(
    request, step: Step, *, just_completed=False, data_version=None
) -> HttpResponse:
    """In place with htmx (the outline, and the enrolment panel out of band so completion shows
    at once), else back to the step; finishing the path is announced either way.
    `data_version`: the learner version read with what showed that nothing was to change."""
    if just_completed and not is_htmx(request):
        messages.success(request, f"You completed {step.path.title}: every step is finished.")
        return redirect(step.path.get_absolute_url() + "#start")
    if is_htmx(request):
        path = step.path
        slug = path.slug
        return path_page(
            request,
            selectors.PathHead(path.pk, slug, path.status),
            just_completed=just_completed,
            data_version=data_version,
            outline=lambda: selectors.path_outline(slug=slug, user=request.user, request=request),
        )
    return redirect(step.get_absolute_url())


@login_required
@require_POST
def step_status(request, pk):
    step, enrollment = step_for_learner(request, pk)
    form = StepStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "Unknown status: choose Not started, In progress, Done or Skipped."
        )
    status = form.cleaned_data["status"]
    if enrollment.step_status == status:  # already so (a double click, a retried POST)
        return _after_step_change(request, step, data_version=enrollment.learner_version)
    was_complete = enrollment.is_complete
    services.step_progress_set(enrollment=enrollment, step=step, status=status)
    return _after_step_change(
        request, step, just_completed=enrollment.is_complete and not was_complete
    )


@login_required
@require_POST
def step_note(request, pk):
    step, enrollment = step_for_learner(request, pk)
    form = StepNoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("A note can be at most 20,000 characters.")
    services.step_note_set(enrollment=enrollment, step=step, note=form.cleaned_data["note"])
    if not is_htmx(request):
        messages.success(request, "Note saved.")
    return _after_step_change(request, step)


@login_required
@require_POST
def checklist_tick(request, pk):
    item = get_object_or_404(ChecklistItem, pk=pk)
    form = TickForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Tick the item or not.")
    ticked = form.cleaned_data["ticked"]
    services.checklist_tick_set(user=request.user, item=item, ticked=ticked)
    if is_htmx(request):
        return render(request, "learning/_checklist_item.html", {"item": item, "ticked": ticked})
    return redirect(reverse("learning:dashboard") + "#checklists")


@login_required
@require_safe
def dashboard(request):
    """Kept per version of the learner's data, and per minute: it says how long ago each
    recent change was."""
    return learner_page(
        request,
        f"dashboard|{timezone.now():%H:%M}",
        lambda: render(
            request,
            "learning/dashboard.html",
            {"board": selectors.dashboard(user=request.user, request=request)},
        ),
    )
