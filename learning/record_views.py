"""The learner's own data page: export the learner record (JSON, Markdown) and import one back,
with a dry run first and a confirmation that applies exactly what the dry run showed.

The checked document waits in the learner's session under a one-time token between the dry run
and the confirmation, so a token is only good in the session (and for the learner) that made it.
"""

import json
import secrets
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.services import sessions_end

from .models import DepthKey, StepStatus
from .record import MAX_BYTES, RecordError, learner_export, learner_import, parse_record
from .services import account_delete

PENDING_IMPORT = "learner_record_import"
FORMAT_DOC = settings.BASE_DIR / "docs" / "learner-record.md"


class RecordUploadForm(forms.Form):
    record = forms.FileField(
        label="Learner record (.json)",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_record(self) -> str:
        upload = self.cleaned_data["record"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB: "
                "a learner record can be at most 2 MB."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text: is it a JSON export?"
            ) from None


def _data_page(request, form: RecordUploadForm | None = None, status: int = 200):
    return render(
        request, "account/data.html", {"import_form": form or RecordUploadForm()}, status=status
    )


@login_required
@require_safe
def data(request):
    # Back here from a dry run (its Cancel link) or anew: a file checked earlier is dropped.
    request.session.pop(PENDING_IMPORT, None)
    return _data_page(request)


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
    context = {
        "doc": document,
        "labels": dict(StepStatus.choices),
        "depths": dict(DepthKey.choices),
    }
    text = render_to_string("account/export.md", context, request=request)
    return _download(text, "text/markdown; charset=utf-8", "md")


@login_required
@require_safe
def record_format(request):
    """docs/learner-record.md, the description of the file, as the Markdown text it is."""
    text = FORMAT_DOC.read_text(encoding="utf-8")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@login_required
@require_POST
def import_check(request):
    """Check an uploaded record and show what importing it would do (a dry run)."""
    form = RecordUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _data_page(request, form, status=400)
    try:
        document = parse_record(form.cleaned_data["record"])
        report = learner_import(user=request.user, document=document, dry_run=True)
    except RecordError as error:
        form.add_error("record", error.messages)
        return _data_page(request, form, status=400)
    token = secrets.token_urlsafe(24)
    request.session[PENDING_IMPORT] = {
        "token": token,
        "user": request.user.pk,
        "document": document,
    }
    return render(request, "account/import_report.html", {"report": report, "token": token})


@login_required
@require_POST
def import_confirm(request):
    """Apply the checked record. The same confirmation twice imports once: the second finds
    nothing pending (and importing the same file again would change nothing anyway)."""
    pending = request.session.get(PENDING_IMPORT) or {}
    token = request.POST.get("token", "")
    if not (
        token
        and pending.get("user") == request.user.pk
        and constant_time_compare(token, pending.get("token", ""))
    ):
        messages.error(
            request, "That import has expired or was already done: choose the file again."
        )
        return redirect("account_data")
    try:
        report = learner_import(user=request.user, document=pending["document"], dry_run=False)
    except RecordError as error:
        request.session.pop(PENDING_IMPORT, None)
        messages.error(request, "The file cannot be imported: " + " ".join(error.messages))
        return redirect("account_data")
    request.session.pop(PENDING_IMPORT, None)
    messages.success(request, report.summary())
    return redirect("learning:dashboard")


def _reauthenticate_then(request, page: str):
    """Send the learner to enter their password again, and back to `page` after. Only the
    page's address travels (as ?next=): nothing of this request is kept, where allauth's
    reauthentication_required would keep the whole request (address, cookies) in the session."""
    methods = get_adapter(request).get_reauthentication_methods(request.user)
    if not methods:
        raise PermissionDenied("This account cannot confirm its password.")
    return redirect(f"{methods[0]['url']}?{urlencode({'next': reverse(page)})}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request):
    """Delete the account with everything in it, after re-authentication (within the last
    few minutes, before the page is even shown) and a ticked box."""
    if not did_recently_reauthenticate(request):
        return _reauthenticate_then(request, "account_delete")
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            context = {"error": "Tick the box to confirm that everything should be deleted."}
            return render(request, "account/delete.html", context, status=400)
        user = request.user
        logout(request)
        account_delete(user=user)
        messages.success(request, "Your account and all your data are deleted.")
        return redirect("/")
    return render(request, "account/delete.html")


@login_required
@require_POST
def log_out_everywhere(request):
    """End every session of the account, this one included: every device must log in again.
    Progress, notes and paths are in the account, not in sessions, and all stay."""
    user = request.user
    logout(request)
    sessions_end(user=user)
    messages.success(request, "You are logged out everywhere: every device has to log in again.")
    return redirect("/")
