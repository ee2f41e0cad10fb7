"""A plan while the learner edits it: answers, order, edits, the saved path it re-plans and the
token that makes saving it idempotent; and the edits themselves. Pure, like the planner."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from .planner import (
    Answers,
    Library,
    PlanError,
    add_paper,
    merge_order,
    move_step,
    remove_step,
)


@dataclass
class PlanDraft:
    """A plan being built or re-planned: the answers, the learner's order and edits, the saved
    path it re-plans (if any), and the token that makes saving it idempotent."""

    answers: Answers
    order: list[str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    path: str | None = None
    token: str = ""
    reordered: bool = False  # the learner moved steps: their order is the frame of a re-plan
    revision: int = 0  # of the saved path when this re-plan was drafted from it

    def to_json(self) -> dict:
        return {
            "answers": answers_to_json(self.answers),
            "order": list(self.order),
            "added": list(self.added),
            "removed": list(self.removed),
            "path": self.path,
            "token": self.token,
            "reordered": self.reordered,
            "revision": self.revision,
        }

    @classmethod
    def from_json(cls, data: dict) -> PlanDraft:
        return cls(
            answers=answers_from_json(data["answers"]),
            order=[str(k) for k in data.get("order") or []],
            added=[str(k) for k in data.get("added") or []],
            removed=[str(k) for k in data.get("removed") or []],
            path=data.get("path"),
            token=str(data.get("token") or ""),
            reordered=bool(data.get("reordered", False)),
            revision=int(data.get("revision") or 0),
        )

    def with_order(self, order: list[str], *, added=(), removed=()) -> PlanDraft:
        """This draft with a new order; `added` and `removed` are the keys the edit brought in
        or took out (an added key is no longer removed, and the other way round)."""
        added_now = [k for k in self.added if k not in removed] + [
            k for k in added if k not in self.added
        ]
        removed_now = [k for k in self.removed if k not in added] + [
            k for k in removed if k not in self.removed
        ]
        return dataclasses.replace(self, order=list(order), added=added_now, removed=removed_now)


def answers_to_json(answers: Answers) -> dict:
    data = dataclasses.asdict(answers)
    data["interests"] = list(answers.interests)
    data["known"] = sorted(answers.known)
    return data


def answers_from_json(data: dict) -> Answers:
    return Answers(
        background=str(data["background"]),
        interests=tuple(str(t) for t in data.get("interests", ())),
        depth=str(data.get("depth", "thorough")),
        hours_per_week=int(data.get("hours_per_week", 5)),
        known=frozenset(str(k) for k in data.get("known", ())),
        project=bool(data.get("project", False)),
    )


def draft_edit(library: Library, draft: PlanDraft, action: str, value: str) -> PlanDraft:
    """One edit of the plan: "remove", "up", "down" (a step key) or "add" (a paper slug)."""
    keys = draft.order
    if action == "remove":
        return draft.with_order(remove_step(library, keys, value), removed=[value])
    if action in ("up", "down"):
        moved = draft.with_order(move_step(library, keys, value, action))
        return dataclasses.replace(moved, reordered=True)
    if action == "add":
        order, incoming = add_paper(library, keys, value, draft.answers.known)
        return draft.with_order(order, added=incoming)
    raise PlanError("Unknown action.")


def draft_replan(
    library: Library, draft: PlanDraft, answers: Answers, *, kept: Iterable[str] = ()
) -> PlanDraft:
    """New answers merged into the draft, keeping the learner's edits and worked-on steps."""
    order = merge_order(
        library,
        answers,
        previous=draft.order,
        added=draft.added,
        removed=draft.removed,
        kept=kept,
        reordered=draft.reordered,
    )
    return dataclasses.replace(draft, answers=answers, order=order)
