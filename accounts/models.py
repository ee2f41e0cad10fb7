"""The site's user (identified by email address, no username) and its sessions."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    # Changes (in PostgreSQL, accounts.learner_version) with every committed write to this
    # account or to any of its learning data, so a page made of them can be kept under it.
    data_version = models.BigIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]


class Session(AbstractBaseSession):
    """A visitor's session, Django's own row plus the account it is logged in to (written with
    every save of the session, by accounts.sessions), so that all the sessions of one account
    can be found and ended: when it is deleted, its password changes, or its learner logs out
    everywhere (accounts.services.sessions_end).

    Why a session model with a user column rather than the alternatives: scanning and decoding
    every session for `_auth_user_id` (as Zulip's `delete_user_sessions` does) reads all
    sessions of all visitors to end one learner's; a separate (user, session key) table
    written on login goes stale whenever Django changes a session's key (a password change
    cycles it) and needs its own clean-up. Here the key and the user are in one row that
    Django's own save keeps true, `clearsessions` clears, and one indexed query finds.

    `user` is not a foreign key in the database: Django's session store takes any integrity
    error while creating a session for "that key is taken, try another", so a session saved
    in the instant its account is deleted would retry forever. Deleting an account through
    Django deletes its sessions (CASCADE, and accounts.services.user_delete ends them first
    so that cached sessions go too)."""

    user = models.ForeignKey(
        User, null=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"
        ordering = ["expire_date"]

    @classmethod
    def get_session_store_class(cls):
        from .sessions.db import SessionStore

        return SessionStore
