"""Sign-up that never tells whether an address has an account (allauth's form and adapter,
named in settings.ACCOUNT_FORMS and ACCOUNT_ADAPTER).

Whatever the address, the answer is the same page, "check your email", and an email goes to
the address: a link to confirm it for a new account, a note that someone tried to sign up with
it for an existing one. allauth does this only where verification is mandatory (elsewhere it
answers "already registered", or logs a new account in at once, which tells the same thing by
its absence), so here the sign-up itself always asks for the address to be confirmed, in every
ACCOUNT_EMAIL_VERIFICATION mode; the mode still decides whether logging in waits for it.

Sign-ups with one address at the same moment make one account: the others find the address
taken when they write, and answer as for an existing one (never a 500)."""

from urllib.parse import urlencode

from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.models import EmailAddress, Login
from allauth.account.utils import get_next_redirect_url
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from .emails import ProductEmails
from .models import User

CONFIRM_AT_SIGNUP = EmailVerificationMethod.MANDATORY


def address_taken(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


class SignupForm(AllauthSignupForm):
    def validate_unique_email(self, value: str) -> str:
        """A taken address is no form error: the answer must not differ (see try_save)."""
        self.account_already_exists = address_taken(value)
        return value

    def try_save(self, request):
        """The account (or none, for a taken address) and the answer, the same either way."""
        user = None if self.account_already_exists else self._create(request)
        if user is None:
            # As long as a new account takes: its password is hashed (as Django's login does
            # for unknown users).
            make_password(self.cleaned_data.get("password1"))
            # allauth's enumeration answer: the "check your email" page, and a note to the owner.
            login = Login(
                user=None,
                email=self.cleaned_data["email"],
                signup=True,
                email_verification=CONFIRM_AT_SIGNUP,
            )
            return None, perform_login(request, login)
        return user, complete_signup(request, user=user, email_verification=CONFIRM_AT_SIGNUP)

    def _create(self, request) -> User | None:
        """The new account, or None when another sign-up took the address first."""
        try:
            with transaction.atomic():
                return self.save(request)
        except IntegrityError:
            if address_taken(self.cleaned_data["email"]):
                return None
            raise


class AccountAdapter(ProductEmails):
    def respond_email_verification_sent(self, request, user):
        """The "check your email" page keeps where the visitor was going (?next=), for its
        log-in link."""
        response = super().respond_email_verification_sent(request, user)
        next_url = get_next_redirect_url(request)
        if next_url:
            response["Location"] += "?" + urlencode({"next": next_url})
        return response
