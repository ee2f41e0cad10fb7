"""Shared pieces of the curator workspace: Markdown with live preview and link checks, history,
drag-and-drop ordering, publishing with confirmation, and deletes that never hurt learners."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from .admin_inlines import (  # noqa: F401 (the apps import them from here)
    INLINE_ROWS,
    BoundedInlineMixin,
    PreloadedAutocompleteInlineMixin,
    PreloadedAutocompleteSelect,
)
from .admin_widgets import ids_only_autocomplete
from .history import FullDiffContextHelper, relations_as_recorded, renumber_siblings
from .models import PublicationStatus
from .rendering import PAGE_LINK, PAPER_LINK, page_path_for, render_markdown

# The site's own pages that Markdown may link to, by the first part of their URL: each app
# registers its kinds (papers/apps.py, learning/apps.py) with the objects that exist.
LINK_TARGETS: dict[str, tuple[str, Callable[[], QuerySet]]] = {}


def csp_hash(source: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline text."""
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


# simple-history's list of an object's changes has one inline style attribute (its paginator's
# `border-top: 0`), which the site's policy refuses: that page allows exactly that one.
HISTORY_PAGE_CSP = {"style-src-attr": ["'unsafe-hashes'", csp_hash("border-top: 0")]}


def register_link_target(kind: str, name: str, objects: Callable[[], QuerySet]) -> None:
    """`/<kind>/<slug>/` links are checked against `objects()` by slug; `name` is for messages."""
    LINK_TARGETS[kind] = (name, objects)


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


def view_on_site_if_listed(request, content_type_id: str, object_id: str):
    """The admin's "View on site" redirect (/admin/r/<content type>/<id>/, roadmap_site.urls
    puts it in place of Django's), for the objects whose admin lists them and offers the link.
    Django's own redirects any object with a page, so a curator could learn, by trying ids,
    the address (the slug) of a learner's personal path. Anything else is a 404."""
    content_type = None
    if content_type_id.isdigit():
        content_type = ContentType.objects.filter(pk=int(content_type_id)).first()
    model = content_type.model_class() if content_type else None
    if model is None or not admin.site.is_registered(model):
        raise Http404("Not found.")
    model_admin = admin.site.get_model_admin(model)
    try:
        pk = model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404("Not found.") from None
    obj = model_admin.get_queryset(request).filter(pk=pk).first()
    if (
        obj is None
        or not model_admin.has_view_or_change_permission(request, obj)
        or model_admin.get_view_on_site_url(obj) is None
    ):
        raise Http404("Not found.")
    return shortcut(request, content_type_id, object_id)


class MarkdownWidget(forms.Textarea):
    """A textarea with the rendered, sanitized preview beside it (updated as you type)."""

    template_name = "admin/widgets/markdown.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 12, "class": "markdown-source", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview"] = mark_safe(render_markdown(value or ""))
        return context

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-markdown.js"]


def _site_link() -> re.Pattern:
    kinds = "|".join(re.escape(kind) for kind in LINK_TARGETS)
    return re.compile(rf"\]\((?P<url>/(?:{kinds})/[^)\s#]*/?)(?:#[^)\s]*)?\)")


def broken_links(text: str) -> list[str]:
    """Links of the site's own pages in Markdown that lead nowhere, as messages."""
    wanted: dict[str, set[str]] = {kind: set() for kind in LINK_TARGETS}
    shown: dict[tuple[str, str], str] = {}

    def want(kind: str, slug: str, as_written: str) -> None:
        if kind in wanted:
            wanted[kind].add(slug)
            shown[(kind, slug)] = as_written

    for match in PAPER_LINK.finditer(text or ""):
        want("papers", match["slug"], match.group(0))
    for match in PAGE_LINK.finditer(text or ""):
        path = page_path_for(match["name"])
        if path.startswith("/pages/"):
            want("pages", path.split("/")[2], match.group(0))
    if LINK_TARGETS:
        for match in _site_link().finditer(text or ""):
            parts = match["url"].strip("/").split("/")
            if len(parts) == 2 and parts[1]:
                want(parts[0], parts[1], match["url"])
    problems = []
    for kind, slugs in wanted.items():
        if not slugs:
            continue
        name, objects = LINK_TARGETS[kind]
        known = set(objects().filter(slug__in=slugs).values_list("slug", flat=True))
        problems += [
            f"Broken link {shown[(kind, slug)]}: there is no {name} “{slug}”."
            for slug in sorted(slugs - known)
        ]
    return problems


class MarkdownFormMixin:
    """Checks the site links in every Markdown field of the form."""

    markdown_field_names: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.markdown_field_names:
            for problem in broken_links(cleaned.get(name) or ""):
                self.add_error(name, problem)
        return cleaned


