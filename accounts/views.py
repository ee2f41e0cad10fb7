"""The learner's account: deleting it with everything in it (the data page and the learner
record's export and import live in learning.record_views)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .services import user_delete


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
