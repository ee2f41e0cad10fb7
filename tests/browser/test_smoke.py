"""A real browser opens the site and signs up through the real allauth form."""

import re

from playwright.sync_api import expect


def test_visitor_signs_up_and_sees_the_logged_in_header(page, live_server, password):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Choose your path")).to_be_visible()

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()

    header = page.get_by_role("banner")
    expect(header.get_by_text("browser@example.com")).to_be_visible()
    expect(header.get_by_role("link", name="Log in")).to_have_count(0)
