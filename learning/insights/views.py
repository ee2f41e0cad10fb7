"""Curator insights' pages in the admin: the curated paths, a path's figures (charts, tables,
"Refresh now") and its CSV. Staff with the Curators group's view rights only (superusers too);
every page reads the stored snapshot, never the learners' rows."""

from __future__ import annotations

import time

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from learning.curators import curator_permission_codenames
from learning.models import Path

from .compute import THRESHOLD, insights_refresh
from .report import csv_text, page_context


def _require_curator(request) -> None:
    needed = [
        f"{app}.{codename}"
        for app, codename in curator_permission_codenames()
        if codename.startswith("view_")
    ]
    if not request.user.has_perms(needed):
        raise PermissionDenied("Only curators can see insights.")


def _curated_path(slug: str) -> Path:
    """A curated path with its snapshot (if any), in one query; a personal path is a 404."""
    return get_object_or_404(Path.objects.curated().select_related("insight"), slug=slug)


def _refresh(request, paths: list[Path] | None) -> None:
    began = time.monotonic()
    stored = insights_refresh(paths=paths)
    messages.success(
        request,
        f"Figures refreshed for {len(stored)} path{'s' if len(stored) != 1 else ''} "
        f"in {time.monotonic() - began:.1f} s.",
    )


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def insights_index(request):
    """Every curated path with when its figures were computed; POST refreshes them all."""
    _require_curator(request)
    if request.method == "POST":
        _refresh(request, None)
        return redirect("insights_index")
    paths = list(Path.objects.curated().select_related("insight").order_by("number"))
    context = {
        **admin.site.each_context(request),
        "title": "Curator insights",
        "paths": [(path, getattr(path, "insight", None)) for path in paths],
        "threshold": THRESHOLD,
    }
    return TemplateResponse(request, "admin/insights/index.html", context)


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def insights_path(request, slug):
    """A path's figures from its snapshot. The first view of a path without one computes it
    (a few seconds at most); POST ("Refresh now") computes it again."""
    _require_curator(request)
    path = _curated_path(slug)
    if request.method == "POST":
        _refresh(request, [path])
        return redirect("insights_path", slug=path.slug)
    insight = getattr(path, "insight", None)
    if insight is None:
        (insight,) = insights_refresh(paths=[path])
    context = {
        **admin.site.each_context(request),
        "title": f"Insights: {path.title}",
        "path": path,
        **page_context(insight),
    }
    return TemplateResponse(request, "admin/insights/path.html", context)


@staff_member_required
@require_http_methods(["GET", "HEAD"])
def insights_csv(request, slug):
    _require_curator(request)
    path = _curated_path(slug)
    insight = getattr(path, "insight", None)
    if insight is None:
        (insight,) = insights_refresh(paths=[path])
    response = HttpResponse(csv_text(insight), content_type="text/csv; charset=utf-8")
    stamp = insight.computed_at.strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="insights-{path.slug}-{stamp}.csv"'
    return response
