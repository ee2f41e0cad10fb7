"""The library in the curator workspace: papers, topics, glossary and reference pages."""

from django import forms
from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .admin_tools import (
    ContentAdmin,
    LearnerSafeDeleteMixin,
    PreloadedAutocompleteInlineMixin,
    SortableInlineMixin,
    publish_selected,
    unpublish_selected,
)
from .graph import find_cycle
from .models import GlossaryTerm, Page, Paper, Topic, TopicPaper


def count_of(queryset, field: str):
    """A correlated COUNT subquery: one count per row without multiplying joins."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


class PaperForm(forms.ModelForm):
    url = forms.URLField(label="Link", max_length=500, assume_scheme="https")

    class Meta:
        model = Paper
        exclude: list[str] = []

    def clean_prerequisites(self):
        chosen = self.cleaned_data["prerequisites"]
        me = self.instance.pk or 0  # a new paper: nothing can require it yet
        graph: dict[int, list[int]] = {}
        for paper_id, required_id in Paper.prerequisites.through.objects.values_list(
            "from_paper_id", "to_paper_id"
        ):
            if paper_id != me:
                graph.setdefault(paper_id, []).append(required_id)
        graph[me] = [p.pk for p in chosen]
        cycle = find_cycle(graph)
        if cycle:
            names = dict(Paper.objects.filter(pk__in=cycle).values_list("pk", "short_name"))
            names[me] = self.cleaned_data.get("short_name") or "this paper"
            raise forms.ValidationError(
                "These prerequisites would make a cycle: "
                + " → ".join(names.get(pk, str(pk)) for pk in cycle)
            )
        return chosen


class PaperTopicInline(PreloadedAutocompleteInlineMixin, admin.TabularInline):
    """The topics a paper belongs to, picked with a search box; order them on the topic."""

    model = TopicPaper
    extra = 0
    autocomplete_fields = ["topic"]
    fields = ["topic", "position"]
    verbose_name = "topic"
    verbose_name_plural = "topics (the paper's place in each topic's reading order)"


@admin.register(Paper)
class PaperAdmin(LearnerSafeDeleteMixin, ContentAdmin):
    form = PaperForm
    list_display = ["number", "short_name", "title", "year", "status", "step_count"]
    list_display_links = ["number", "short_name"]
    list_filter = ["status", "topics"]
    search_fields = ["short_name", "title", "authors"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["prerequisites"]
    inlines = [PaperTopicInline]
    actions = [publish_selected, unpublish_selected]
    delete_instead = "Make it a draft instead, or take it out of those steps first."
    view_on_site = True

    def get_queryset(self, request):
        from learning.models import StepPaper

        return super().get_queryset(request).annotate(_steps=count_of(StepPaper.objects, "paper"))

    @admin.display(description="steps", ordering="_steps")
    def step_count(self, obj):
        return obj._steps

    def learners_affected(self, objects):
        from learning.models import Step
        from learning.selectors import learners_with_progress

        return learners_with_progress(steps=Step.objects.filter(papers__in=list(objects)))


class TopicPaperInline(PreloadedAutocompleteInlineMixin, SortableInlineMixin, admin.TabularInline):
    model = TopicPaper
    extra = 0
    autocomplete_fields = ["paper"]
    fields = ["position", "paper"]


@admin.register(Topic)
class TopicAdmin(ContentAdmin):
    list_display = ["title", "question", "position", "paper_count"]
    search_fields = ["title", "question"]
    inlines = [TopicPaperInline]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_papers=count_of(TopicPaper.objects, "topic"))

    @admin.display(description="papers", ordering="_papers")
    def paper_count(self, obj):
        return obj._papers


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ContentAdmin):
    list_display = ["term", "slug"]
    search_fields = ["term", "definition"]
    list_filter = ["papers"]
    autocomplete_fields = ["papers"]
    prepopulated_fields = {"slug": ["term"]}


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ["title", "slug", "position", "status"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    actions = [publish_selected, unpublish_selected]
    view_on_site = True
