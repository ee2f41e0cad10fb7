"""Screenshots of the roadmap map and the activity heat map, for docs/screenshots/.

Run it against the embedded development database (or the server in DATABASE_URL):

    DJANGO_DEBUG=1 .venv/bin/python scripts/devdb.py exec --create-missing -- \\
        .venv/bin/python scripts/screenshots.py

It migrates and loads the seed content if the database is empty, makes a demo learner
(screenshots@example.com) following "Software Engineer" with a few statuses set and a made-up
history of active days over the last months (for the heat map), serves the site with gunicorn
on a free local port, and drives Debian's Chromium (CHROMIUM_PATH, else /usr/bin/chromium) with
Playwright to write map-{desktop,phone}-{light,dark}.png and heatmap-desktop.png. Running it
again resets the demo learner's data first, so the pictures come out the same.
"""

from __future__ import annotations

import datetime
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
EMAIL = "screenshots@example.com"
PASSWORD = "a-screenshot-password-42"  # a local demo account, never deployed
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def prepare_data() -> str:
    """The demo learner with statuses and a history; returns the path's address."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from learning import services
    from learning.models import Path as RoadmapPath
    from learning.models import ProgressEvent, Step

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_content", if_empty=True, verbosity=0)
    existing = User.objects.filter(email=EMAIL).first()
    if existing:
        services.account_delete(user=existing)
    user = User.objects.create_user(email=EMAIL, password=PASSWORD)
    path = RoadmapPath.objects.get(slug="software-engineer")
    enrollment, _ = services.enrollment_create(user=user, path=path, depth="thorough")
    steps = list(Step.objects.current().filter(path=path).order_by("phase__position", "position"))
    statuses = ["done", "done", "done", "skipped", "in_progress"]
    for step, status in zip(steps, statuses, strict=False):
        services.step_progress_set(enrollment=enrollment, step=step, status=status)
    rng = random.Random(14)
    now = timezone.now()
    history = [
        ProgressEvent(
            user=user,
            step=rng.choice(steps),
            status="in_progress",
            created_at=now - datetime.timedelta(days=days, hours=rng.randint(0, 6)),
        )
        for days in range(1, 170)
        if rng.random() < (0.5 if days < 40 else 0.2)
        for _ in range(rng.randint(1, 7))
    ]
    ProgressEvent.objects.bulk_create(history)
    return path.get_absolute_url()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            *(str(ROOT / ".venv" / "bin" / "gunicorn"), "roadmap_site.wsgi"),
            *("-b", f"127.0.0.1:{port}", "-w", "1", "--access-logfile", "/dev/null"),
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1"},
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def shoot(base: str, path_url: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size, viewport in SIZES.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                page.goto(base + "/accounts/login/")
                page.get_by_label("Email").fill(EMAIL)
                page.locator("input[type=password]").fill(PASSWORD)
                page.get_by_role("button", name="Sign In").click()
                page.wait_for_url(lambda url: "/accounts/login/" not in url)
                page.goto(base + path_url + "#path-map")
                page.locator("#path-map").screenshot(path=OUT / f"map-{size}-{scheme}.png")
                if size == "desktop" and scheme == "light":
                    page.goto(base + "/dashboard/")
                    page.locator(".activity").screenshot(path=OUT / "heatmap-desktop.png")
                context.close()
        browser.close()


def main() -> None:
    path_url = prepare_data()
    port = free_port()
    server = serve(port)
    try:
        shoot(f"http://127.0.0.1:{port}", path_url)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for picture in sorted(OUT.glob("*.png")):
        print(f"{picture.relative_to(ROOT)}: {picture.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
