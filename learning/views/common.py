"""What the learning views share: telling htmx requests apart, and the learner's own objects."""

from django.db.models import F, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.page_cache import rendered

from ..models import Enrollment, Step, StepProgress

PATH_FIELDS = ("path__slug", "path__title", "path__owner", "path__status")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def own_enrollment(request, pk) -> Enrollment:
    """The learner's enrolment: the learner is in the query, so another learner gets a 404."""
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("path"), pk=pk, user=request.user
    )
    enrollment.user = request.user  # the same account, not read again
    return enrollment


def step_for_learner(request, pk) -> tuple[Step, Enrollment]:
    """A current step of a path the learner follows, with their enrolment on it (else 404).
    The step is content, read once per content version; the enrolment comes with the
    learner's status of the step (`step_status`, None before any) and their learner version
    as of that read (`learner_version`), in one query."""
    step = rendered(request, f"step-head:{pk}", lambda: _step_head(pk))
    if step is None:
        raise Http404("No such step.")
    status = StepProgress.objects.filter(user=request.user, step_id=pk).values("status")[:1]
    enrollment = get_object_or_404(
        Enrollment.objects.annotate(
            step_status=Subquery(status), learner_version=F("user__data_version")
        ),
        user=request.user,
        path_id=step.path_id,
    )
    enrollment.user, enrollment.path = request.user, step.path  # not read again
    return step, enrollment


def _step_head(pk: int) -> Step | None:
    """The step with only what the status and note views use (its address, its path's)."""
    steps = Step.objects.current().select_related("path")
    return steps.only("path_id", "phase_id", "slug", "archived", *PATH_FIELDS).filter(pk=pk).first()
