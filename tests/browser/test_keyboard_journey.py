"""A learner who uses only the keyboard (issue 14): sign up, log in, start a path, mark three
steps, write a note, use the account menu, continue from the dashboard — Tab, Shift+Tab, Enter,
Space and Esc, never the mouse. On the way, the sticky progress panel never hides what has focus
(WCAG 2.4.11)."""

import re

from playwright.sync_api import expect

from learning.models import Path, Step

IS_FOCUSED = "element => element === document.activeElement"
# The focused element's box against the sticky progress panel's: "hidden" when wholly under it.
HIDDEN_UNDER_PANEL = """() => {
  const panel = document.querySelector(".progress-summary");
  const focused = document.activeElement;
  if (!panel || !focused || focused === document.body || panel.contains(focused)) return false;
  const cover = panel.getBoundingClientRect(), box = focused.getBoundingClientRect();
  return box.top >= cover.top && box.bottom <= cover.bottom;
}"""


def tab_to(page, target, *, backwards=False, limit=400) -> None:
    """Press Tab (or Shift+Tab) until `target` has focus."""
    for _ in range(limit):
        if target.evaluate(IS_FOCUSED):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def type_into(page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def sign_up_and_log_in(page, base_url, email, password) -> None:
    page.goto(base_url + "/accounts/signup/")
    type_into(page, page.get_by_label("Email"), email)
    type_into(page, page.get_by_label(re.compile(r"^Password:?$")), password)
    type_into(page, page.get_by_label("Password (again)"), password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="log in", exact=True))
    page.keyboard.press("Enter")
    type_into(page, page.get_by_label("Email"), email)
    type_into(page, page.get_by_label(re.compile(r"^Password:?$")), password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("banner").get_by_text(email)).to_be_visible()


def test_a_keyboard_only_learner_goes_from_sign_up_to_continue(
    page, live_server, roadmap, password, browser_problems
):
    path = Path.objects.get(slug="software-engineer")
    steps = list(Step.objects.filter(path=path).order_by("phase__position", "position"))
    sign_up_and_log_in(page, live_server.url, "keys.only@example.com", password)

    page.goto(live_server.url + path.get_absolute_url())
    # Tab lands on the depth already chosen; the arrow keys move the choice, as in any radio group.
    tab_to(page, page.locator("input[name=depth]:checked"))
    quick = page.get_by_label("Quick pass")
    for _ in range(3):
        if not quick.is_checked():
            page.keyboard.press("ArrowUp")
    expect(quick).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Start this path"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"0 of {len(steps)} steps")).to_be_visible()

    for done, step in enumerate(steps[:3], start=1):
        card = page.locator(f"#step-{step.slug}")
        tab_to(page, card.get_by_role("button", name="Done", exact=True))
        page.keyboard.press("Enter")
        expect(card.locator(".status-badge")).to_have_text("Done")
        expect(page.locator("#outline-announcement")).to_contain_text(
            f"{done} done out of {len(steps)}"
        )

    # Backwards through the steps just marked: nothing that takes focus is under the panel.
    hidden = []
    for _ in range(25):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(HIDDEN_UNDER_PANEL):
            hidden.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert hidden == [], "hidden under the sticky progress panel:\n" + "\n".join(hidden)

    card = page.locator(f"#step-{steps[3].slug}")
    tab_to(page, card.get_by_text("Your private note"))
    page.keyboard.press("Enter")
    type_into(page, card.get_by_label("Private note (Markdown)"), "Read it *twice*.")
    tab_to(page, card.get_by_role("button", name="Save note"))
    page.keyboard.press("Enter")
    expect(page.locator(f"#step-{steps[3].slug} .note-body em")).to_have_text("twice")

    # The map: back up to the node of the step just noted and follow it; the map shows the
    # three steps marked above.
    node = page.locator(f'#path-map a.map-node[href="#{steps[3].anchor}"]')
    tab_to(page, node, backwards=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"#{steps[3].anchor}$"))
    expect(page.locator("#path-map a.map-done")).to_have_count(3)

    # The account menu: Enter opens it, Esc closes it and gives focus back to its button.
    menu = page.locator("details.user-menu")
    summary = menu.locator("summary")
    tab_to(page, summary, backwards=True)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    assert summary.evaluate(IS_FOCUSED)
    page.keyboard.press("Enter")
    tab_to(page, menu.get_by_role("link", name="Dashboard"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_text(f"3 of {len(steps)} steps")).to_be_visible()
    tab_to(page, page.get_by_role("link", name=re.compile(r"^Continue")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"#step-{steps[3].slug}$"))
    expect(page.locator(f"#step-{steps[3].slug}")).to_have_class(re.compile(r"\bis-next\b"))
