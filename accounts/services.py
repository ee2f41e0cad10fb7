"""Writes to accounts: every change to users goes through these functions."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import User


@transaction.atomic
def superuser_ensure(*, email: str, password: str) -> tuple[User, bool]:
    """Create (or repair) a staff superuser with a verified email; return it and whether it is new.

    An existing account keeps its password, so a developer's own change survives `make run`.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_superuser(email=email, password=password)
    elif not (user.is_staff and user.is_superuser and user.is_active):
        user.is_staff = user.is_superuser = user.is_active = True
        user.save(update_fields=["is_staff", "is_superuser", "is_active"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Remove the account and every row of the learner's: enrolments, progress, notes, ticks,
    personal paths, email addresses. Progress goes first: it protects steps from deletion, and
    the personal paths' steps go with the account."""
    from learning.models import ProgressEvent, StepProgress
    from learning.plans import forget_personal_history

    personal_paths = list(user.personal_paths.values_list("pk", flat=True))
    ProgressEvent.objects.filter(user=user).delete()
    StepProgress.objects.filter(user=user).delete()
    user.enrollments.all().delete()
    user.delete()
    forget_personal_history(path_ids=personal_paths)
