"""Paths and their structure in the curator workspace. Only curated paths: learners' personal
paths are private and never appear here (CuratedOnlyAdminMixin)."""

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.text import capfirst

from core.admin import (
    ContentAdmin,
    LearnerSafeDeleteMixin,
    PreloadedAutocompleteInlineMixin,
    SortableInlineMixin,
    count_of,
    publish_selected,
    unpublish_selected,
)
from papers.admin import PaperAdmin
from papers.models import Paper

from . import selectors, services
from .models import (
    Checklist,
    ChecklistItem,
    Depth,
    Enrollment,
    Path,
    PathSection,
    Phase,
    RoadmapInfo,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
)

# How each model with learners' private rows reaches its path ("" for a path itself).
PATH_LOOKUPS = {Path: "", Phase: "path", Step: "path", PathSection: "path"}


def curated_only(path_lookup: str) -> dict[str, bool]:
    """The filter keeping the roadmap's own rows: those whose path (reached by `path_lookup`,
    "" on a path itself) has no owner."""
    return {f"{path_lookup}__owner__isnull" if path_lookup else "owner__isnull": True}


def curated(model) -> QuerySet:
    """`model`'s rows that belong to the roadmap, none of a learner's personal path."""
    return model._default_manager.filter(**curated_only(PATH_LOOKUPS[model]))


class CuratedPathFilter(admin.RelatedFieldListFilter):
    """The path filter, listing curated paths only (personal paths are private)."""

    def field_choices(self, field, request, model_admin):
        return [(path.pk, str(path)) for path in curated(Path).order_by("number")]


class CuratedOnlyAdminMixin:
    """Curated content only, everywhere in one admin: its list, change and history pages (one
    queryset), the choices of its foreign keys and its path filter. Learners' personal paths
    are their private data and never appear in the admin.

    Each admin declares `path_lookup`, how its model reaches a path: "" for Path itself, None
    for content that belongs to no path (it has no private rows, but its choices are still
    restricted)."""

    path_lookup: str | None

    def __init__(self, *args, **kwargs):
        if not hasattr(self, "path_lookup"):
            raise ImproperlyConfigured(f"{type(self).__name__} must declare path_lookup.")
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.path_lookup is None:
            return queryset
        return queryset.filter(**curated_only(self.path_lookup))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model in PATH_LOOKUPS:
            queryset = curated(model)
            kwargs["queryset"] = queryset.select_related("path") if model is not Path else queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        return [
            ("path", CuratedPathFilter) if name == "path" else name
            for name in super().get_list_filter(request)
        ]

    def get_view_on_site_url(self, obj=None):
        """No "View on site" for a personal path or its parts: their address is private."""
        if obj is not None and self.path_lookup is not None:
            path = getattr(obj, self.path_lookup) if self.path_lookup else obj
            if path is not None and path.owner_id is not None:
                return None
        return super().get_view_on_site_url(obj)


