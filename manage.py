#!/usr/bin/env python
"""Django's command-line utility, with configuration and connection errors reported in one line."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - load settings here, so errors are ours to report
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"error: configuration: {error}")
    except OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no reason given"
        sys.exit(f"error: cannot reach PostgreSQL: {reason}")


if __name__ == "__main__":
    main()
