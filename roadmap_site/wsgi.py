"""WSGI entry point for gunicorn: `gunicorn roadmap_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")

from roadmap_site.checks import refuse_to_serve_unconfigured

refuse_to_serve_unconfigured()
application = get_wsgi_application()
