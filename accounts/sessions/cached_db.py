"""SESSION_ENGINE with Redis: Django's cached database sessions, with each session's account."""

from django.contrib.sessions.backends import cached_db

from . import AccountColumn


class SessionStore(AccountColumn, cached_db.SessionStore):
    pass
