"""The search page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.page_cache import public_page

from . import selectors


@require_safe
@public_page
def search(request):
    raw = request.GET.get("q", "")
    outcome = selectors.search(raw_query=raw, user=request.user)
    return render(request, "search/search.html", {"outcome": outcome, "raw_query": raw})
