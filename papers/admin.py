"""The library in the curator workspace: papers, topics, glossary and reference pages."""

from django import forms
from django.contrib import admin

from core.admin import (
    ContentAdmin,
    PreloadedAutocompleteInlineMixin,
    SortableInlineMixin,
    count_of,
    publish_selected,
    unpublish_selected,
)
from core.graph import find_cycle

from .models import GlossaryTerm, Page, Paper, Topic, TopicPaper


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
class PaperAdmin(ContentAdmin):
    """Papers; learning/admin.py extends it with the steps using each paper and deletes that
    never take learners' records with them."""

    form = PaperForm
    list_display = ["number", "short_name", "title", "year", "status"]
    list_display_links = ["number", "short_name"]
    list_filter = ["status", "topics"]
    search_fields = ["short_name", "title", "authors"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["prerequisites"]
    inlines = [PaperTopicInline]
    actions = [publish_selected, unpublish_selected]
    view_on_site = True


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
    list_display = ["term", "slug", "status"]
    search_fields = ["term", "definition"]
    list_filter = ["status", "papers"]
    autocomplete_fields = ["papers"]
    prepopulated_fields = {"slug": ["term"]}
    actions = [publish_selected, unpublish_selected]
    view_on_site = True


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ["title", "slug", "position", "status"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    actions = [publish_selected, unpublish_selected]
    view_on_site = True
