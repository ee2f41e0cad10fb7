"""The catalog (choose your path) and a paper's page (which lists the steps that use it)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.page_cache import public_page
from papers.models import Paper

from .. import selectors


@require_safe
@public_page(differs_for=selectors.follows_unpublished_path)
def catalog(request):
    return render(request, "learning/catalog.html", selectors.catalog(user=request.user))


@require_safe
@public_page(differs_for=selectors.has_paths_of_their_own)
def paper_detail(request, slug):
    """A paper's page: the paper, its prerequisites and topics, and every step that uses it."""
    try:
        paper = selectors.paper_page(slug=slug, user=request.user)
    except Paper.DoesNotExist:
        return render(request, "404.html", {"missing": "paper"}, status=404)
    return render(request, "papers/paper_detail.html", {"paper": paper})
