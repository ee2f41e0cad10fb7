"""ASGI entry point, for servers that speak ASGI (the site itself is synchronous)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_site.settings")

from roadmap_site.checks import refuse_to_serve_unconfigured

refuse_to_serve_unconfigured()
application = get_asgi_application()
