"""The database as a content document: what `load_content` reads back without a change.

Each entry is built from its row by the schema (`Entry.from_row`), so the keys, their order and
how values are written (text in its canonical form, Markdown as blocks, hours and slug lists on
one line) come from the schema alone. Personal paths are learners' own and never exported.
"""

from __future__ import annotations

from learning.models import Checklist, Depth, Path, RoadmapInfo
from papers.models import GlossaryTerm, Page, Paper, Topic

from .schema import (
    FORMAT,
    ChecklistEntry,
    ChecklistItemEntry,
    DepthEntry,
    GlossaryEntry,
    PageEntry,
    PaperEntry,
    PathEntry,
    PhaseEntry,
    RoadmapDocument,
    SectionEntry,
    SiteInfo,
    StepEntry,
    TopicEntry,
)


def content_export() -> RoadmapDocument:
    """The whole roadmap as a document that content_import accepts and reproduces exactly."""
    return RoadmapDocument.model_construct(
        format=FORMAT,
        site=_site(),
        depths=[DepthEntry.from_row(depth) for depth in Depth.objects.all()],
        papers=_papers(),
        topics=[
            TopicEntry.from_row(topic, papers=[link.paper.slug for link in topic.track.all()])
            for topic in Topic.objects.prefetch_related("track__paper")
        ],
        glossary=[
            GlossaryEntry.from_row(term, papers=[paper.slug for paper in term.papers.all()])
            for term in GlossaryTerm.objects.prefetch_related("papers")
        ],
        pages=[PageEntry.from_row(page) for page in Page.objects.all()],
        paths=_paths(),
        checklists=[
            ChecklistEntry.from_row(
                checklist,
                items=[ChecklistItemEntry.from_row(item) for item in checklist.items.all()],
            )
            for checklist in Checklist.objects.prefetch_related("items")
        ],
    )


def _site() -> SiteInfo:
    info = RoadmapInfo.objects.filter(pk=1).first()
    if info is None:
        return SiteInfo.model_construct(title="", tagline="", last_updated=None)
    return SiteInfo.from_row(info)


def _papers() -> list[PaperEntry]:
    return [
        PaperEntry.from_row(
            paper,
            prerequisites=[
                required.slug
                for required in sorted(paper.prerequisites.all(), key=lambda p: p.number)
            ],
        )
        for paper in Paper.objects.prefetch_related("prerequisites")
    ]


def _paths() -> list[PathEntry]:
    paths = (
        Path.objects.curated()
        .prefetch_related("phases__steps__step_papers__paper", "sections")
        .order_by("number", "title")
    )
    return [
        PathEntry.from_row(
            path,
            phases=[
                PhaseEntry.from_row(
                    phase,
                    steps=[
                        StepEntry.from_row(
                            step, papers=[link.paper.slug for link in step.step_papers.all()]
                        )
                        for step in sorted(phase.steps.all(), key=lambda step: step.position)
                    ],
                )
                for phase in path.phases.all()
            ],
            sections=[SectionEntry.from_row(section) for section in path.sections.all()],
        )
        for path in paths
    ]
