"""Session engines that note which account each session is logged in to (accounts.models.Session):
`accounts.sessions.db` (PostgreSQL) and `accounts.sessions.cached_db` (Redis in front of it),
Django's two database engines with that one column added."""

from django.contrib.auth import SESSION_KEY

from accounts.models import Session


def _account_id(data: dict) -> int | None:
    try:
        return int(data.get(SESSION_KEY))
    except (TypeError, ValueError):
        return None


class AccountColumn:
    """Mixed into a database session store: its rows are accounts.models.Session, whose user is
    the account the session's data says is logged in (none for a visitor)."""

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _account_id(data)
        return session

    async def acreate_model_instance(self, data):
        session = await super().acreate_model_instance(data)
        session.user_id = _account_id(data)
        return session
