"""The builder's raw material, read from curator-edited data: the planner's Library, and the
texts a personal path's steps take from the curated paths and papers."""

from __future__ import annotations

from papers.models import Paper, TopicPaper

from .models import DepthKey, Path, PathSection, PublicationStatus, StepPaper
from .planner import Answers, Library

DEPTHS = [d.value for d in DepthKey]


def load_library() -> Library:
    """Everything the planner reads, from curator-edited data: five queries."""
    papers = list(Paper.objects.published().order_by("number"))
    slugs = {p.pk: p.slug for p in papers}
    prerequisites: dict[str, list[str]] = {}
    for from_id, to_id in Paper.prerequisites.through.objects.values_list(
        "from_paper_id", "to_paper_id"
    ).order_by("from_paper__number", "to_paper__number"):
        if from_id in slugs and to_id in slugs:
            prerequisites.setdefault(slugs[from_id], []).append(slugs[to_id])
    background_papers: dict[str, list[str]] = {}
    background_titles: dict[str, str] = {}
    paths = Path.objects.curated().published().order_by("number")
    for path in paths:
        if path.audience_key not in background_titles:
            background_titles[path.audience_key] = path.title
    links = (
        StepPaper.objects.filter(step__path__in=paths, step__archived=False, paper__in=papers)
        .values_list("step__path__audience_key", "step__path__title", "paper__slug")
        .order_by("step__path__number", "step__phase__position", "step__position", "position")
    )
    for audience, title, slug in links:
        if background_titles.get(audience) != title:
            continue  # a second path for the same audience: the first one counts
        track = background_papers.setdefault(audience, [])
        if slug not in track:
            track.append(slug)
    topics: dict[str, list[str]] = {}
    topic_titles: dict[str, str] = {}
    for topic_slug, topic_title, slug in (
        TopicPaper.objects.filter(paper__in=papers)
        .values_list("topic__slug", "topic__title", "paper__slug")
        .order_by("topic__position", "position")
    ):
        topics.setdefault(topic_slug, []).append(slug)
        topic_titles[topic_slug] = topic_title
    return Library(
        papers={p.slug: p.short_name for p in papers},
        hours={p.slug: {d: p.hours_for(d) for d in DEPTHS} for p in papers},
        prerequisites={k: tuple(v) for k, v in prerequisites.items()},
        background_papers={k: tuple(v) for k, v in background_papers.items()},
        background_titles=background_titles,
        topics={k: tuple(v) for k, v in topics.items()},
        topic_titles=topic_titles,
    )


def step_texts(answers: Answers, keys: list[str]) -> dict[str, tuple[str, str]]:
    """Paper slug → (body, key takeaway): the background path's own step for that paper, else
    the paper's summary and focus points."""
    texts: dict[str, tuple[str, str]] = {}
    links = (
        StepPaper.objects.filter(
            step__path__in=Path.objects.curated()
            .published()
            .filter(audience_key=answers.background),
            step__archived=False,
            paper__slug__in=keys,
            paper__status=PublicationStatus.PUBLISHED,
        )
        .select_related("step", "paper")
        .order_by("step__path__number", "step__phase__position", "step__position")
    )
    for link in links:
        texts.setdefault(link.paper.slug, (link.step.body, link.step.key_takeaway))
    for paper in Paper.objects.published().filter(slug__in=[k for k in keys if k not in texts]):
        body = paper.summary
        if paper.focus_points:
            body += "\n\n**Focus on:**\n\n" + paper.focus_points
        texts[paper.slug] = (body, paper.key_takeaway)
    return texts


def project_text(answers: Answers) -> str:
    """The curated project ideas of the chosen background's path, or of any path with some."""
    sections = PathSection.objects.filter(
        path__in=Path.objects.curated().published(), slug__contains="project"
    ).select_related("path")
    preferred = [s for s in sections if s.path.audience_key == answers.background] or list(sections)
    if not preferred:
        return "Build something small that uses what you read."
    return "\n\n".join(f"**{s.title}** (from {s.path.title}):\n\n{s.body}" for s in preferred)
