"""Every email the site sends, sent by the site's own pages: who it comes from, its subject, its
words (the product's, never the host's) in a text and an HTML part, its links; and the sender
a deployment must name before the site starts."""

import os
import subprocess
import sys

from .servers import ROOT


def manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    """manage.py with debug off, a secret key and an allowed host; env_overrides on top (None
    removes a variable)."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "roadmap.example.com"}
    env |= {"DJANGO_SECRET_KEY": "x7" * 30 + "-a-long-random-production-secret"}
    env |= env_overrides
    env = {k: v for k, v in env.items() if v is not None and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    command = [sys.executable, *(args if args[0] == "-c" else ["manage.py", *args])]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_to_start_without_a_sender():
    serving = manage("-c", "import roadmap_site.wsgi", DEFAULT_FROM_EMAIL=None)
    assert serving.returncode != 0
    assert "DEFAULT_FROM_EMAIL must be set when DJANGO_DEBUG is off" in serving.stderr
    deploy = manage("check", "--deploy", DEFAULT_FROM_EMAIL=None)
    assert deploy.returncode != 0
    assert "(roadmap.E002) DEFAULT_FROM_EMAIL must be set" in deploy.stderr
    not_an_address = manage("check", "--deploy", DEFAULT_FROM_EMAIL="Learning Roadmap")
    assert not_an_address.returncode != 0
    assert "DEFAULT_FROM_EMAIL is not an email address: 'Learning Roadmap'" in not_an_address.stderr
    # Commands that send no email still run (a deployment migrates before it serves).
    migrations = manage("makemigrations", "--check", "--dry-run", DEFAULT_FROM_EMAIL=None)
    assert migrations.returncode == 0, migrations.stderr


def test_production_with_a_sender_passes_check_deploy():
    sender = "Learning Roadmap <noreply@roadmap.example.com>"
    deploy = manage("check", "--deploy", "--fail-level", "WARNING", DEFAULT_FROM_EMAIL=sender)
    assert deploy.returncode == 0, deploy.stderr
    assert "System check identified no issues" in deploy.stdout
    serving = manage("-c", "import roadmap_site.wsgi", DEFAULT_FROM_EMAIL=sender)
    assert serving.returncode == 0, serving.stderr