class RevertRelationsFormMixin:
    """On a revert page, the many-to-many fields show the relations of the chosen version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, pks in relations_as_recorded(self.instance).items():
            if name in self.fields:
                self.initial[name] = pks


class ContentAdmin(SimpleHistoryAdmin):
    """Base of every content admin: Markdown preview and link checks, history with revert.

    History pages only for objects this admin lists: simple-history would otherwise fall back
    to the history table and show (and revert) rows the admin hides, such as personal paths.
    The history shows each changed text whole, as a diff. A revert restores content, never a
    place in an order (`revert_keeps`): the order is the parent's, set by dragging rows there.
    """

    object_history_template = "admin/content_history.html"
    object_history_list_template = "admin/content_history_list.html"
    object_history_form_template = "admin/content_history_form.html"
    revert_keeps: tuple[str, ...] = ("position",)

    def _listed_or_404(self, request, object_id, version_id=None) -> None:
        """404 for an object this admin does not list, and for ids that are not ids at all
        (`…/abc/history/`), which would otherwise reach the database and fail there."""
        try:
            object_id = self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                int(version_id)
        except (ValidationError, ValueError, TypeError):
            raise Http404("Not found.") from None
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404("Not found.")

    @method_decorator(csp_update(HISTORY_PAGE_CSP))
    def history_view(self, request, object_id, extra_context=None):
        self._listed_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._listed_or_404(request, object_id, version_id)
        context = {"revert_changes": self._revert_changes(request, object_id, version_id)}
        return super().history_form_view(
            request, object_id, version_id, {**context, **(extra_context or {})}
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return FullDiffContextHelper(self.model, historical_record)

    def _revert_changes(self, request, object_id, version_id) -> list[dict]:
        """What reverting to this version would change, as on the history page."""
        opts = self.model._meta
        manager = getattr(self.model, opts.simple_history_manager_attribute)
        history = manager.filter(**{opts.pk.attname: object_id})
        version = history.filter(history_id=version_id).first()
        latest = history.order_by("-history_date", "-history_id").first()
        if version is None or latest is None or version.pk == latest.pk:
            return []
        excluded = self._kept_on_revert()
        delta = version.diff_against(latest, excluded_fields=excluded, foreign_keys_are_objs=True)
        helper = self.get_historical_record_context_helper(request, version)
        return helper.context_for_delta_changes(delta)

    def _kept_on_revert(self) -> list[str]:
        names = {f.name for f in self.model._meta.concrete_fields}
        return [name for name in self.revert_keeps if name in names]

    def _is_revert(self, request) -> bool:
        match = getattr(request, "resolver_match", None)
        opts = self.model._meta
        return match is not None and match.url_name == (
            f"{opts.app_label}_{opts.model_name}_simple_history"
        )

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self._is_revert(request):
            exclude += [name for name in self._kept_on_revert() if name not in exclude]
        return exclude or None

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._is_revert(request):  # also when an admin lists its fields itself
            fields = [name for name in fields if name not in self._kept_on_revert()]
        return fields

    def save_model(self, request, obj, form, change):
        kept = self._kept_on_revert() if change and self._is_revert(request) else []
        if kept:
            current = type(obj)._default_manager.filter(pk=obj.pk).values(*kept).first() or {}
            for name, value in current.items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)
        if kept:
            renumber_siblings(obj, user=request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields():
            kwargs["widget"] = MarkdownWidget(
                {"rows": 3}
                if db_field.name in getattr(self.model, "inline_markdown_fields", {})
                else None
            )
        return ids_only_autocomplete(super().formfield_for_dbfield(db_field, request, **kwargs))

    def markdown_fields(self) -> tuple[str, ...]:
        model = self.model
        return tuple(getattr(model, "markdown_fields", {})) + tuple(
            getattr(model, "inline_markdown_fields", {})
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        fields = self.markdown_fields()
        mixins = (MarkdownFormMixin, RevertRelationsFormMixin, form)
        return type(form.__name__, mixins, {"markdown_field_names": fields})


class SortableInlineMixin(BoundedInlineMixin):
    """Rows reorderable by drag and drop (by the handle in the first column); the position
    numbers still work without JavaScript."""

    classes = ["sortable"]

    def get_fields(self, request, obj=None):
        return ["drag_handle", *super().get_fields(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        return ["drag_handle", *super().get_readonly_fields(request, obj)]

    @admin.display(description="")
    def drag_handle(self, obj):
        return mark_safe('<span class="drag-handle" title="Drag to reorder">⠿</span>')

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["vendor/sortable/Sortable.min.js", "js/admin-sortable.js"]


class LearnerSafeDeleteMixin:
    """Refuse deletes that would take learners' records with them, saying how many learners it
    would affect and what to do instead."""

    delete_instead = "Archive it instead."

    def learners_affected(self, objects) -> int:  # pragma: no cover - each admin defines it
        return 0

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        learners = self.learners_affected(objs)
        if learners:
            protected = [
                f"Learner progress: {learners} learner{'s' if learners != 1 else ''} "
                f"{'have' if learners != 1 else 'has'} worked on this, and deleting it would "
                f"lose their statuses and notes. {self.delete_instead}"
            ]
        return deleted, model_count, perms_needed, protected


@admin.action(description="Publish selected (after a confirmation)")
def publish_selected(modeladmin, request, queryset):
    """Publish drafts, after a confirmation page listing what will become public."""
    drafts = queryset.filter(status=PublicationStatus.DRAFT)
    if request.POST.get("confirm") == "yes":
        count = 0
        for obj in drafts:
            obj.status = PublicationStatus.PUBLISHED
            obj.save()  # one by one, so each change is in the history
            count += 1
        modeladmin.message_user(request, f"Published {count}.", messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/publish_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Publish these?",
            "objects": drafts,
            "already_published": queryset.count() - drafts.count(),
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(description="Make selected drafts (hide them from visitors)")
def unpublish_selected(modeladmin, request, queryset):
    count = 0
    for obj in queryset.filter(status=PublicationStatus.PUBLISHED):
        obj.status = PublicationStatus.DRAFT
        obj.save()
        count += 1
    modeladmin.message_user(request, f"{count} made drafts.", messages.SUCCESS)
