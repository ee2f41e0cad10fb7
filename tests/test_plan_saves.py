"""A plan is saved once, however often Save is pressed and from whichever page; an older page
never undoes a newer save; sign-up keeps the plan."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from learning import services
from learning.drafts import PlanDraft
from learning.models import Enrollment, Path, Step
from learning.planner import Answers

from .signup_support import sign_up_and_log_in
from .test_builder import BUILDER, plan, plan_keys, save, save_form, save_token
from .test_plan_durability import path_keys

pytestmark = pytest.mark.usefixtures("roadmap")


# --- Scenario 4: a plan is saved once ----------------------------------------------------------


def _parallel_posts(session_cookie: str, url: str, data: dict, count: int) -> list:
    """POST the same form from `count` threads at once, in one browser session."""
    barrier = threading.Barrier(count)
    results: list = []

    def press():
        client = Client()
        client.cookies["sessionid"] = session_cookie
        try:
            barrier.wait()
            results.append(client.post(url, data).status_code)
        except BaseException as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_of_one_plan_make_one_path(roadmap, make_user):
    for attempt, parallel in enumerate([2, 2, 2, 2, 2, 10]):
        learner = make_user(f"double{attempt}@example.com")
        client = Client()
        client.force_login(learner)
        plan(client)
        form = {"action": "save", "plan": save_token(client)}
        results = _parallel_posts(client.cookies["sessionid"].value, BUILDER, form, parallel)
        assert results == [302] * parallel
        assert Path.objects.filter(owner=learner).count() == 1
        assert Enrollment.objects.filter(user=learner).count() == 1


def test_saving_again_after_a_save_goes_to_the_saved_path(auth_client, user):
    plan(auth_client, interests=["efficiency"])
    token = save_token(auth_client)
    first = auth_client.post(BUILDER, {"action": "save", "plan": token})
    path = Path.objects.get(owner=user)
    again = auth_client.post(BUILDER, {"action": "save", "plan": token})  # back, then Save
    assert again["Location"] == first["Location"] == path.get_absolute_url()
    assert Path.objects.filter(owner=user).count() == 1
    assert not Path.objects.filter(owner=user, title__contains="Complete Beginner").exists()


def test_a_save_without_or_with_an_unknown_token_saves_nothing(auth_client, user):
    plan(auth_client)
    response = auth_client.post(BUILDER, {"action": "save"})
    assert response.status_code == 400
    assert "out of date" in response.content.decode()
    response = auth_client.post(BUILDER, {"action": "save", "plan": "f" * 32})
    assert response.status_code == 400
    assert not Path.objects.filter(owner=user).exists()


@pytest.mark.django_db(transaction=True)
def test_starting_a_path_from_two_tabs_at_once_makes_one_enrollment(roadmap, make_user):
    learner = make_user("twotabs@example.com")
    client = Client()
    client.force_login(learner)
    url = reverse("learning:path_start", args=["software-engineer"])
    results = _parallel_posts(client.cookies["sessionid"].value, url, {"depth": "quick"}, 4)
    assert results == [302] * 4
    assert Enrollment.objects.filter(user=learner).count() == 1


def test_turning_sharing_on_twice_keeps_the_first_link(auth_client, user):
    auth_client.post(reverse("learning:path_start", args=["software-engineer"]), {"depth": "quick"})
    enrollment = Enrollment.objects.get(user=user)
    url = reverse("learning:enrollment_share", args=[enrollment.pk])
    auth_client.post(url, {"shared": "on"})
    first = Enrollment.objects.get(pk=enrollment.pk).share_token
    auth_client.post(url, {"shared": "on"})
    assert Enrollment.objects.get(pk=enrollment.pk).share_token == first


# --- Pages left open: an older page never undoes a newer save ----------------------------------


def test_an_old_new_plan_page_saved_after_a_replan_goes_to_the_path(auth_client, user):
    plan(auth_client)
    first_page = save_form(auth_client)
    auth_client.post(BUILDER, {"action": "save", **first_page})
    path = Path.objects.get(owner=user)
    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, interests=["language"])
    save(auth_client)
    keys = path_keys(path)

    again = auth_client.post(BUILDER, {"action": "save", **first_page})  # Back, then Save
    assert again["Location"] == path.get_absolute_url()
    assert Path.objects.filter(owner=user).count() == 1
    assert path_keys(path) == keys


def test_an_old_replan_page_never_undoes_a_newer_save(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, interests=["language"])  # adds BERT
    with_bert = save_form(auth_client)
    auth_client.post(BUILDER, {"action": "save", **with_bert})
    assert "bert" in path_keys(path)
    auth_client.get(BUILDER + f"?path={path.slug}")
    auth_client.post(BUILDER, {"action": "remove", "key": "bert"})
    save(auth_client)
    assert "bert" not in path_keys(path)
    keys = path_keys(path)

    stale = auth_client.post(BUILDER, {"action": "save", **with_bert})  # saved once already
    assert stale["Location"] == path.get_absolute_url()
    assert path_keys(path) == keys


def test_a_replan_drafted_before_another_save_is_refused_not_saved_over_it(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, interests=["vision"])
    tab_one = save_form(auth_client)  # a tab left open with a different re-plan
    other = Client()
    other.force_login(user)
    other.get(BUILDER + f"?path={path.slug}")
    plan(other, interests=["language"])
    save(other)
    keys = path_keys(path)

    response = auth_client.post(BUILDER, {"action": "save", **tab_one}, follow=True)
    assert "Your path changed after this plan was drafted" in response.content.decode()
    assert path_keys(path) == keys
    assert "bert" in plan_keys(auth_client)  # the builder now shows the path as it is


def test_a_plan_signed_for_another_account_is_refused(auth_client, user, other_user):
    plan(auth_client)
    page = save_form(auth_client)
    auth_client.post(BUILDER, {"action": "save", **page})
    intruder = Client()
    intruder.force_login(other_user)
    response = intruder.post(BUILDER, {"action": "save", **page})
    assert response.status_code == 400
    assert not Path.objects.filter(owner=other_user).exists()


def test_confirming_removals_covers_only_the_steps_the_page_listed(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    rag, lora = (Step.objects.get(path=path, slug=s) for s in ("rag", "lora"))
    services.step_progress_set(enrollment=enrollment, step=rag, status="done")
    auth_client.get(BUILDER + f"?path={path.slug}")
    auth_client.post(BUILDER, {"action": "remove", "key": "rag"})
    auth_client.post(BUILDER, {"action": "remove", "key": "lora"})
    page = save_form(auth_client)
    assert page["confirm_key"] == ["rag"]
    services.step_note_set(enrollment=enrollment, step=lora, note="written in another tab")
    refused = auth_client.post(BUILDER, {"action": "save", "confirm": "yes", **page})
    assert refused.status_code == 400
    assert "LoRA" in refused.content.decode()
    assert {"rag", "lora"} <= set(path_keys(path))


# --- Scenario 5: sign-up keeps the plan --------------------------------------------------------


def test_a_plan_built_before_sign_up_is_saved_and_started_right_after(client, password):
    plan(client, interests=["language"])
    client.post(BUILDER, {"action": "remove", "key": "rag"})
    keys = plan_keys(client)
    token = save_token(client)
    response = client.post(BUILDER, {"action": "save", "plan": token})
    assert response["Location"].startswith(reverse("account_signup"))
    logged_in = sign_up_and_log_in(client, "newcomer@example.com", password, response["Location"])
    signed_up = client.get(logged_in["Location"], follow=True)
    path = Path.objects.get(owner__email="newcomer@example.com")
    assert signed_up.redirect_chain[-1][0] == path.get_absolute_url()
    assert path_keys(path) == keys
    assert Enrollment.objects.filter(user=path.owner, path=path).exists()
    assert "Your personal path is saved and started." in signed_up.content.decode()
    # The old Save (back button, resubmit) finds the saved path.
    again = client.post(BUILDER, {"action": "save", "plan": token})
    assert again["Location"] == path.get_absolute_url()
    assert Path.objects.filter(owner=path.owner).count() == 1


def test_a_plan_built_before_log_in_is_saved_for_an_existing_account(client, user, password):
    plan(client)
    response = save(client)
    login = response["Location"].replace(reverse("account_signup"), reverse("account_login"))
    done = client.post(login, {"login": user.email, "password": password}, follow=True)
    path = Path.objects.get(owner=user)
    assert done.redirect_chain[-1][0] == path.get_absolute_url()


def test_the_draft_round_trips_through_json():
    draft = PlanDraft(
        answers=Answers(background="engineer", interests=("vision",), known=frozenset({"clip"})),
        order=["a", "b"],
        added=["b"],
        removed=["c"],
        path="my-123",
        token="t",
        reordered=True,
    )
    assert PlanDraft.from_json(draft.to_json()) == draft


def test_the_builder_says_which_steps_the_learner_has_worked_on(auth_client, user):
    plan(auth_client)
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    services.step_progress_set(
        enrollment=enrollment, step=Step.objects.get(path=path, slug="lora"), status="done"
    )
    auth_client.get(BUILDER + f"?path={path.slug}")
    html = auth_client.get(BUILDER).content.decode()
    item = re.search(r'<li class="plan-step" id="plan-lora">(.*?)</li>', html, re.S).group(1)
    assert '<span class="badge">Done</span>' in item


def test_a_draft_kept_by_the_earlier_builder_still_shows_and_saves(auth_client, user):
    session = auth_client.session
    session["builder_draft"] = {
        "answers": {"background": "engineer", "interests": ["vision"], "hours_per_week": 5},
        "order": None,
        "path": None,
    }
    session.save()
    assert "clip" in plan_keys(auth_client)
    assert save(auth_client).status_code == 302
    assert Path.objects.get(owner=user).steps.filter(slug="clip").exists()
