"""Views of the catalog, paths and the learner's dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from papers.models import Page, Topic

from . import selectors
from .models import Checklist, Depth, Path, RoadmapInfo


@require_safe
def catalog(request):
    return render(
        request,
        "learning/catalog.html",
        {
            "info": RoadmapInfo.objects.first(),
            "paths": selectors.catalog_paths(user=request.user),
            "depths": list(Depth.objects.all()),
            "topics": Topic.objects.all(),
            "pages": Page.objects.visible_to(request.user).only("slug", "title", "status"),
            "checklists": Checklist.objects.prefetch_related("items"),
        },
    )


@require_safe
def path_detail(request, slug):
    try:
        path = selectors.path_outline(slug=slug, user=request.user)
    except Path.DoesNotExist:
        return render(request, "404.html", {"missing": "path"}, status=404)
    return render(
        request, "learning/path_detail.html", {"path": path, "depths": list(Depth.objects.all())}
    )


@login_required
def dashboard(request):
    return render(request, "learning/dashboard.html", {"enrollments": []})
