"""The learner's own data: export it, or delete the account with everything in it."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from learning.models import StepStatus
from learning.selectors import learner_export

from .services import user_delete


@login_required
@require_safe
def data(request):
    return render(request, "account/data.html")


def _download(content: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="learning-roadmap-{stamp}.{extension}"'
    return response


@login_required
@require_safe
def export_json(request):
    document = learner_export(user=request.user)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _download(text, "application/json; charset=utf-8", "json")


@login_required
@require_safe
def export_markdown(request):
    document = learner_export(user=request.user)
    labels = dict(StepStatus.choices)
    text = render_to_string(
        "account/export.md", {"doc": document, "labels": labels}, request=request
    )
    return _download(text, "text/markdown; charset=utf-8", "md")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True)
def delete_account(request):
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            context = {"error": "Tick the box to confirm that everything should be deleted."}
            return render(request, "account/delete.html", context, status=400)
        user = request.user
        logout(request)
        user_delete(user=user)
        messages.success(request, "Your account and all your data are deleted.")
        return redirect("/")
    return render(request, "account/delete.html")
