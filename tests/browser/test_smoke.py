"""A real browser opens the site and signs up through the real allauth form."""

import re

from playwright.sync_api import expect

from .test_progress import sign_up


def test_visitor_signs_up_and_sees_the_logged_in_header(page, live_server, password):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Choose your path")).to_be_visible()

    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    # The password's rules, then what is wrong with it, are read out with the field.
    password_field = page.get_by_label(re.compile(r"^Password:?$"))
    expect(password_field).to_have_accessible_description(re.compile("at least 8 characters"))
    page.get_by_label("Email").fill("browser@example.com")
    password_field.fill("short")
    page.get_by_label("Password (again)").fill("short")
    page.get_by_role("button", name="Sign Up").click()
    expect(password_field).to_have_accessible_description(re.compile("password is too short"))
    sign_up(page, live_server.url, "browser@example.com", password)  # then log in from its page

    header = page.get_by_role("banner")
    expect(header.get_by_text("browser@example.com")).to_be_visible()
    expect(header.get_by_role("link", name="Log in")).to_have_count(0)
