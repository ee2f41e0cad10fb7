"""The site's emails, in the product's words (templates/account/email/, each a subject, a text
and an HTML part): allauth renders and sends them through the account adapter, whose email
part this is (accounts.signup.AccountAdapter).

Every email gets absolute links to the site, to log in and to "forgot your password" (the way
back for someone told of a change they did not make). An address's confirmation is worded for
what the address is: the account's own (primary) address, at sign-up or when logging in waits
for it, or an address added to an account that already has one."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.password_reset import get_reset_password_url
from allauth.core import context as allauth_context
from allauth.utils import build_absolute_uri
from django.urls import reverse


class ProductEmails(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        links = {
            "site_url": build_absolute_uri(request, "/"),
            "log_in_url": build_absolute_uri(request, reverse("account_login")),
            "password_reset_url": get_reset_password_url(request),
        }
        super().send_mail(template_prefix, email, {**links, **context})

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        """allauth words every confirmation not sent at sign-up as for an added address; the
        primary address is the account's own, so it gets the sign-up's wording."""
        own_address = signup or emailconfirmation.email_address.primary
        super().send_confirmation_mail(request, emailconfirmation, own_address)

    def get_http_user_agent(self, request) -> str:
        """The browser, as a notification names it (allauth's placeholder reads "Unspecified")."""
        return request.META.get("HTTP_USER_AGENT") or "not known"
