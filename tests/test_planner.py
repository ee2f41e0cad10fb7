"""The planning rules, on random data (properties) and on the seed (worked examples)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning.library import load_library
from learning.planner import (
    PROJECT_KEY,
    Answers,
    Library,
    PlanError,
    add_paper,
    check_order,
    make_plan,
    move_step,
    remove_step,
)

DEPTHS = ("quick", "thorough", "deep")


@st.composite
def libraries(draw):
    """A random library: papers, a random acyclic prerequisite graph (edges only go from a
    later paper to an earlier one), random background paths and topics."""
    count = draw(st.integers(min_value=1, max_value=14))
    slugs = [f"p{i}" for i in range(count)]
    prerequisites = {}
    for i, slug in enumerate(slugs):
        earlier = slugs[:i]
        chosen = (
            draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if earlier else []
        )
        if chosen:
            prerequisites[slug] = tuple(chosen)
    # Shuffle the names so that "earlier" is not also alphabetical.
    permutation = draw(st.permutations(slugs))
    rename = dict(zip(slugs, permutation, strict=True))
    prerequisites = {rename[k]: tuple(rename[v] for v in vs) for k, vs in prerequisites.items()}
    hours = {
        slug: {depth: Decimal(draw(st.integers(min_value=0, max_value=40))) / 4 for depth in DEPTHS}
        for slug in slugs
    }
    paper_lists = st.lists(st.sampled_from(slugs), unique=True, max_size=count)
    backgrounds = {f"b{i}": tuple(draw(paper_lists)) for i in range(draw(st.integers(1, 3)))}
    topics = {f"t{i}": tuple(draw(paper_lists)) for i in range(draw(st.integers(0, 4)))}
    return Library(
        papers={slug: slug.upper() for slug in slugs},
        hours=hours,
        prerequisites=prerequisites,
        background_papers=backgrounds,
        background_titles={b: f"Path {b}" for b in backgrounds},
        topics=topics,
        topic_titles={t: f"Topic {t}" for t in topics},
    )


@st.composite
def library_and_answers(draw):
    library = draw(libraries())
    answers = Answers(
        background=draw(st.sampled_from(sorted(library.background_papers))),
        interests=tuple(draw(st.lists(st.sampled_from(sorted(library.topics)), unique=True)))
        if library.topics
        else (),
        depth=draw(st.sampled_from(DEPTHS)),
        hours_per_week=draw(st.integers(min_value=1, max_value=100)),
        known=frozenset(draw(st.lists(st.sampled_from(sorted(library.papers)), unique=True))),
        project=draw(st.booleans()),
    )
    return library, answers


def transitive_prerequisites(library, slug, seen=None):
    seen = set() if seen is None else seen
    for required in library.prerequisites.get(slug, ()):
        if required not in seen:
            seen.add(required)
            transitive_prerequisites(library, required, seen)
    return seen


@settings(max_examples=300, deadline=None)
@given(library_and_answers())
def test_plan_properties_hold_for_any_answers_and_graph(case):
    library, answers = case
    plan = make_plan(library, answers)
    keys = plan.keys
    papers = [k for k in keys if k != PROJECT_KEY]

    assert len(keys) == len(set(keys)), "no paper twice"
    assert not (set(papers) & answers.known), "known papers are left out"
    position = {key: i for i, key in enumerate(keys)}
    for slug in papers:
        for required in library.prerequisites.get(slug, ()):
            if required not in answers.known:
                assert required in position, "every prerequisite is included"
                assert position[required] < position[slug], "and comes first"
    for topic in answers.interests:
        for slug in library.topics[topic]:
            if slug not in answers.known:
                assert slug in position, "every chosen interest is represented"
    for slug in library.background_papers[answers.background]:
        assert slug in answers.known or slug in position
    wanted = set(library.background_papers[answers.background]).union(
        *(library.topics[t] for t in answers.interests)
    )
    needed = wanted.union(*(transitive_prerequisites(library, s) for s in wanted))
    assert set(papers) <= needed, "nothing is there without a reason"
    assert (PROJECT_KEY in keys) == answers.project
    assert plan.total_hours == sum((s.hours for s in plan.steps), Decimal(0))
    assert plan.total_hours == sum((w.hours for w in plan.weeks), Decimal(0))
    assert [s.key for w in plan.weeks for s in w.steps] == keys
    assert all(step.reasons for step in plan.steps)
    assert make_plan(library, answers) == plan, "the same answers give the same plan"


@settings(max_examples=200, deadline=None)
@given(library_and_answers(), st.data())
def test_edits_never_break_the_order(case, data):
    library, answers = case
    keys = make_plan(library, answers).keys
    for _ in range(6):
        action = data.draw(st.sampled_from(["up", "down", "remove", "add"]))
        try:
            if action == "add":
                slug = data.draw(st.sampled_from(sorted(library.papers)))
                keys, _ = add_paper(library, keys, slug, answers.known)
            elif keys:
                key = data.draw(st.sampled_from(keys))
                keys = (
                    remove_step(library, keys, key)
                    if action == "remove"
                    else move_step(library, keys, key, action)
                )
        except PlanError:
            pass
        check_order(library, keys)
        assert len(keys) == len(set(keys))


# --- Worked examples from the seed -------------------------------------------------------------


@pytest.fixture
def library(roadmap):
    return load_library()


def test_software_engineer_interested_in_vision_gets_transformers_first_and_vit_before_clip(
    library,
):
    plan = make_plan(library, Answers(background="engineer", interests=("vision",)))
    keys = plan.keys
    assert keys[0] == "attention-is-all-you-need"
    assert keys.index("vision-transformer") < keys.index("clip")
    assert {
        "clip",
        "generative-adversarial-networks",
        "diffusion-models",
        "stable-diffusion",
    } <= set(keys)
    clip = next(s for s in plan.steps if s.key == "clip")
    assert "you chose Vision" in clip.reasons
    vit = next(s for s in plan.steps if s.key == "vision-transformer")
    assert "needed before CLIP" in vit.reasons
    assert "in the Software Engineer path" in vit.reasons


def test_a_beginner_who_knows_transformers_does_not_get_it(library):
    plan = make_plan(
        library,
        Answers(background="beginner", known=frozenset({"attention-is-all-you-need"})),
    )
    assert "attention-is-all-you-need" not in plan.keys
    assert plan.keys[0] == "gpt3-few-shot-learners"


def test_hours_follow_the_depth_and_weeks_the_pace(library):
    quick = make_plan(library, Answers(background="product-manager", depth="quick"))
    deep = make_plan(library, Answers(background="product-manager", depth="deep"))
    assert quick.keys == deep.keys
    assert quick.total_hours < deep.total_hours
    slow = make_plan(library, Answers(background="product-manager", hours_per_week=2))
    fast = make_plan(library, Answers(background="product-manager", hours_per_week=20))
    assert slow.week_count > fast.week_count


def test_moving_a_paper_before_its_prerequisite_is_refused_with_the_reason(library):
    keys = make_plan(library, Answers(background="engineer", interests=("vision",))).keys
    # Bring CLIP up to just after ViT, with its other neighbours moved out of the way.
    keys.remove("clip")
    keys.insert(keys.index("vision-transformer") + 1, "clip")
    with pytest.raises(PlanError, match="CLIP needs Vision Transformer first"):
        move_step(library, keys, "clip", "up")


def test_removing_a_prerequisite_that_is_still_needed_is_refused(library):
    keys = make_plan(library, Answers(background="engineer", interests=("vision",))).keys
    with pytest.raises(PlanError, match="Vision Transformer is needed before CLIP"):
        remove_step(library, keys, "vision-transformer")


def test_adding_a_paper_brings_its_missing_prerequisites(library):
    keys = make_plan(library, Answers(background="product-manager", known=frozenset({"clip"}))).keys
    keys = [k for k in keys if k not in ("stable-diffusion",)]
    keys, _ = add_paper(library, keys, "stable-diffusion", frozenset())
    assert keys.index("diffusion-models") < keys.index("stable-diffusion")
    assert keys.index("clip") < keys.index("stable-diffusion")