class PathFixedOnceSavedMixin:
    """Moving a phase or step to another path would hide learners' progress on it: the path is
    chosen when it is created and then stays."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "path"] if obj is not None else fields


def done_count():
    return Coalesce(
        Subquery(
            StepProgress.objects.filter(step=OuterRef("pk"), status=StepStatus.DONE)
            .order_by()
            .values("step")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


class PhaseInline(SortableInlineMixin, admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["position", "label", "title", "duration", "slug"]
    show_change_link = True


class PathSectionInline(SortableInlineMixin, admin.TabularInline):
    model = PathSection
    extra = 0
    fields = ["position", "title", "slug"]
    show_change_link = True


@admin.register(Path)
class PathAdmin(LearnerSafeDeleteMixin, CuratedOnlyAdminMixin, ContentAdmin):
    list_display = [
        "number", "title", "audience", "status", "phase_count", "step_count", "learner_count",
    ]  # fmt: skip
    list_display_links = ["number", "title"]
    list_filter = ["status", "audience_key"]
    search_fields = ["title", "audience", "goal"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline, PathSectionInline]
    exclude = ["owner"]
    actions = [publish_selected, unpublish_selected]
    delete_instead = "Make it a draft instead: learners keep it, visitors no longer see it."
    view_on_site = True
    path_lookup = ""
    revert_keeps = ("number",)  # the place in the catalog, like a position

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _phases=count_of(Phase.objects, "path"),
                _steps=count_of(Step.objects.current(), "path"),
                _learners=count_of(Enrollment.objects, "path"),
            )
        )

    @admin.display(description="phases", ordering="_phases")
    def phase_count(self, obj):
        return obj._phases

    @admin.display(description="steps", ordering="_steps")
    def step_count(self, obj):
        return obj._steps

    @admin.display(description="learners", ordering="_learners")
    def learner_count(self, obj):
        return obj._learners

    def learners_affected(self, objects):
        return (
            selectors.learners_with_progress(steps=Step.objects.filter(path__in=list(objects)))
            or Enrollment.objects.filter(path__in=list(objects)).values("user").distinct().count()
        )


class StepInline(SortableInlineMixin, admin.TabularInline):
    model = Step
    extra = 0
    fields = ["position", "label", "title", "slug", "archived", "done_by"]
    readonly_fields = ["done_by"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_done=done_count())

    @admin.display(description="learners done")
    def done_by(self, obj):
        return getattr(obj, "_done", 0)


@admin.register(Phase)
class PhaseAdmin(
    PathFixedOnceSavedMixin, LearnerSafeDeleteMixin, CuratedOnlyAdminMixin, ContentAdmin
):
    list_display = ["__str__", "path", "position", "step_count"]
    list_filter = ["path"]
    list_select_related = ["path"]
    search_fields = ["label", "title"]
    inlines = [StepInline]
    delete_instead = "Move its steps to another phase, or archive them, first."
    path_lookup = "path"

    def get_queryset(self, request):
        steps = count_of(Step.objects.current(), "phase")
        return super().get_queryset(request).annotate(_steps=steps)

    @admin.display(description="steps", ordering="_steps")
    def step_count(self, obj):
        return obj._steps

    def save_formset(self, request, form, formset, change):
        # Steps added under a phase belong to that phase's path.
        for step in formset.save(commit=False):
            step.path_id = form.instance.path_id
            step.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def learners_affected(self, objects):
        return selectors.learners_with_progress(steps=Step.objects.filter(phase__in=list(objects)))


class StepPaperInline(PreloadedAutocompleteInlineMixin, SortableInlineMixin, admin.TabularInline):
    model = StepPaper
    extra = 0
    autocomplete_fields = ["paper"]
    fields = ["position", "paper"]


@admin.register(Step)
class StepAdmin(
    PathFixedOnceSavedMixin, LearnerSafeDeleteMixin, CuratedOnlyAdminMixin, ContentAdmin
):
    list_display = ["__str__", "path", "phase", "position", "archived", "done_by"]
    list_filter = ["path", "archived", "papers__topics"]
    list_select_related = ["path", "phase"]
    search_fields = ["title", "body", "slug"]
    inlines = [StepPaperInline]
    readonly_fields = ["learner_progress"]
    actions = ["archive", "unarchive"]
    path_lookup = "path"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_done=done_count())

    @admin.display(description="learners done", ordering="_done")
    def done_by(self, obj):
        return obj._done

    @admin.display(description="learners")
    def learner_progress(self, obj):
        if not obj.pk:
            return "—"
        counts = StepProgress.objects.filter(step=obj).aggregate(
            done=Count("pk", filter=Q(status=StepStatus.DONE)),
            in_progress=Count("pk", filter=Q(status=StepStatus.IN_PROGRESS)),
            skipped=Count("pk", filter=Q(status=StepStatus.SKIPPED)),
        )
        return format_html(
            "{} done, {} in progress, {} skipped",
            counts["done"],
            counts["in_progress"],
            counts["skipped"],
        )

    def learners_affected(self, objects):
        return selectors.learners_with_progress(steps=list(objects))

    @admin.action(description="Archive selected steps (hide them; learners keep their records)")
    def archive(self, request, queryset):
        count = services.steps_set_archived(steps=queryset, archived=True)
        self.message_user(request, f"Archived {count} steps. Learners' statuses and notes stay.")

    @admin.action(description="Restore selected archived steps")
    def unarchive(self, request, queryset):
        count = services.steps_set_archived(steps=queryset, archived=False)
        self.message_user(request, f"Restored {count} steps.")


admin.site.unregister(Paper)


@admin.register(Paper)
class PaperWithStepsAdmin(LearnerSafeDeleteMixin, CuratedOnlyAdminMixin, PaperAdmin):
    """Papers, with how many of the roadmap's steps use each, and no delete that would lose
    learners' records."""

    list_display = [*PaperAdmin.list_display, "step_count"]
    delete_instead = "Make it a draft instead, or take it out of those steps first."
    path_lookup = None  # a paper belongs to no path; the steps counted are curated ones

    def get_queryset(self, request):
        curated_uses = StepPaper.objects.filter(**curated_only("step__path"))
        return super().get_queryset(request).annotate(_steps=count_of(curated_uses, "paper"))

    def get_deleted_objects(self, objs, request):
        """Personal paths' steps that keep a paper from being deleted are counted, never
        named: they are learners' private data."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        private = StepPaper.objects.filter(paper__in=list(objs)).exclude(
            **curated_only("step__path")
        )
        hidden = {
            f"{capfirst(StepPaper._meta.verbose_name)}: {use}"
            for use in private.select_related("step", "paper")
        }
        if hidden:
            protected = [item for item in protected if str(item) not in hidden]
            protected.append(
                f"Used in {len(hidden)} step{'s' if len(hidden) != 1 else ''} of learners' "
                "personal paths (private, not listed). Make it a draft instead."
            )
        return deleted, model_count, perms_needed, protected

    @admin.display(description="steps", ordering="_steps")
    def step_count(self, obj):
        return obj._steps

    def learners_affected(self, objects):
        """Learners with progress on the roadmap's steps using these papers; personal paths'
        steps keep the paper too (see get_deleted_objects), but are never counted aloud."""
        steps = curated(Step).filter(papers__in=list(objects))
        return selectors.learners_with_progress(steps=steps)


@admin.register(PathSection)
class PathSectionAdmin(CuratedOnlyAdminMixin, ContentAdmin):
    list_display = ["title", "path", "position"]
    list_filter = ["path"]
    list_select_related = ["path"]
    search_fields = ["title", "body"]
    path_lookup = "path"


class ChecklistItemInline(SortableInlineMixin, admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["position", "text", "slug"]


@admin.register(Checklist)
class ChecklistAdmin(CuratedOnlyAdminMixin, ContentAdmin):
    list_display = ["title", "position"]
    path_lookup = None  # the roadmap's own checklists; no learner has one
    inlines = [ChecklistItemInline]


@admin.register(Depth)
class DepthAdmin(CuratedOnlyAdminMixin, ContentAdmin):
    list_display = ["key", "label", "description", "position"]
    path_lookup = None


@admin.register(RoadmapInfo)
class RoadmapInfoAdmin(CuratedOnlyAdminMixin, ContentAdmin):
    list_display = ["title", "last_updated"]
    path_lookup = None

    def has_add_permission(self, request):
        return not RoadmapInfo.objects.exists()
