"""Pages and fragments rendered once per content version.

- `public_page` (a view decorator): an anonymous visitor's GET of a public page is rendered
  once per content version and process, then served from the process's "rendered" cache. The
  page is rendered with a placeholder for the CSRF token (the only per-visitor byte a public
  page has) that is replaced by the visitor's own token on every response. A visitor with a
  session or messages (someone who just logged out, or is building a plan) is never served a
  cached page, and a page whose rendering touched the session or set a cookie is not stored.
- `rendered(request, key, build)`: any rendered content (a path's step blocks, say) built once
  per content version and reused, for logged-in pages that lay a learner's own data over it.

What invalidates: the content version, which PostgreSQL changes with every committed write to
content (core.content_version). What is never cached: anything of a learner's (statuses, notes,
tallies, the user menu, messages), staff views (they preview drafts), and non-200 responses.
"""

from functools import wraps
from hashlib import blake2b

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers

from .content_version import content_version

# Stands for the visitor's CSRF token in a page rendered for everyone.
CSRF_PLACEHOLDER = "csrf-token-of-this-visitor-0b7c1f"
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
MESSAGES_COOKIE = "messages"


def rendered_cache():
    return caches["rendered"]


def context_processor(request) -> dict:
    """While a page is rendered for everyone, the CSRF token is the placeholder."""
    if getattr(request, "renders_for_everyone", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _anonymous_visit(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and MESSAGES_COOKIE not in cookies
    )


def _page_key(request) -> str:
    where = f"{request.headers.get('HX-Request', '')}|{request.get_full_path()}"
    digest = blake2b(where.encode(), digest_size=16).hexdigest()
    return f"page:{content_version(request)}:{digest}"


def _shareable(request, response) -> bool:
    """Whether the page holds nothing of this visitor: they came without a session, so only
    what the view wrote during the request could be theirs (a session value, a message, a
    cookie)."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
        and not len(get_messages(request))
    )


def _for_this_visitor(request, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content.replace(_PLACEHOLDER, get_token(request).encode()))
    response["Content-Type"] = content_type
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, private=True)
    return response


def public_page(view):
    """Serve anonymous visitors the page rendered once per content version (see above)."""

    @wraps(view)
    def serve(request, *args, **kwargs):
        if not _anonymous_visit(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        stored = rendered_cache().get(key)
        if stored is None:
            request.renders_for_everyone = True
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
            finally:
                request.renders_for_everyone = False
            if not _shareable(request, response):
                if not response.streaming:
                    token = get_token(request).encode()
                    response.content = response.content.replace(_PLACEHOLDER, token)
                return response
            stored = (response.content, response["Content-Type"])
            rendered_cache().set(key, stored)
        return _for_this_visitor(request, *stored)

    return serve


_MISSING = object()


def rendered(request, key: str, build):
    """`build()`'s result, made once per content version and process and kept in the
    process's cache (each use gets its own copy). `key` names what is built (and everything it
    depends on besides content); the content version is added here."""
    full_key = f"content:{content_version(request)}:{key}"
    cache = rendered_cache()
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(full_key, value)
    return value
