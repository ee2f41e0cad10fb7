"""What the learning views share: telling htmx requests apart, and the learner's own objects."""

from django.db.models import Subquery
from django.shortcuts import get_object_or_404

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
    """A current step of a path the learner follows, with their enrolment on it (else 404),
    read with the learner's status of the step (`enrollment.step_status`, None before any)."""
    steps = Step.objects.current().select_related("path")
    # What the status and note views use (not the texts): the step's page address, its path's.
    steps = steps.only("path_id", "phase_id", "slug", "archived", *PATH_FIELDS)
    step = get_object_or_404(steps, pk=pk)
    status = StepProgress.objects.filter(user=request.user, step=step).values("status")[:1]
    enrollment = get_object_or_404(
        Enrollment.objects.annotate(step_status=Subquery(status)),
        user=request.user,
        path=step.path,
    )
    enrollment.user, enrollment.path = request.user, step.path  # not read again
    return step, enrollment
