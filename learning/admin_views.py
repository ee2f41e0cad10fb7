"""Curator tools beside the admin: Markdown preview, and roadmap import/export sharing one code
path with the load_content and export_content commands."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.rendering import render_markdown

from .content import ContentError, content_export, content_import_text, dump_document
from .curators import curator_permission_codenames

IMPORT_SESSION_KEY = "roadmap_import_pending"
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _require_content_permissions(request, actions=("add", "change")) -> None:
    needed = [
        f"{app}.{codename}"
        for app, codename in curator_permission_codenames()
        if codename.split("_", 1)[0] in actions
    ]
    if not request.user.has_perms(needed):
        raise PermissionDenied("Only curators can do this.")


@staff_member_required
@require_POST
def markdown_preview(request):
    """The sanitized HTML of some Markdown, exactly as visitors would get it."""
    return HttpResponse(render_markdown(request.POST.get("text", "")[:200_000]))


@staff_member_required
@require_http_methods(["GET", "HEAD"])
def roadmap_export(request):
    _require_content_permissions(request, actions=("view",))
    response = HttpResponse(
        dump_document(content_export()), content_type="application/x-yaml; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="roadmap-{stamp}.yaml"'
    return response


class ImportForm(forms.Form):
    file = forms.FileField(label="Roadmap file (YAML)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        try:
            return upload.name, upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def roadmap_import(request):
    """Upload → a dry run showing added / changed / unchanged / refused, and for each entry that
    would change its fields from → to → apply, all or nothing."""
    _require_content_permissions(request)
    context = {**admin.site.each_context(request), "title": "Import a roadmap file"}
    if request.method == "POST" and request.POST.get("apply") == "yes":
        pending = request.session.pop(IMPORT_SESSION_KEY, None)
        if not pending:
            messages.error(request, "Nothing to apply: upload the file again.")
            return redirect("roadmap_import")
        try:
            report = content_import_text(text=pending["text"], source=pending["name"])
        except ContentError as error:  # the content changed since the dry run
            return TemplateResponse(
                request,
                "admin/roadmap_import.html",
                {**context, "form": ImportForm(), "refused": error.problems},
                status=400,
            )
        messages.success(request, report.summary())
        return redirect("admin:index")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            name, text = form.cleaned_data["file"]
            try:
                report = content_import_text(text=text, source=name, dry_run=True)
            except ContentError as error:
                request.session.pop(IMPORT_SESSION_KEY, None)
                return TemplateResponse(
                    request,
                    "admin/roadmap_import.html",
                    {**context, "form": ImportForm(), "refused": error.problems, "name": name},
                    status=400,
                )
            request.session[IMPORT_SESSION_KEY] = {"name": name, "text": text}
            return TemplateResponse(
                request,
                "admin/roadmap_import.html",
                {**context, "form": form, "report": report, "name": name},
            )
        return TemplateResponse(
            request, "admin/roadmap_import.html", {**context, "form": form}, status=400
        )
    return TemplateResponse(request, "admin/roadmap_import.html", {**context, "form": ImportForm()})
