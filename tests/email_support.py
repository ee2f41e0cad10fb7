"""What every email the site sends must be, whichever it is: from DEFAULT_FROM_EMAIL, under the
subject given, greeting and signing off as Learning Roadmap (never as the host it was asked
on), with an HTML part in the very words of its text part, and links that are absolute and
lead to pages of the site."""

import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import resolve

# A host with a port, as the emails once named themselves ("Hello from 127.0.0.1:8401!").
HOST = "127.0.0.1:8401"
SITE = f"http://{HOST}/"
LINK = re.compile(r"https?://\S+")
TAG = re.compile(r"<[^>]+>")


def site_client() -> Client:
    """A visitor asking the site at HOST."""
    return Client(HTTP_HOST=HOST)


def text_words(body: str) -> list[str]:
    """The words of a text part, list items without their dashes."""
    return re.sub(r"^- ", "", body, flags=re.MULTILINE).split()


def html_words(document: str) -> list[str]:
    """The words a mail program shows of an HTML part."""
    return html.unescape(TAG.sub("", document)).split()


def html_part(message) -> str:
    (document,) = [content for content, kind in message.alternatives if kind == "text/html"]
    return document


def assert_product_email(message, *, subject: str, to: str) -> str:
    """The email's text part, after checking everything every email must be."""
    assert message.subject == subject
    assert message.to == [to]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    body = message.body
    assert body.startswith("Hello from Learning Roadmap,\n\n"), body
    assert body.endswith(f"\n\n— Learning Roadmap\n{SITE}"), body
    assert HOST not in LINK.sub("", body), body  # the host only ever appears in a link
    assert "testserver" not in body
    document = html_part(message)
    assert html_words(document) == text_words(body)
    assert "<img" not in document
    links = LINK.findall(body)
    assert [html.unescape(href) for href in re.findall(r'href="([^"]+)"', document)] == links
    for link in links:
        assert link.startswith(SITE), link
        resolve(urlsplit(link).path)  # a page of the site, or Resolver404
    return body


def sent_to(outbox, address: str) -> list:
    return [message for message in outbox if message.to == [address]]
