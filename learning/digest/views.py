"""The weekly digest's pages: the learner's choice (/digest/), and the one-click unsubscribe
link of every digest email, which works without logging in (its token names the learner). Its
page's "Subscribe again" button works for an hour, with a token of its own: the email's token,
which never expires and may be forwarded, only ever turns the digest off."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .emails import (
    ExpiredToken,
    resubscribe_token,
    unsubscribe_token,
    user_from_resubscribe_token,
    user_from_token,
)
from .selectors import has_confirmed_address, is_subscribed
from .services import digest_subscription_set


class DigestForm(forms.Form):
    weekly = forms.BooleanField(label="Email me a weekly digest", required=False)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def digest_settings(request):
    if request.method == "POST":
        form = DigestForm(request.POST)
        form.is_valid()  # a checkbox: anything but "on" means unticked
        weekly = form.cleaned_data.get("weekly", False)
        digest_subscription_set(user=request.user, weekly=weekly)
        if weekly:
            messages.success(request, "Saved: you will get a weekly digest by email.")
        else:
            messages.success(request, "Saved: you will get no weekly digest.")
        return redirect("learning:digest_settings")
    weekly = is_subscribed(user=request.user)
    return render(
        request,
        "learning/digest_settings.html",
        {
            "form": DigestForm(initial={"weekly": weekly}),
            "weekly": weekly,
            "confirmed": has_confirmed_address(user=request.user),
        },
    )


NOT_VALID = "This unsubscribe link is not valid: copy the whole link from the email."
EXPIRED = (
    "This page is over an hour old, too old to subscribe again from: log in and turn the "
    "weekly digest on from your digest page (/digest/)."
)


def _refused(request, reason: str = NOT_VALID) -> HttpResponse:
    return render(request, "400.html", {"reason": reason}, status=400)


def _unsubscribed_page(request, user, *, weekly: bool) -> HttpResponse:
    return render(
        request,
        "learning/digest_unsubscribed.html",
        {
            "weekly": weekly,
            "unsubscribe_token": unsubscribe_token(user),
            "resubscribe_token": resubscribe_token(user),
        },
    )


# No CSRF check: a mail program's one-click "Unsubscribe" (RFC 8058) POSTs here without any
# cookie, and the signed token in the address is what authenticates the request. Both ways
# only ever turn the digest off.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request, token):
    """Unsubscribe at once, by opening the email's link (GET) or by the one-click POST."""
    user = user_from_token(token)
    if user is None:
        return _refused(request)
    if request.method != "HEAD":
        digest_subscription_set(user=user, weekly=False)
    if request.POST.get("List-Unsubscribe") == "One-Click":  # a mail program's, not a person's
        return HttpResponse("You will get no more weekly digests.\n", content_type="text/plain")
    return _unsubscribed_page(request, user, weekly=False)


@require_POST
def digest_resubscribe(request, token):
    """ "Subscribe again" on the page the unsubscribe link showed (CSRF-checked, a form), within
    the hour its token lasts."""
    try:
        user = user_from_resubscribe_token(token)
    except ExpiredToken:
        return _refused(request, EXPIRED)
    if user is None:
        return _refused(request)
    digest_subscription_set(user=user, weekly=True)
    return _unsubscribed_page(request, user, weekly=True)
