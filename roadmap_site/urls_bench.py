"""URLs of `make bench` only (roadmap_site.settings_bench): the site's own, plus two baseline
views that measure the framework's floor with this project's middleware. Never in production."""

from django.http import HttpResponse
from django.urls import path

from .urls import urlpatterns as site_urlpatterns


def hello(request):
    """The floor for anonymous pages: no session, no user, no database."""
    return HttpResponse("hello", content_type="text/plain")


def hello_user(request):
    """The floor for logged-in pages: the session and the user are read, nothing else."""
    return HttpResponse(str(request.user.pk), content_type="text/plain")


urlpatterns = [
    path("_bench/hello", hello, name="bench_hello"),
    path("_bench/hello-user", hello_user, name="bench_hello_user"),
    *site_urlpatterns,
]
