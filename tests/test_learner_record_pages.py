"""The pages of the learner record: Your data, the format reference, and an import checked
first, then confirmed in the same session."""

import json

from django.urls import reverse
from pytest_django.asserts import assertContains

from learning.models import Enrollment, StepProgress

from .learner_record_support import exported, normalised, some_progress, state, upload


def test_the_data_page_offers_export_and_import_with_labels(auth_client):
    response = auth_client.get(reverse("account_data"))
    html = response.content.decode()
    assert "history of your status changes" in html
    assertContains(response, '<label for="id_record">Learner record (.json)</label>', html=True)
    assert 'enctype="multipart/form-data"' in html
    assert "Check this file" in html
    assert reverse("account_record_format") in html
    format_page = auth_client.get(reverse("account_record_format"))
    assert "format_version" in format_page.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    for name in ("account_data", "account_export_json", "account_record_format"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    for name in ("account_import", "account_import_confirm"):
        response = client.post(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_posts_need_the_csrf_token(user, client_for):
    client = client_for(user, enforce_csrf_checks=True)
    assert upload(client, json.dumps(exported(user))).status_code == 403
    assert client.post(reverse("account_import_confirm"), {"token": "x"}).status_code == 403


def test_check_then_confirm_imports_and_goes_to_the_dashboard(make_user, user, client_for):
    learner = make_user()
    some_progress(learner)
    client = client_for(user)
    response = upload(client, json.dumps(exported(learner)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the import" in html
    assert "Step statuses and notes" in html
    assert "Import now" in html
    assert reverse("account_data") in html  # Cancel
    token = response.context["token"]
    rows = {row.label: row for row in response.context["report"].rows}
    assert (
        rows["Step statuses and notes"].created == StepProgress.objects.filter(user=learner).count()
    )
    assert not StepProgress.objects.filter(user=user).exists()  # a dry run

    confirmed = client.post(reverse("account_import_confirm"), {"token": token}, follow=True)
    assert confirmed.redirect_chain[-1][0] == reverse("learning:dashboard")
    assert "Imported your learner record" in confirmed.content.decode()
    assert normalised(exported(user)) == normalised(exported(learner))

    before = state(user)
    again = client.post(reverse("account_import_confirm"), {"token": token}, follow=True)
    assert again.redirect_chain[-1][0] == reverse("account_data")
    assert "expired or was already done" in again.content.decode()
    assert state(user) == before


def test_a_refused_file_is_a_400_with_the_reason(auth_client, user):
    document = exported(user)
    document["progress"] = [{"path": "some-path", "step": "some-step"}]
    response = upload(auth_client, json.dumps(document))
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file cannot be imported" in html
    assert "“status” must be one of" in html
    assert 'aria-invalid="true"' in html
    assert upload(auth_client, "not json").status_code == 400
    too_big = upload(auth_client, "x" * (2 * 1024 * 1024 + 1))
    assert too_big.status_code == 400
    assert "at most 2 MB" in too_big.content.decode()
    not_text = upload(auth_client, b"\xff\xfe\x00")
    assert not_text.status_code == 400
    assert not Enrollment.objects.filter(user=user).exists()


def test_a_token_is_only_good_in_the_session_that_checked_the_file(
    make_user, user, other_user, client_for
):
    learner = make_user()
    some_progress(learner)
    owner = client_for(user)
    token = upload(owner, json.dumps(exported(learner))).context["token"]
    intruder = client_for(other_user)
    response = intruder.post(reverse("account_import_confirm"), {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_data")
    assert not StepProgress.objects.filter(user__in=[user, other_user]).exists()
    assert owner.post(reverse("account_import_confirm"), {"token": "guess"}).status_code == 302
    assert not StepProgress.objects.filter(user=user).exists()
