"""Curator insights' pages in the admin: the curated paths, a path's figures (charts, tables,
"Refresh now") and its CSV. Staff with the Curators group's view rights only (superusers too);
every page reads the stored snapshot, never the learners' rows."""

from __future__ import annotations

import time

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from core.page_cache import own_page
from learning.models import Path, PathInsight

from .charts import FEWER
from .compute import THRESHOLD, insights_refresh
from .report import csv_text, figures_html
from .selectors import InsightHeading, insight_heading, may_see_insights


def _require_curator(request) -> None:
    if not may_see_insights(request.user):
        raise PermissionDenied("Only curators can see insights.")


def _admin_context(request) -> dict:
    """The admin's page frame (header, user links, breadcrumbs) without its sidebar: building
    and drawing the list of every model costs more than the rest of these pages together."""
    site = admin.site
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "log_entries": [],
    }


def _refresh(request, paths: list[Path] | None) -> None:
    began = time.monotonic()
    stored = insights_refresh(paths=paths)
    messages.success(
        request,
        f"Figures refreshed for {len(stored)} path{'s' if len(stored) != 1 else ''} "
        f"in {time.monotonic() - began:.1f} s.",
    )


def _heading_with_snapshot(slug: str) -> InsightHeading:
    """A curated path's heading (a 404 for any other slug); a path without a snapshot yet
    gets one now (a few seconds at most)."""
    heading = insight_heading(slug)
    if heading is None:
        raise Http404("No curated path here.")
    if heading.insight_id is None:
        (insight,) = insights_refresh(paths=[Path.objects.curated().get(slug=slug)])
        heading = InsightHeading(slug, heading.title, insight.pk, insight.computed_at)
    return heading


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def insights_index(request):
    """Every curated path with when its figures were computed; POST refreshes them all."""
    _require_curator(request)
    if request.method == "POST":
        _refresh(request, None)
        return redirect("insights_index")
    paths = Path.objects.curated().select_related("insight").defer("insight__data")
    context = {
        **_admin_context(request),
        "title": "Curator insights",
        "paths": [(path, getattr(path, "insight", None)) for path in paths.order_by("number")],
        "threshold": THRESHOLD,
    }
    return TemplateResponse(request, "admin/insights/index.html", context)


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def insights_path(request, slug):
    """A path's figures from its snapshot; POST ("Refresh now") computes them again."""
    _require_curator(request)
    if request.method == "POST":
        path = get_object_or_404(Path.objects.curated(), slug=slug)
        _refresh(request, [path])
        return redirect("insights_path", slug=path.slug)
    heading = _heading_with_snapshot(slug)

    def build():
        context = {
            **_admin_context(request),
            "title": f"Insights: {heading.title}",
            "path": heading,
            "computed_at": heading.computed_at,
            "threshold": THRESHOLD,
            "fewer": FEWER,
            "figures": figures_html(heading.insight_id, heading.computed_at),
        }
        return TemplateResponse(request, "admin/insights/path.html", context)

    # Made of the snapshot and the curator's own header only: kept until either changes.
    return own_page(request, f"insights|{heading}", build)


@staff_member_required
@require_http_methods(["GET", "HEAD"])
def insights_csv(request, slug):
    _require_curator(request)
    heading = _heading_with_snapshot(slug)
    insight = PathInsight.objects.get(pk=heading.insight_id)
    response = HttpResponse(
        csv_text(insight, title=heading.title), content_type="text/csv; charset=utf-8"
    )
    stamp = insight.computed_at.strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="insights-{slug}-{stamp}.csv"'
    return response
