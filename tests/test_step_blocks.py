"""A path's steps are rendered once per content version and each learner's own parts filled
in: two learners on the same cached steps each see only their statuses and notes."""

import re

from learning import services
from learning.models import Enrollment

from .factories import EnrollmentFactory, steps_of


def pressed(page: str, step) -> str:
    return re.search(rf'id="status-{step.pk}-(\w+)"\s+aria-pressed="true"', page).group(1)


def test_two_learners_on_the_same_cached_steps_see_only_their_own(path, make_user, client_for):
    first, second = make_user(), make_user()
    step = steps_of(path)[0]
    for learner, status, note in (
        (first, "done", "<script>alert(1)</script> mine"),
        (second, "skipped", ""),
    ):
        enrollment = EnrollmentFactory(user=learner, path=path)
        services.step_progress_set(enrollment=enrollment, step=step, status=status)
        if note:
            services.step_note_set(enrollment=enrollment, step=step, note=note)
    first_page = client_for(first).get(path.get_absolute_url()).content.decode()
    second_page = client_for(second).get(path.get_absolute_url()).content.decode()
    assert pressed(first_page, step) == "done"
    assert pressed(second_page, step) == "skipped"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; mine" in first_page
    assert "<script>alert(1)" not in first_page
    assert "mine" not in second_page
    assert "Your private note (saved)" in first_page
    assert "Your private note (saved)" not in second_page


def test_a_visitor_not_following_the_path_gets_no_forms(path, user, client_for):
    page = client_for(user).get(path.get_absolute_url()).content.decode()
    assert "status-form" not in page
    assert "\x00" not in page
    Enrollment.objects.create(user=user, path=path, depth="quick")
    page = client_for(user).get(path.get_absolute_url()).content.decode()
    assert page.count('class="status-form"') == len(steps_of(path))
    assert "\x00" not in page
