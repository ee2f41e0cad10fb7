"""The weekly digest: who asked for it (opt-in), and which weeks' digests each learner has had.

A DigestSend row is the claim on one learner's digest for one week: inserted before the email
goes out (so two runs at once never both send it), marked sent after the mail server took it,
and deleted again when sending failed (so the next run retries)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DigestSubscription(models.Model):
    """A learner's choice about the weekly digest; no row means they never asked for it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    weekly = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user"]

    def __str__(self) -> str:
        # No email here: the admin and error pages may show it.
        return f"A learner's weekly digest ({'on' if self.weekly else 'off'})"


class DigestSend(models.Model):
    """One learner's digest for one week (`week`: the Monday of the week it covers, in the
    site's time zone). `sent_at` is empty while a run holds the claim and sends it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_sends"
    )
    week = models.DateField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Settled without an email: the learner had nothing planned and nothing finished.
    nothing_to_say = models.BooleanField(default=False)

    class Meta:
        ordering = ["-week", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digest_once_per_week"),
        ]

    def __str__(self) -> str:
        return f"A learner's digest for the week of {self.week:%Y-%m-%d}"
