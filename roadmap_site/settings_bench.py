"""Settings of `make bench` only: the site's own settings, with the benchmark's URLs (the two
baseline views of roadmap_site.urls_bench). Never used to serve the site."""

import os

from .settings import *  # noqa: F403
from .settings import STATIC_ROOT as SITE_STATIC_ROOT

ROOT_URLCONF = "roadmap_site.urls_bench"

# The benchmark collects static files into a temporary folder of its own, not the checkout's.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or SITE_STATIC_ROOT
