"""axe-core on every page a learner or a curator uses, light and dark: no critical or serious
violation (issue 14). The rule set is axe's default (WCAG 2.x A and AA plus best practices)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learning import services
from learning.models import Enrollment, Step

from .site_pages import (
    CURATED_PATH,
    LEARNER_PAGES,
    PUBLIC_PAGES,
    admin_change_pages,
    sign_in,
    start_path_with_progress,
)

BLOCKING = {"critical", "serious"}
axe = Axe()


class Audit:
    """Runs axe on page after page and keeps what a failure message needs."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        self.pages, self.rules, self.problems = 0, set(), []
        self.by_impact: dict[str, int] = {}

    def visit(self, url: str, label: str = "") -> None:
        self.page.goto(self.base_url + url)
        self.check(f"{url} {label}".strip())

    def check(self, where: str) -> None:
        results = axe.run(self.page).response
        self.pages += 1
        for kind in ("violations", "passes", "incomplete", "inapplicable"):
            self.rules.update(rule["id"] for rule in results[kind])
        for rule in results["violations"]:
            impact = rule["impact"] or "none"
            self.by_impact[impact] = self.by_impact.get(impact, 0) + len(rule["nodes"])
            if impact in BLOCKING:
                targets = [" ".join(map(str, node["target"])) for node in rule["nodes"][:3]]
                self.problems.append(
                    f"{where}: {impact} {rule['id']} x{len(rule['nodes'])} — {targets}"
                )

    def report(self, scheme: str) -> None:
        print(
            f"\naxe ({scheme}): {self.pages} pages, {len(self.rules)} rules checked, "
            f"violations by impact (nodes): {self.by_impact or 'none'}"
        )
        for problem in self.problems:
            print("  " + problem)
        assert self.problems == [], f"axe found {len(self.problems)} blocking violations (above)"


@pytest.fixture(params=["light", "dark"])
def scheme(request, page):
    # Reduced motion: Pico then has no transitions, so axe never measures colours mid-fade.
    page.emulate_media(color_scheme=request.param, reduced_motion="reduce")
    return request.param


def test_learner_pages_anonymous_and_signed_in_before_and_after_starting(
    page, live_server, roadmap, make_user, scheme
):
    audit = Audit(page, live_server.url)
    for url in PUBLIC_PAGES:
        audit.visit(url, "(anonymous)")

    learner = make_user("axe.learner@example.com")
    sign_in(page, live_server, learner)
    for url in LEARNER_PAGES:
        audit.visit(url, "(signed in, nothing started)")

    path = start_path_with_progress(learner)
    enrollment = Enrollment.objects.get(user=learner, path=path)
    first = Step.objects.filter(path=path).order_by("phase__position", "position").first()
    services.step_note_set(enrollment=enrollment, step=first, note="My **own** words.")
    for url in (f"/paths/{CURATED_PATH}/", "/dashboard/", "/accounts/data/"):
        audit.visit(url, "(signed in, started)")
    # The user menu, opened.
    audit.page.locator(".user-menu summary").press("Enter")
    expect(audit.page.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    audit.check("the user menu, open")
    audit.report(scheme)


def test_curators_admin_change_forms(page, live_server, roadmap, curator, scheme):
    audit = Audit(page, live_server.url)
    sign_in(page, live_server, curator)
    for url in ["/admin/", *admin_change_pages()]:
        audit.visit(url)
    audit.report(scheme)
