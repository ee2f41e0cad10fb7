"""What the durability model draws from and compares with: the strategies of learners' and
curators' actions, and a learner record without what an import cannot keep."""

from hypothesis import strategies as st

from learning.library import load_library
from learning.models import StepStatus
from learning.planner import Answers

CURATED = ("ai-product-manager", "software-engineer")
PAPERS = ("clip", "rag", "lora", "bert", "chain-of-thought")

statuses = st.sampled_from(StepStatus.values)
notes = st.sampled_from(["", "why?", "**key** idea", "re-read §3", "x" * 40])
indexes = st.integers(min_value=0, max_value=50)
depths = st.sampled_from(["quick", "thorough", "deep"])
paces = st.integers(min_value=1, max_value=12)

edits = st.lists(
    st.tuples(st.sampled_from(["up", "down", "remove", "add"]), indexes, st.sampled_from(PAPERS)),
    max_size=4,
)
answers = st.builds(
    Answers,
    background=st.sampled_from(["beginner", "engineer", "researcher"]),
    interests=st.lists(st.sampled_from(["vision", "language", "efficiency"]), unique=True).map(
        tuple
    ),
    depth=depths,
    hours_per_week=paces,
    known=st.lists(st.sampled_from(PAPERS), unique=True, max_size=2).map(frozenset),
    project=st.booleans(),
)

_library_cache = []


def pristine_library():
    """The library as the seed has it: every example starts from the same rolled-back data."""
    if not _library_cache:
        _library_cache.append(load_library())
    return _library_cache[0]


def normalise(document: dict) -> dict:
    """A learner record without what an import cannot keep: when it was exported, the account
    itself, the personal paths' slugs (a new account's paths get new ones), and the names of
    the weeks their steps sit in: an import lays a personal path's weeks out afresh at today's
    hours (learning/record/personal.py), so after a curator changed a paper's hours the weeks
    may be named differently. Which steps, and their statuses, notes and times, may not."""
    document = {k: v for k, v in document.items() if k not in ("exported_at", "account")}
    slugs = {p["slug"]: f"personal-{i}" for i, p in enumerate(document.get("personal_paths", []))}
    document["progress"] = [
        {k: v for k, v in entry.items() if not (k == "phase" and entry.get("path") in slugs)}
        for entry in document.get("progress", [])
    ]

    def rename(value):
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return slugs.get(value, value) if isinstance(value, str) else value

    return rename(document)
