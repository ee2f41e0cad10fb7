"""A change made in place that does not go through says so where the learner is looking: the
site briefly unavailable (503), a refusal with its reason, or no connection at all, and
nothing shows as saved that was not."""

from playwright.sync_api import expect

from learning.models import Path, Step, StepProgress

from .test_progress import sign_up, start_path, step_card


def answering(status: int, content_type: str, body: str):
    """A route handler answering every request so, as the server would in trouble."""
    return lambda route: route.fulfill(status=status, content_type=content_type, body=body)


def test_a_status_that_is_not_saved_says_why_and_a_retry_saves_it(
    page, live_server, roadmap, password
):
    path = Path.objects.get(slug="software-engineer")
    step = Step.objects.filter(path=path).order_by("phase__position", "position").first()
    sign_up(page, live_server.url, "unlucky@example.com", password)
    start_path(page, live_server.url, path)
    problem = page.get_by_role("alert")
    done = step_card(page, step).get_by_role("button", name="Done", exact=True)

    answers = [
        (503, "text/html", "<h1>Back in a moment</h1>", "the site is briefly unavailable"),
        (
            400,
            "text/plain",
            "Unknown status: choose one.",
            "Not saved: Unknown status: choose one.",
        ),
    ]
    for status, content_type, body, said in answers:
        page.route("**/steps/*/status/", answering(status, content_type, body))
        done.click()
        expect(problem).to_contain_text(said)
        expect(step_card(page, step).locator(".status-badge")).to_have_text("Not started")
        page.unroute("**/steps/*/status/")

    page.route("**/steps/*/status/", lambda route: route.abort())
    done.click()
    expect(problem).to_contain_text("could not be reached")
    page.unroute("**/steps/*/status/")
    assert not StepProgress.objects.filter(step=step, status="done").exists()

    done.click()  # the connection is back: the same click saves it, and the message goes
    expect(step_card(page, step).locator(".status-badge")).to_have_text("Done")
    expect(problem).to_be_hidden()
    assert StepProgress.objects.get(user__email="unlucky@example.com", step=step).status == "done"
