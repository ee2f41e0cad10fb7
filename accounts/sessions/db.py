"""SESSION_ENGINE without Redis: Django's database sessions, with each session's account."""

from django.contrib.sessions.backends import db

from . import AccountColumn


class SessionStore(AccountColumn, db.SessionStore):
    pass
