"""Content history (who changed what, and reverting it), written only when something changed
and never for what a model says is private."""

from simple_history.models import HistoricalRecords


class ContentHistory(HistoricalRecords):
    """django-simple-history's records, with two rules:

    - an object whose `keeps_no_history()` is true (a learner's personal path, say) gets no
      history rows at all: not on save, not on delete, not when its relations change;
    - a save that changes no tracked field writes no row (the admin saves an unchanged form,
      an import saves what it already has).
    """

    @staticmethod
    def _private(instance) -> bool:
        check = getattr(instance, "keeps_no_history", None)
        return bool(check and check())

    def post_save(self, instance, created, using=None, **kwargs):
        if self._private(instance):
            return
        if not created and not kwargs.get("raw", False) and self._unchanged(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        if self._private(instance):
            return
        super().post_delete(instance, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if self._private(instance):
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)

    def _unchanged(self, instance) -> bool:
        latest = getattr(instance, self.manager_name).order_by("-history_date", "-pk").first()
        if latest is None:
            return False
        fields = self.fields_included(instance)
        return all(getattr(latest, f.attname) == getattr(instance, f.attname) for f in fields)
