"""Text PostgreSQL cannot store never reaches it: a request whose address, query or form holds
a NUL character or half of a surrogate pair is refused here, in one place, with a 400 that
says so (not a 500 from the database, nor a form error about something else). And the
Permissions-Policy header of every response."""

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

MESSAGE = (
    "The request holds a character that cannot be stored (a NUL byte or a broken character)."
    " Remove it and try again."
)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _texts(request: HttpRequest):
    yield request.path
    queries = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for query in queries:
        for name, values in query.lists():
            yield name
            yield from (value for value in values if isinstance(value, str))


class RefuseUnstorableText:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not all(_storable(text) for text in _texts(request)):
            return render(request, "400.html", {"reason": MESSAGE}, status=400)
        return self.get_response(request)


class PermissionsPolicy:
    """Every response says which browser features the site may use: none of those in
    settings.PERMISSIONS_POLICY, neither the site nor anything it could embed."""

    def __init__(self, get_response):
        self.get_response = get_response
        features = getattr(settings, "PERMISSIONS_POLICY", [])
        self.header = ", ".join(f"{feature}=()" for feature in features)

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
