"""Pages and fragments rendered once per content version.

- `public_page` (a view decorator): a GET of a public page is rendered once per content
  version and process, as an anonymous visitor sees it, and then served from the process's
  "rendered" cache to anonymous visitors and to learners alike. What is the visitor's own is
  left as holes and filled in on every response: the CSRF token, the header's account menu,
  the messages and the Content-Security-Policy nonce (one per response). Staff (who preview
  drafts) always get a fresh page; a view can say when a learner's page is their own
  (`differs_for`, e.g. a draft path they follow) or that the page is only shared with
  anonymous visitors (`for_learners=False`: the path page, which a learner sees with their
  progress). A page whose rendering wrote to the session or set a cookie, and
  any non-200 response, is not stored.
- `rendered(request, key, build)`: anything built from content (a path's outline, say) made
  once per content version and reused, for pages that lay a learner's own data over it.
- `learner_page(request, key, build)`: a page made of content and one learner's data (their
  path page, dashboard, shared progress page), rendered once per content version, learner
  version and day, with the same holes, and kept in the process's "learner_pages" cache.

What invalidates: the content version, which PostgreSQL changes with every committed write to
content (core.content_version), and the learner version, which it changes with every committed
write to a learner's account or data (accounts.learner_version). Both are read on each request
before anything else (the learner's with their account, no extra query), so a page kept under
them is never older than what the request would have read.
"""

import secrets
from functools import wraps
from hashlib import blake2b

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, engines
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject

from .content_version import content_version, content_version_and

# Stand for what is the visitor's own in a page rendered for everyone, filled in per response.
# Random per process: text typed into content can never be taken for it.
CSRF_PLACEHOLDER = f"csrf-token-of-this-visitor-{secrets.token_hex(12)}"
_CSRF = CSRF_PLACEHOLDER.encode()
CSP_NONCE_PLACEHOLDER = f"csp-nonce-of-this-response-{secrets.token_hex(12)}"
_CSP_NONCE = CSP_NONCE_PLACEHOLDER.encode()
_ACCOUNT_MENU = b"<!--account-menu-of-this-visitor-->"
_MESSAGES = b"<!--messages-of-this-visitor-->"


def rendered_cache():
    return caches["rendered"]


def context_processor(request) -> dict:
    """While a page is rendered for everyone, the CSRF token is a placeholder and the account
    menu and messages are left out (base.html), to be filled in for each visitor."""
    if getattr(request, "renders_with_holes", False):
        return {"csrf_token": CSRF_PLACEHOLDER, "renders_with_holes": True}
    return {}


def _cacheable_visit(request, for_learners: bool, differs_for) -> bool:
    """A GET by an anonymous visitor, or (for pages that are the same for every learner) by a
    learner the page does not differ for. Staff preview drafts: never from the cache."""
    if request.method not in ("GET", "HEAD"):
        return False
    user = request.user
    if not user.is_authenticated:
        return True
    return (
        for_learners and not user.is_staff and not (differs_for and _differs(request, differs_for))
    )


def _differs(request, differs_for) -> bool:
    """`differs_for(request)`, asked once per content version and learner version (what it
    reads is content, or the learner's own data) and remembered by the process."""
    user = request.user
    asked = f"{differs_for.__module__}.{differs_for.__qualname__}"
    key = f"differs:{content_version(request)}:{user.pk}:{user.data_version}:{asked}"
    cache = rendered_cache()
    answer = cache.get(key)
    if answer is None:
        answer = bool(differs_for(request))
        cache.set(key, answer)
    return answer


def _page_key(request, query: tuple[str, ...]) -> str:
    """The page's address with only the query parameters the view reads (others, like tracking
    tags, would only multiply the entries), and whether htmx asked for it."""
    params = [
        (name, [" ".join(value.split()) for value in request.GET.getlist(name)])
        for name in query
        if name in request.GET
    ]
    htmx = request.headers.get("HX-Request") == "true"
    where = f"{htmx}|{request.path}|{params}"
    digest = blake2b(where.encode(), digest_size=16).hexdigest()
    return f"page:{content_version(request)}:{digest}"


def _render_with_holes(request, build, user):
    """`build()`'s response for `user`, with the holes left in."""
    own_user, own_nonce = request.user, getattr(request, "csp_nonce", None)
    request.user, request.renders_with_holes = user, True
    if own_nonce is not None:  # `{{ request.csp_nonce }}` leaves a hole too
        request.csp_nonce = CSP_NONCE_PLACEHOLDER
    try:
        response = build()
        if hasattr(response, "render"):
            response.render()
    finally:
        request.user, request.renders_with_holes = own_user, False
        if own_nonce is not None:
            request.csp_nonce = own_nonce
    return response


def _shareable(request, response) -> bool:
    """Whether the page holds nothing of this visitor: a view that wrote to the session or set
    a cookie made a page for them alone."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
    )


def _template(name: str):
    return engines["django"].engine.get_template(name)


_anonymous_menu: bytes | None = None


def _account_menu(user, own: Context) -> bytes:
    """The header's account links; an anonymous visitor's are the same for all (no token in
    them), so they are rendered once per process."""
    global _anonymous_menu
    if user.is_authenticated:
        return _template("includes/account_menu.html").render(own).encode()
    if _anonymous_menu is None:  # no form in it, nothing of this visitor's
        _anonymous_menu = _template("includes/account_menu.html").render(Context({})).encode()
    return _anonymous_menu


def _for_this_visitor(request, content: bytes) -> bytes:
    """The page with the visitor's own parts. A CSRF token is only made (and its cookie set)
    where the page or the visitor's menu holds a form that posts."""
    token = SimpleLazyObject(lambda: get_token(request))
    messages = get_messages(request)
    own = Context({"user": request.user, "csrf_token": token, "messages": messages})
    content = content.replace(_ACCOUNT_MENU, _account_menu(request.user, own), 1)
    shown = _template("includes/messages.html").render(own).encode() if len(messages) else b""
    content = content.replace(_MESSAGES, shown, 1)
    if _CSRF in content:
        content = content.replace(_CSRF, str(token).encode())
    if _CSP_NONCE in content:  # asking for the nonce puts it in this response's header
        content = content.replace(_CSP_NONCE, str(request.csp_nonce).encode())
    return content


