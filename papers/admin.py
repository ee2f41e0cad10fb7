"""Admin for the library. A plain, usable registration; the curator workspace refines it."""

from django.contrib import admin

from .models import GlossaryTerm, Page, Paper, Topic, TopicPaper


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
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
