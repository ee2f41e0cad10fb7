"""The builder's draft in the visitor's session, the actions the builder page takes on it, and
the plan its Save form carries (signed for the account, or the visitor, that was shown it)."""

from __future__ import annotations

import dataclasses

from django.core import signing
from django.shortcuts import get_object_or_404

from .drafts import PlanDraft, draft_edit, draft_replan
from .models import Audience, Path
from .planner import Answers, Library
from .saved_plans import SavedPlan, draft_for_path, draft_new

DRAFT_SALT = "learning.builder.draft"


class BuilderSession:
    """One visitor's plan while they build it. Every action returns nothing or raises PlanError
    (refused, with the reason in words); the draft is stored in the session after each."""

    DRAFT = "builder_draft"
    PENDING_SAVE = "builder_pending_save"

    def __init__(self, request, library: Library):
        self.request = request
        self.session = request.session
        self.user = request.user
        self.library = library

    # --- The draft ----------------------------------------------------------------------------

    def stored(self) -> PlanDraft | None:
        data = self.session.get(self.DRAFT)
        if not data:
            return None
        try:
            draft = PlanDraft.from_json(data)
        except (KeyError, TypeError, ValueError):
            self.session.pop(self.DRAFT, None)  # unreadable: start afresh
            return None
        if not draft.token:  # kept by an earlier version of the builder: same answers and order
            fresh = draft_new(self.library, draft.answers)
            draft = dataclasses.replace(draft, order=draft.order or fresh.order, token=fresh.token)
            self.store(draft)
        return draft

    @property
    def draft(self) -> PlanDraft:
        """The stored draft, or the plan for default answers (not stored until changed)."""
        return self.stored() or draft_new(self.library, self.default_answers())

    def default_answers(self) -> Answers:
        backgrounds = list(self.library.background_titles)
        return Answers(background=backgrounds[0] if backgrounds else Audience.BEGINNER)

    def store(self, draft: PlanDraft) -> None:
        self.session[self.DRAFT] = draft.to_json()

    def reset(self) -> None:
        self.session.pop(self.DRAFT, None)

    def saved_plan(self, draft: PlanDraft | None = None) -> SavedPlan:
        """The saved path the draft re-plans (404 unless it is the visitor's own), or none."""
        draft = draft or self.draft
        path = None
        if draft.path and self.user.is_authenticated:
            path = get_object_or_404(Path, slug=draft.path, owner=self.user)
        return SavedPlan.load(user=self.user, path=path)

    # --- Actions ------------------------------------------------------------------------------

    def replan(self, path: Path) -> None:
        """Start re-planning a saved personal path from how it is now."""
        self.store(draft_for_path(user=self.user, path=path))

    def answer(self, answers: Answers) -> None:
        """New answers, merged into the learner's edits and the steps they worked on."""
        draft = self.draft
        saved = self.saved_plan(draft)
        library = saved.library(self.library)
        self.store(draft_replan(library, draft, answers, kept=saved.kept))

    def edit(self, action: str, value: str) -> None:
        """Remove, move up or down (a step), or add (a paper)."""
        draft = self.draft
        library = self.saved_plan(draft).library(self.library)
        self.store(draft_edit(library, draft, action, value))

    # --- Saving -------------------------------------------------------------------------------

    def _salt(self, user_pk=None) -> str:
        return f"{DRAFT_SALT}:{user_pk or 'visitor'}"

    def sign(self, draft: PlanDraft) -> str:
        """The plan a Save form carries, signed for whoever is shown it."""
        return signing.dumps(draft.to_json(), salt=self._salt(self.user.pk), compress=True)

    def shown(self, signed: str) -> PlanDraft:
        """The plan a Save form carried: signed for this account, or shown before logging in
        (never one signed for another account). Raises signing.BadSignature."""
        salts = [self._salt(self.user.pk)]
        if self.user.is_authenticated:
            salts.append(self._salt())
        for salt in salts:
            try:
                return PlanDraft.from_json(signing.loads(signed, salt=salt))
            except (signing.BadSignature, KeyError, TypeError, ValueError):
                continue
        raise signing.BadSignature("No valid plan.")

    def wait_for_account(self, draft: PlanDraft) -> None:
        """A visitor pressed Save: keep the plan until they have signed up or logged in."""
        self.store(draft)
        self.session[self.PENDING_SAVE] = draft.token

    def pending(self) -> tuple[PlanDraft | None, str]:
        """The plan waiting for an account, and its token (the plan may be gone, saved)."""
        token = self.session.get(self.PENDING_SAVE) or ""
        draft = self.stored()
        if draft is None or draft.token != token or draft.path:
            return None, token
        return draft, token

    def saved(self, draft: PlanDraft) -> None:
        """The draft is saved: the builder starts afresh (unless another draft is open)."""
        stored = self.stored()
        if stored is not None and stored.token == draft.token:
            self.reset()
        self.session.pop(self.PENDING_SAVE, None)
