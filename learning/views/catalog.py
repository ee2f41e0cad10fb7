"""The catalog (choose your path), the papers with their prerequisite graph, a paper's page
(which lists the steps that use it, and the learner's status on each) and marking a paper as
read on all of the learner's paths."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from core.page_cache import learner_page, public_page
from papers.models import Paper
from papers.views import paper_list_context

from .. import paper_graph, paper_status, selectors, services


@require_safe
@public_page(differs_for=selectors.follows_unpublished_path)
def catalog(request):
    return render(request, "learning/catalog.html", selectors.catalog(user=request.user))


@require_safe
@public_page(for_learners=False, query=("topic",))
def paper_list(request):
    """The papers, and (unfiltered) their prerequisite graph in layers; a learner's (kept per
    version of their data) shows on each paper their status across their paths."""
    if request.user.is_authenticated:
        topic = request.GET.get("topic", "")
        return learner_page(request, f"papers|{topic}", lambda: _paper_list(request))
    return _paper_list(request)


def _paper_list(request):
    context, status = paper_list_context(request)
    if status == 200 and context["topic"] is None:
        papers = list(context["papers"])
        requires: dict[int, list[int]] = {}
        for paper_id, required_id in Paper.prerequisites.through.objects.values_list(
            "from_paper_id", "to_paper_id"
        ):
            requires.setdefault(paper_id, []).append(required_id)
        tallies = None
        if request.user.is_authenticated:
            tallies = paper_status.paper_tallies(user=request.user)
        context["graph"] = paper_graph.paper_graph(papers, requires, tallies)
    return render(request, "papers/paper_list.html", context, status=status)


@require_safe
@public_page(for_learners=False)
def paper_detail(request, slug):
    """A paper's page: the paper, its prerequisites and topics, and every step that uses it;
    a learner's (kept per version of their data) adds their status on each of their paths."""
    if request.user.is_authenticated:
        return learner_page(request, f"paper|{slug}", lambda: _paper_page(request, slug))
    return _paper_page(request, slug)


def _paper_page(request, slug):
    try:
        paper = selectors.paper_page(slug=slug, user=request.user)
    except Paper.DoesNotExist:
        return render(request, "404.html", {"missing": "paper"}, status=404)
    on_paths = None
    if request.user.is_authenticated:
        on_paths = paper_status.paper_on_paths(user=request.user, paper_id=paper.pk)
    return render(request, "papers/paper_detail.html", {"paper": paper, "on_paths": on_paths})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper_mark_read(request, slug):
    """Mark as read: Done on every path of the learner's that uses the paper. A step in
    progress or skipped is changed only once the learner confirms it (a page of its own, so
    it works without JavaScript); GET shows that page."""
    paper = get_object_or_404(Paper.objects.visible_to(request.user), slug=slug)
    if request.method == "POST":
        override = request.POST.get("confirm") == "yes"
        marked = services.paper_mark_read(user=request.user, paper=paper, override=override)
        if not marked.to_confirm:
            if marked.changed:
                steps = f"{marked.changed} step{'s' if marked.changed != 1 else ''}"
                messages.success(request, f"{paper.short_name} is read: {steps} marked Done.")
            else:
                messages.info(request, f"{paper.short_name} was already Done on your paths.")
            return redirect(paper.get_absolute_url() + "#your-status")
    on_paths = paper_status.paper_on_paths(user=request.user, paper_id=paper.pk)
    return render(
        request,
        "learning/confirm_paper_read.html",
        {
            "paper": paper,
            "on_paths": on_paths,
            "to_confirm": [row for row in on_paths if row.overridden_by_reading],
        },
    )
