"""Admin for paths and their structure. A plain, usable registration; the curator workspace
issue adds drag-and-drop ordering, previews, history and import/export."""

from django.contrib import admin

from .models import (
    Checklist,
    ChecklistItem,
    Depth,
    Path,
    PathSection,
    Phase,
    RoadmapInfo,
    Step,
    StepPaper,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["position", "label", "title", "duration", "slug"]
    show_change_link = True


class PathSectionInline(admin.StackedInline):
    model = PathSection
    extra = 0


@admin.register(Path)
class PathAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "audience", "status"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "audience_key"]
    search_fields = ["title", "audience", "goal"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline, PathSectionInline]


class StepInline(admin.StackedInline):
    model = Step
    extra = 0
    fields = ["position", "label", "title", "subtitle", "duration", "slug", "body", "key_takeaway"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields.pop("path", None)
        return formset


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "path", "position"]
    list_filter = ["path"]
    search_fields = ["label", "title"]
    inlines = [StepInline]

    def save_formset(self, request, form, formset, change):
        # Steps added under a phase belong to that phase's path.
        for step in formset.save(commit=False):
            step.path_id = form.instance.path_id
            step.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class StepPaperInline(admin.TabularInline):
    model = StepPaper
    extra = 0
    autocomplete_fields = ["paper"]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["__str__", "path", "phase", "position", "archived"]
    list_filter = ["path", "archived"]
    actions = ["archive", "unarchive"]
    search_fields = ["title", "body", "slug"]
    inlines = [StepPaperInline]
    list_select_related = ["path", "phase"]

    @admin.action(description="Archive selected steps (hide them; learners keep their records)")
    def archive(self, request, queryset):
        count = queryset.update(archived=True)
        self.message_user(
            request, f"Archived {count} steps. Learners' statuses and notes are kept."
        )

    @admin.action(description="Restore selected archived steps")
    def unarchive(self, request, queryset):
        count = queryset.update(archived=False)
        self.message_user(request, f"Restored {count} steps.")


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["title", "position"]
    inlines = [ChecklistItemInline]


@admin.register(Depth)
class DepthAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "description", "position"]


@admin.register(RoadmapInfo)
class RoadmapInfoAdmin(admin.ModelAdmin):
    list_display = ["title", "last_updated"]

    def has_add_permission(self, request):
        return not RoadmapInfo.objects.exists()
