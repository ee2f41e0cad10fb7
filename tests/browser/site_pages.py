"""The pages the accessibility and phone-layout tests visit, and how they get a signed-in page.

One list, so a page added to the site is checked for both by adding it here once.
"""

from django.test import Client

from learning import services
from learning.models import Path, Phase, Step
from papers.models import Paper

CURATED_PATH = "software-engineer"
WIDE_TABLE_PAGES = ["comparisons", "quick-reference", "estimated-time-investment"]
PUBLIC_PAGES = [
    "/",
    f"/paths/{CURATED_PATH}/",
    "/papers/",
    "/papers/attention-is-all-you-need/",
    "/topics/vision/",
    "/glossary/",
    *[f"/pages/{slug}/" for slug in WIDE_TABLE_PAGES],
    "/search/?q=attention",
    "/builder/",
    "/accounts/signup/",
    "/accounts/login/",
]
LEARNER_PAGES = [
    "/",
    f"/paths/{CURATED_PATH}/",
    "/papers/attention-is-all-you-need/",
    "/builder/",
    "/dashboard/",
    "/accounts/data/",
    "/groups/",
    "/digest/",
]


def sign_in(page, live_server, user) -> None:
    """Give the browser `user`'s session, as a login would (the login form has tests of its own)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def start_path_with_progress(user) -> Path:
    """`user` follows the curated path with its first three steps done and the fourth skipped,
    so finished (faded) steps, badges and the progress panel are all on the page."""
    path = Path.objects.get(slug=CURATED_PATH)
    enrollment = services.enrollment_create(user=user, path=path, depth="quick")[0]
    steps = Step.objects.filter(path=path).order_by("phase__position", "position")
    for step, status in zip(steps[:4], ["done", "done", "done", "skipped"], strict=True):
        services.step_progress_set(enrollment=enrollment, step=step, status=status)
    services.step_progress_set(enrollment=enrollment, step=steps[4], status="in_progress")
    return path


def admin_change_pages() -> list[str]:
    """The change forms curators use, with their inlines (and the curator insights' pages)."""
    path = Path.objects.get(slug=CURATED_PATH)
    phase = Phase.objects.filter(path=path).order_by("position").first()
    step = Step.objects.filter(path=path).order_by("phase__position", "position").first()
    paper = Paper.objects.order_by("number").first()
    return [
        f"/admin/learning/path/{path.pk}/change/",
        f"/admin/learning/phase/{phase.pk}/change/",
        f"/admin/learning/step/{step.pk}/change/",
        f"/admin/papers/paper/{paper.pk}/change/",
        "/admin/insights/",
        f"/admin/insights/{CURATED_PATH}/",
    ]
