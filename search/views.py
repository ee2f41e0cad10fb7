"""The search page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.page_cache import public_page
from learning.selectors import has_paths_of_their_own

from . import selectors


@require_safe
@public_page(differs_for=has_paths_of_their_own, query=("q",))
def search(request):
    raw = request.GET.get("q", "")
    outcome = selectors.search(raw_query=raw, user=request.user)
    return render(request, "search/search.html", {"outcome": outcome, "raw_query": raw})
