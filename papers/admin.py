"""Admin for the library. A plain, usable registration; the curator workspace refines it."""

from django import forms
from django.contrib import admin

from .graph import find_cycle
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


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    form = PaperForm
    list_display = ["number", "short_name", "title", "year", "status"]
    list_display_links = ["number", "short_name"]
    list_filter = ["status", "topics"]
    search_fields = ["short_name", "title", "authors"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["prerequisites"]
    view_on_site = True


class TopicPaperInline(admin.TabularInline):
    model = TopicPaper
    extra = 0
    autocomplete_fields = ["paper"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "question", "position"]
    search_fields = ["title", "question"]
    inlines = [TopicPaperInline]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "slug"]
    search_fields = ["term", "definition"]
    filter_horizontal = ["papers"]
    prepopulated_fields = {"slug": ["term"]}


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "status"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
