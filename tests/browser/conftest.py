"""Playwright against Debian's Chromium, and Django's live server for it to browse."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are
    still synchronous and safe, so Django's async-context guard is relaxed for these tests only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent.name == "browser":
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page, live_server):
    page.set_default_timeout(10_000)
    return page


# Runs in every page before its own scripts (Playwright's init scripts are not subject to the
# page's policy), and reports each violation to the test as it happens.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}` +
      ` on ${event.documentURI} (${event.sourceFile || "page"}:${event.lineNumber})`
  );
});
"""


@pytest.fixture
def browser_problems(page):
    """What went wrong in the browser while the test ran: every Content-Security-Policy
    violation, and every error or warning the browser logged (a refused script or style, a
    Permissions-Policy feature it does not know…), on every page of the test's context. The
    test fails at the end if there was any."""
    problems: list[str] = []

    def logged(message):
        # The admin's pages name no icon, so Chromium asks for /favicon.ico, which is a 404.
        if message.type not in ("error", "warning") or message.location["url"].endswith(
            "/favicon.ico"
        ):
            return
        problems.append(f"console {message.type}: {message.text} ({message.location['url']})")

    context = page.context
    context.expose_binding("reportCspViolation", lambda source, text: problems.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    context.on("console", logged)
    yield problems
    assert problems == [], "the browser reported:\n" + "\n".join(problems)
