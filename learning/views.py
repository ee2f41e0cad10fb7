"""Views of paths and the learner's dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def catalog(request):
    return render(request, "learning/catalog.html", {"paths": []})


@login_required
def dashboard(request):
    return render(request, "learning/dashboard.html", {"enrollments": []})
