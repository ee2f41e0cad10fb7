"""Factories for the rows tests need: learners, a small library, curated paths and progress.

Small and explicit: slugs, numbers and emails come from sequences (nothing random), and what
is not passed gets a plain default. The seed roadmap may or may not be in the database when a
factory runs, so every slug and number stays clear of the seed's (papers are numbered from
1000, paths from 100, slugs carry their kind and a number).

    path = PathFactory(phase_sizes=[3, 2])   # a published curated path: 2 phases, 5 steps
    steps = steps_of(path)                   # in reading order, each with a paper
    enrollment = EnrollmentFactory(path=path)
    StepProgressFactory(enrollment=enrollment, step=steps[0], status="done", note="mine")
"""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from core.models import PublicationStatus
from learning import services
from learning.models import (
    Audience,
    Checklist,
    ChecklistItem,
    Enrollment,
    Path,
    PathSection,
    Phase,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
)
from papers.models import GlossaryTerm, Page, Paper, Topic, TopicPaper

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    """A learner who can log in with PASSWORD, made as sign-up makes one (create_user)."""

    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"learner-{n}@factory.example")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


class PaperFactory(DjangoModelFactory):
    """A published paper of its own (no topic, no prerequisites)."""

    class Meta:
        model = Paper

    number = factory.Sequence(lambda n: 1000 + n)
    slug = factory.Sequence(lambda n: f"paper-{n}")
    short_name = factory.Sequence(lambda n: f"Paper {n}")
    title = factory.LazyAttribute(lambda o: f"{o.short_name}: A Study")
    authors = "A. Author, B. Author"
    year = 2020
    venue = "A Conference"
    url = factory.LazyAttribute(lambda o: f"https://example.org/{o.slug}")
    summary = "What the paper does."
    why_it_matters = "Why it matters."
    core_idea = "The core idea."
    key_takeaway = "The takeaway."
    hours_quick = Decimal(1)
    hours_thorough = Decimal(2)
    hours_deep = Decimal(4)
    status = PublicationStatus.PUBLISHED


class TopicFactory(DjangoModelFactory):
    """A topic; `TopicFactory(papers=[a, b])` lists those papers in that order."""

    class Meta:
        model = Topic
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"topic-{n}")
    title = factory.Sequence(lambda n: f"Topic {n}")
    question = factory.LazyAttribute(lambda o: f"Interested in {o.title.lower()}?")
    position = factory.Sequence(lambda n: 100 + n)

    @factory.post_generation
    def papers(topic, create, extracted, **kwargs):
        for position, paper in enumerate(extracted or []):
            TopicPaper.objects.create(topic=topic, paper=paper, position=position)


class GlossaryTermFactory(DjangoModelFactory):
    """A glossary term; `GlossaryTermFactory(papers=[a])` relates it to those papers."""

    class Meta:
        model = GlossaryTerm
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"term-{n}")
    term = factory.Sequence(lambda n: f"Term {n}")
    definition = "What the term means."
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def papers(term, create, extracted, **kwargs):
        if extracted:
            term.papers.set(extracted)


class PageFactory(DjangoModelFactory):
    class Meta:
        model = Page

    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.Sequence(lambda n: f"Reference Page {n}")
    body = "## A section\n\nSome text."
    position = factory.Sequence(lambda n: 100 + n)
    status = PublicationStatus.PUBLISHED


class PathFactory(DjangoModelFactory):
    """A published curated path; `PathFactory(phase_sizes=[3, 2])` adds two phases of three and
    two steps (each with a paper of its own)."""

    class Meta:
        model = Path
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"path-{n}")
    number = factory.Sequence(lambda n: 100 + n)
    title = factory.Sequence(lambda n: f"Path {n}")
    audience = factory.LazyAttribute(lambda o: f"{o.title}: Readers")
    audience_key = Audience.ENGINEER
    goal = "Read the papers that matter"
    time_estimate = "10-20 hours"
    prerequisites = "Curiosity"
    hours_quick = Decimal(5)
    hours_thorough = Decimal(10)
    hours_deep = Decimal(20)
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def phase_sizes(path, create, extracted, **kwargs):
        for size in extracted or []:
            phase = PhaseFactory(path=path)
            for _ in range(size):
                StepFactory(phase=phase)


class PhaseFactory(DjangoModelFactory):
    """A phase at the end of its path."""

    class Meta:
        model = Phase

    path = factory.SubFactory(PathFactory)
    slug = factory.Sequence(lambda n: f"phase-{n}")
    position = factory.LazyAttribute(lambda o: o.path.phases.count())
    label = factory.LazyAttribute(lambda o: f"Week {o.position + 1}")
    title = factory.Sequence(lambda n: f"Phase {n}")


class StepFactory(DjangoModelFactory):
    """A step at the end of its phase, with a paper; `papers=[...]` chooses them (or none)."""

    class Meta:
        model = Step
        skip_postgeneration_save = True

    phase = factory.SubFactory(PhaseFactory)
    path = factory.SelfAttribute("phase.path")
    slug = factory.Sequence(lambda n: f"step-{n}")
    position = factory.LazyAttribute(lambda o: o.phase.steps.count())
    title = factory.Sequence(lambda n: f"Reading {n}")
    body = "Read the paper. Focus on the method."

    @factory.post_generation
    def papers(step, create, extracted, **kwargs):
        papers = [PaperFactory()] if extracted is None else extracted
        for position, paper in enumerate(papers):
            StepPaper.objects.create(step=step, paper=paper, position=position)


class PathSectionFactory(DjangoModelFactory):
    """A section at the end of its path (project ideas, a cheat sheet)."""

    class Meta:
        model = PathSection

    path = factory.SubFactory(PathFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Ideas to try."
    position = factory.LazyAttribute(lambda o: o.path.sections.count())


def steps_of(path: Path) -> list[Step]:
    """The path's steps in reading order (archived ones included)."""
    return list(Step.objects.filter(path=path).order_by("phase__position", "position"))


class EnrollmentFactory(DjangoModelFactory):
    """A learner following a curated path (a new learner and a three-step path by default)."""

    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    path = factory.SubFactory(PathFactory, phase_sizes=[3])
    depth = "thorough"


class StepProgressFactory(DjangoModelFactory):
    """A status (and note) on a step, written through the services as the site writes it:
    with its history event and the enrolment's completion kept up to date."""

    class Meta:
        model = StepProgress

    enrollment = factory.SubFactory(EnrollmentFactory)
    step = factory.LazyAttribute(lambda o: steps_of(o.enrollment.path)[0])
    status = StepStatus.DONE
    note = ""

    @classmethod
    def _create(cls, model_class, *, enrollment, step, status, note):
        progress = services.step_progress_set(enrollment=enrollment, step=step, status=status)
        if note:
            progress = services.step_note_set(enrollment=enrollment, step=step, note=note)
        return progress


class ChecklistFactory(DjangoModelFactory):
    """A checklist; `ChecklistFactory(items=3)` adds that many items."""

    class Meta:
        model = Checklist
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"checklist-{n}")
    title = factory.Sequence(lambda n: f"Checklist {n}")
    position = factory.Sequence(lambda n: 100 + n)

    @factory.post_generation
    def items(checklist, create, extracted, **kwargs):
        for _ in range(extracted or 0):
            ChecklistItemFactory(checklist=checklist)


class ChecklistItemFactory(DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    checklist = factory.SubFactory(ChecklistFactory)
    slug = factory.Sequence(lambda n: f"item-{n}")
    text = factory.Sequence(lambda n: f"Did thing {n}")
    position = factory.LazyAttribute(lambda o: o.checklist.items.count())
