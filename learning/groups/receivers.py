"""Study groups' side of an account being deleted by any road (the learner's own account page
goes through learning.services.account_delete; a superuser's delete in /admin/ does not): no
group is left with members but no organiser."""

from django.db.models import QuerySet

from .services import memberships_end_for_accounts


def user_pre_delete(sender, instance, origin=None, **kwargs) -> None:
    """Before a user row goes: their groups pass on (or close). A bulk delete (the admin's
    "delete selected") hands each group to someone who stays, not to another account going in
    the same delete. After account_delete has done it already, this changes nothing."""
    user_ids = {instance.pk}
    if isinstance(origin, QuerySet) and origin.model is sender:
        user_ids.update(origin.values_list("pk", flat=True))
    memberships_end_for_accounts(user_ids=user_ids)