def _response(request, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(_for_this_visitor(request, content))
    response["Content-Type"] = content_type
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, private=True)
    return response


def public_page(view=None, *, for_learners=True, differs_for=None, query: tuple[str, ...] = ()):
    """Serve the page rendered once per content version (see above). `for_learners=False`: only
    anonymous visitors get it (a page a learner sees with their own data); `differs_for(request)`
    tells when a learner's page is their own (a draft path they follow, say); `query` names the
    query parameters the view reads."""
    if view is None:
        return lambda view: public_page(
            view, for_learners=for_learners, differs_for=differs_for, query=query
        )

    @wraps(view)
    def serve(request, *args, **kwargs):
        if not _cacheable_visit(request, for_learners, differs_for):
            return view(request, *args, **kwargs)
        return _kept(
            request,
            rendered_cache(),
            _page_key(request, query),
            lambda: view(request, *args, **kwargs),
            AnonymousUser(),
        )

    return serve


def _kept(request, cache, key: str, build, user) -> HttpResponse:
    """The response kept under `key` (rendered for `user` with holes, when not kept yet), with
    this visitor's own parts filled in."""
    stored = cache.get(key)
    if stored is None:
        response = _render_with_holes(request, build, user)
        if not _shareable(request, response):
            if not response.streaming:
                response.content = _for_this_visitor(request, response.content)
            return response
        stored = (response.content, response["Content-Type"])
        cache.set(key, stored)
    return _response(request, *stored)


def learner_page(
    request, key: str, build, *, learner_id: int | None = None, data_version: int | None = None
) -> HttpResponse:
    """The page `build()` renders from content and one learner's data, kept per content
    version, learner version and day (see above). `key` names the page and whatever else it
    depends on (the htmx fragment, a query parameter). The learner is the visitor, or the
    account `learner_id` (a shared progress page); `data_version` is their version when the
    view has read it (`learner_version`), else the visitor's is read here. Staff (who see
    drafts) always get a fresh page. A POST's response is looked up under the version the
    POST's own write left."""
    visitor = request.user
    if visitor.is_authenticated and visitor.is_staff:
        return build()
    if learner_id is None:
        if not visitor.is_authenticated:
            return build()
        learner_id = visitor.pk
        if data_version is None:
            data_version = _own_data_version(request)
    parts = f"{learner_id}|{data_version}|{timezone.localdate()}|{key}"
    digest = blake2b(parts.encode(), digest_size=16).hexdigest()
    full_key = f"learner:{content_version(request)}:{digest}"
    return _kept(request, caches["learner_pages"], full_key, build, visitor)


def own_page(request, key: str, build) -> HttpResponse:
    """A page of the visitor's own made only of what `key` names besides their account (a
    curator's page drawn from a stored snapshot, say), kept per account version in the
    process's "learner_pages" cache, with the same holes as the pages above. For staff too:
    nothing in such a page is a draft. A visit with flash messages waiting gets a fresh page,
    so that it shows them."""
    if len(get_messages(request)):
        return build()
    user = request.user
    parts = f"{user.pk}|{user.data_version}|{key}"
    full_key = f"own:{blake2b(parts.encode(), digest_size=16).hexdigest()}"
    return _kept(request, caches["learner_pages"], full_key, build, user)


def _own_data_version(request) -> int:
    """The visitor's learner version as their account was read at the start of the request;
    after a write (a POST), as the write left it."""
    user = request.user
    if request.method in ("GET", "HEAD"):
        return user.data_version
    return learner_version(request, user.pk)


def learner_version(request, user_id: int) -> int | None:
    """An account's learner version as committed now (None without the account), read with
    the content version when that is not known yet for the request: one query either way."""
    query = f"SELECT data_version FROM {get_user_model()._meta.db_table} WHERE id = %s"
    if getattr(request, "_content_version", None) is None:
        row = content_version_and(request, query, [user_id])
        return row[0] if row else None
    with connection.cursor() as cursor:
        cursor.execute(query, [user_id])
        row = cursor.fetchone()
    return row[0] if row else None


def rendered(request, key: str, build, *, keep=None):
    """`build()`'s result, made once per content version and process and kept in the
    process's cache (each use gets its own copy). `key` names what is built (and everything it
    depends on besides content); the content version is added here. None is not kept, nor a
    value `keep(value)` says is not content."""
    full_key = f"content:{content_version(request)}:{key}"
    cache = rendered_cache()
    value = cache.get(full_key)
    if value is None:
        value = build()
        if value is not None and (keep is None or keep(value)):
            cache.set(full_key, value)
    return value


def rendered_many(request, keys: list[str], build_missing) -> dict:
    """Like `rendered`, for several at once: `build_missing(keys)` builds those not cached yet
    in one go and returns {key: value}."""
    prefix = f"content:{content_version(request)}:"
    cache = rendered_cache()
    found = cache.get_many([prefix + key for key in keys])
    values = {key: found[prefix + key] for key in keys if prefix + key in found}
    if missing := [key for key in keys if key not in values]:
        built = build_missing(missing)
        cache.set_many({prefix + key: value for key, value in built.items()})
        values.update(built)
    return values
