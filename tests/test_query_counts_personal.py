"""A personal path's pages cost the same number of queries for a short and a long plan."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import services
from learning.models import Enrollment, Path, Step

from .conftest import forget_rendered_pages
from .test_builder import BUILDER, plan, save

# The path page also reads the content version and finds that no curated path has its name (not
# remembered: any address could otherwise fill the cache); the dashboard reads the version for the
# checklists, built once per content version (11 once built; pinned here: the first view); the
# re-plan (the builder) reads it too, as learners' own pages are kept under it.
PINNED = {"path page": 13, "re-plan": 13, "calendar": 11, "dashboard": 13, "export": 11}


def count_queries(client, url: str) -> int:
    """The page's queries the first time after a content change (nothing rendered yet)."""
    forget_rendered_pages()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_personal_path_pages_cost_the_same_for_a_short_and_a_long_plan(
    roadmap, make_user, client_for
):
    """A learner's personal path, its re-plan in the builder, its calendar, the dashboard and
    the data export: the same number of queries for a 4-paper plan and a 15-paper one, with
    progress on every step and a step removed from the plan."""

    def measure(answers: dict) -> dict:
        learner = make_user()
        client = client_for(learner)
        plan(client, **answers)
        save(client)
        path = Path.objects.get(owner=learner)
        enrollment = Enrollment.objects.get(user=learner, path=path)
        steps = list(Step.objects.filter(path=path))
        for step in steps:
            services.step_progress_set(enrollment=enrollment, step=step, status="done")
            services.step_note_set(enrollment=enrollment, step=step, note="a note")
        client.get(BUILDER + f"?path={path.slug}")
        client.post(BUILDER, {"action": "remove", "key": steps[-1].slug})
        save(client, confirm="yes")
        client.get(BUILDER + f"?path={path.slug}")
        return {
            "path page": count_queries(client, path.get_absolute_url()),
            "re-plan": count_queries(client, BUILDER),
            "calendar": count_queries(client, f"/paths/{path.slug}/calendar.ics"),
            "dashboard": count_queries(client, "/dashboard/"),
            "export": count_queries(client, "/accounts/data/export.json"),
        }

    short = measure({"background": "product-manager", "interests": []})
    long = measure({"background": "researcher", "interests": ["vision", "language", "efficiency"]})
    assert short == PINNED
    assert long == PINNED
