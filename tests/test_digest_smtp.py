"""The weekly digest over real SMTP: `manage.py send_digests` hands each digest to a mail
server (aiosmtpd, on loopback) with the right sender, recipient, subject, parts and one-click
unsubscribe headers; a server that refuses it leaves the digest to the next run."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command

from learning.models import DigestSend

from .digest_support import following, subject_of
from .email_support import HOST, SITE


class Inbox:
    """An SMTP server's handler that keeps what it is sent (or refuses every recipient)."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.refusing = False
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A mail server on loopback, which the site's SMTP backend sends to (plain SMTP)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = SITE
    yield inbox
    controller.stop()


def test_send_digests_delivers_over_smtp_once(smtp_server, subscriber, settings):
    learners = [subscriber(f"reader{n}@example.com") for n in range(2)]
    for learner in learners:
        following(learner, hours_per_week=4)

    call_command("send_digests")
    call_command("send_digests")  # idempotent: nothing more reaches the server

    assert smtp_server.sessions == 1  # both in one SMTP session
    assert sorted(rcpt for _, (rcpt,), _ in smtp_server.messages) == [
        "reader0@example.com",
        "reader1@example.com",
    ]
    for mail_from, (rcpt,), message in smtp_server.messages:
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        assert message["To"] == rcpt
        # On the real clock (the command sends for the week it runs in), whatever the day.
        assert message["Subject"] == subject_of(DigestSend.objects.first().week)
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert text.startswith("Hello from Learning Roadmap,")
        assert "Coming week at your pace of 4 h a week:" in text
        assert "Coming week at your pace of 4 h a week:" in html
        unsubscribe = str(message["List-Unsubscribe"]).strip()  # folded: a long header
        assert unsubscribe.startswith(f"<http://{HOST}/digest/unsubscribe/")
        assert unsubscribe.strip("<>") in text
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail_from in settings.DEFAULT_FROM_EMAIL
    assert DigestSend.objects.filter(sent_at__isnull=False).count() == 2


def test_a_refused_digest_is_sent_by_the_next_run(smtp_server, subscriber):
    learner = subscriber("reader@example.com")
    following(learner)
    smtp_server.refusing = True

    with pytest.raises(CommandError, match="1 digest"):
        call_command("send_digests")
    assert smtp_server.messages == []
    assert not DigestSend.objects.exists()  # the claim was released

    smtp_server.refusing = False
    call_command("send_digests")
    assert [rcpt for _, rcpt, _ in smtp_server.messages] == [["reader@example.com"]]
