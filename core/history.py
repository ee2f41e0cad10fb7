"""Content history (who changed what, and reverting it), written only when something changed
and never for what a model says is private; shown as a real diff of the changed text."""

from __future__ import annotations

import difflib
import re

from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.models import HistoricalRecords
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay
from simple_history.utils import get_m2m_reverse_field_name

# The row a save (or the first change of a relation after it) wrote, on the instance: further
# changes of its many-to-many relations in the same edit refresh that row instead of adding one.
WRITTEN_ROW = "_content_history_row"


class ContentHistory(HistoricalRecords):
    """django-simple-history's records, with three rules:

    - an object whose `keeps_no_history()` is true (a learner's personal path, say) gets no
      history rows at all: not on save, not on delete, not when its relations change;
    - a save that changes no tracked field writes no row (the admin saves an unchanged form,
      an import saves what it already has);
    - one edit is one row: a form that changes fields and many-to-many relations (which Django
      saves after the object, one signal per added or removed set) writes a single row holding
      the final state, and none at all if the relations end as they were.
    """

    @staticmethod
    def _private(instance) -> bool:
        check = getattr(instance, "keeps_no_history", None)
        return bool(check and check())

    def post_save(self, instance, created, using=None, **kwargs):
        setattr(instance, WRITTEN_ROW, None)
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
        if self._private(instance) or action not in ("post_add", "post_remove", "post_clear"):
            return
        row = getattr(instance, WRITTEN_ROW, None)
        if reverse or row is None:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            row = None if reverse else getattr(instance, WRITTEN_ROW, None)
            if row is None:
                return
        else:
            self._refresh_relations(row, instance)
        if self._same_as_before(row):
            row.delete()
            setattr(instance, WRITTEN_ROW, None)

    def create_historical_record_m2ms(self, history_instance, instance):
        # Every new row passes here: remember it for the relation changes that may follow.
        setattr(instance, WRITTEN_ROW, history_instance)
        super().create_historical_record_m2ms(history_instance, instance)

    def _refresh_relations(self, row, instance) -> None:
        for field in row._history_m2m_fields:
            self.m2m_models[field].objects.filter(history=row).delete()
        super().create_historical_record_m2ms(row, instance)

    @staticmethod
    def _same_as_before(row) -> bool:
        """A changed-type row that records nothing new (relations taken away and put back)."""
        if row.history_type != "~":
            return False
        previous = row.prev_record
        return previous is not None and not row.diff_against(previous).changes

    def _unchanged(self, instance) -> bool:
        latest = getattr(instance, self.manager_name).order_by("-history_date", "-pk").first()
        if latest is None:
            return False
        fields = self.fields_included(instance)
        return all(getattr(latest, f.attname) == getattr(instance, f.attname) for f in fields)


def relations_as_recorded(instance) -> dict[str, list]:
    """For an object rebuilt from a history row (to revert to it), the primary keys its
    many-to-many relations had then; simple-history would offer today's instead."""
    record = getattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
    if record is None:
        return {}
    return {
        field.name: list(
            getattr(record, field.name).values_list(get_m2m_reverse_field_name(field), flat=True)
        )
        for field in record._history_m2m_fields
    }


# --- Order: a revert restores content, never a place in an order --------------------------------


def ordering_group(model) -> list[str] | None:
    """The fields naming the parent within which `model`'s `position` orders its rows (from
    Meta.ordering: `["path", "phase__position", "position"]` orders steps within a path and a
    phase); None when the model has no position."""
    names = [f.name for f in model._meta.concrete_fields]
    if "position" not in names:
        return None
    ordering = [str(o).lstrip("-") for o in model._meta.ordering if isinstance(o, str)]
    before = ordering[: ordering.index("position")] if "position" in ordering else []
    group = []
    for name in before:
        field = name.split("__")[0]
        if field in names and field not in group:
            group.append(field)
    return group


def renumber_siblings(obj, *, user=None) -> int:
    """When `obj` shares a position with a sibling (a revert put it back in an older parent,
    say), number the siblings 0, 1, 2… in their present order, `obj` after the row it met.
    Each position that changes is saved, so the history says so. Returns how many changed."""
    group = ordering_group(type(obj))
    if group is None:
        return 0
    same_parent = {
        obj._meta.get_field(name).attname: getattr(obj, obj._meta.get_field(name).attname)
        for name in group
    }
    siblings = list(type(obj)._default_manager.filter(**same_parent))
    positions = [s.position for s in siblings]
    if len(positions) == len(set(positions)):
        return 0
    siblings.sort(key=lambda s: (s.position, s.pk == obj.pk, s.pk))
    changed = 0
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            if user is not None:
                sibling._history_user = user
            sibling.save(update_fields=["position"])
            changed += 1
    return changed


# --- Showing changes: the whole text, as a diff -------------------------------------------------

WORD = re.compile(r"\S+\s*|\s+")  # a word with the space after it
MOSTLY_REWRITTEN = 1 / 3  # lines sharing less than a third of their words: replaced whole


def _marked(parts: list[str], tag: str) -> str:
    text = "".join(parts)
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def _word_diff(old: str, new: str) -> tuple[str, str]:
    old_words, new_words = WORD.findall(old), WORD.findall(new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.ratio() < MOSTLY_REWRITTEN:  # a few shared words would only scatter the marks
        return _marked(old_words, "del"), _marked(new_words, "ins")
    before, after = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            before.append(escape("".join(old_words[i1:i2])))
            after.append(escape("".join(new_words[j1:j2])))
        else:
            before.append(_marked(old_words[i1:i2], "del"))
            after.append(_marked(new_words[j1:j2], "ins"))
    return "".join(before), "".join(after)


def text_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts in full and escaped: what was taken out marked <del> in the old one, what was
    put in marked <ins> in the new one. Lines are matched first, then words within the lines
    that changed, so a long Markdown text costs little."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    before, after = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            before.append(escape(old_part))
            after.append(escape(new_part))
        elif tag == "replace":
            marked_old, marked_new = _word_diff(old_part, new_part)
            before.append(marked_old)
            after.append(marked_new)
        else:
            before.append(_marked([old_part], "del"))
            after.append(_marked([new_part], "ins"))
    return mark_safe("".join(before)), mark_safe("".join(after))  # each part escaped above


class _Untruncated(ObjDiffDisplay):
    def common_shorten_repr(self, *args):
        return tuple(str(arg) for arg in args)


class FullDiffContextHelper(HistoricalRecordContextHelper):
    """The history page's "Changes": text fields as a whole-text diff (`text` is true), other
    values (numbers, links to other objects, lists of them) in full, never shortened."""

    def context_for_delta_changes(self, delta):
        return [self.context_for_change(change) for change in delta.changes]

    def context_for_change(self, change) -> dict:
        field = self.model._meta.get_field(change.field)
        label = capfirst(field.verbose_name)
        is_text = isinstance(field, models.CharField | models.TextField) and not field.choices
        if is_text:
            old, new = text_diff(change.old or "", change.new or "")
            return {"field": label, "old": old, "new": new, "text": True}
        formatted = self.format_delta_change(change)
        return {"field": label, "old": formatted.old, "new": formatted.new, "text": False}

    def get_obj_diff_display(self) -> ObjDiffDisplay:
        return _Untruncated()
