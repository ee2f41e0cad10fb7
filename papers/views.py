"""Views of the library: topics, glossary and reference pages, public pages, and the paper
list's content. (The paper list and a paper's own page show the learner's statuses, so learning
serves them; search has its app.)"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.page_cache import public_page

from . import selectors
from .models import GlossaryTerm, Page, Paper, Topic


def paper_list_context(request) -> tuple[dict, int]:
    """The paper list's context and status: the visible papers (those of a topic, with
    ?topic=), the topics to filter by; 404 for an unknown topic. Learning serves the page (it
    adds the learner's statuses and the prerequisite graph)."""
    papers = Paper.objects.visible_to(request.user).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position"))
    )
    topics = list(Topic.objects.all())
    topic = None
    if topic_slug := request.GET.get("topic"):
        topic = next((t for t in topics if t.slug == topic_slug), None)
        if topic is None:
            return {"papers": [], "topics": topics, "unknown_topic": topic_slug}, 404
        papers = papers.filter(topics=topic)
    return {"papers": papers, "topics": topics, "topic": topic}, 200


@require_safe
@public_page
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    papers = selectors.topic_papers(topic=topic, user=request.user)
    return render(request, "papers/topic_detail.html", {"topic": topic, "papers": papers})


@require_safe
@public_page
def glossary(request):
    visible_papers = Paper.objects.visible_to(request.user)
    terms = list(
        GlossaryTerm.objects.visible_to(request.user).prefetch_related(
            Prefetch("papers", queryset=visible_papers)
        )
    )
    letters: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        initial = term.term[:1].upper()
        letters.setdefault(initial if initial.isalpha() else "#", []).append(term)
    return render(request, "papers/glossary.html", {"letters": letters, "terms": terms})


@require_safe
@public_page
def page_detail(request, slug):
    page = get_object_or_404(Page.objects.visible_to(request.user), slug=slug)
    return render(request, "papers/page_detail.html", {"page": page})
