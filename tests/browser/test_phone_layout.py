"""Phones first (issue 14): at 390 px no page scrolls sideways, and neither does any at 1,280 px;
the header stays compact on a phone, with the search and the menu in it."""

import pytest

from papers.models import Paper

from .site_pages import (
    LEARNER_PAGES,
    PUBLIC_PAGES,
    admin_change_pages,
    sign_in,
    start_path_with_progress,
)

WIDTHS = [390, 1280]

# The page's own width against the window's, and the widest element when they differ.
MEASURE = """() => {
  const root = document.documentElement;
  let widest = "";
  if (root.scrollWidth > root.clientWidth) {
    let right = 0;
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.right > right) { right = box.right; widest = element.tagName.toLowerCase() +
        (element.id ? "#" + element.id : "") +
        (element.className && typeof element.className === "string"
          ? "." + element.className.trim().split(/\\s+/).join(".") : ""); }
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, widest};
}"""


def overflowing(page, base_url, urls) -> list[str]:
    found = []
    for url in urls:
        page.goto(base_url + url)
        size = page.evaluate(MEASURE)
        if size["scroll"] > size["client"]:
            found.append(f"{url}: {size['scroll']} px wide in {size['client']} ({size['widest']})")
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_public_or_learner_page_scrolls_sideways(page, live_server, roadmap, make_user, width):
    page.set_viewport_size({"width": width, "height": 844})
    papers = [paper.get_absolute_url() for paper in Paper.objects.order_by("number")]
    found = overflowing(page, live_server.url, [*PUBLIC_PAGES, *papers])
    learner = make_user("phone.learner@example.com")
    sign_in(page, live_server, learner)
    start_path_with_progress(learner)
    found += overflowing(page, live_server.url, LEARNER_PAGES)
    assert found == [], f"at {width} px:\n" + "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_change_forms_do_not_scroll_sideways(page, live_server, roadmap, curator, width):
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server, curator)
    found = overflowing(page, live_server.url, ["/admin/", *admin_change_pages()])
    assert found == [], f"at {width} px:\n" + "\n".join(found)


def test_the_phone_header_is_compact_with_search_and_menu(page, live_server, roadmap, make_user):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    assert page.locator(".site-header").bounding_box()["height"] <= 120
    learner = make_user("compact.header@example.com")
    sign_in(page, live_server, learner)
    page.goto(live_server.url + "/")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 120
    assert header.get_by_role("searchbox").is_visible()
    assert header.locator(".user-menu summary").is_visible()
