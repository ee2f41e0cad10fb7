"""Views of the library: the paper list, topics, glossary and reference pages. Public pages.
(A paper's own page shows the steps that use it, so learning serves it; search has its app.)"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.page_cache import public_page

from . import selectors
from .models import GlossaryTerm, Page, Paper, Topic


@require_safe
@public_page(query=("topic",))
def paper_list(request):
    papers = Paper.objects.visible_to(request.user).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position"))
    )
    topics = list(Topic.objects.all())
    topic = None
    if topic_slug := request.GET.get("topic"):
        topic = next((t for t in topics if t.slug == topic_slug), None)
        if topic is None:
            return render(
                request,
                "papers/paper_list.html",
                {"papers": [], "topics": topics, "unknown_topic": topic_slug},
                status=404,
            )
        papers = papers.filter(topics=topic)
    return render(
        request, "papers/paper_list.html", {"papers": papers, "topics": topics, "topic": topic}
    )


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
