"""Password guessing is cut short: after AXES_FAILURE_LIMIT (5) wrong passwords for one username from one
address, the admin login and the token endpoint refuse that pair, even with the right password, with a clear
answer (a page, or JSON under /api/), never a 500; a successful login resets the count."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from orgs.api.throttling import AnonRateThrottle
from tests.api.conftest import user_with

PASSWORD = "correct-horse-battery"


@pytest.fixture
def editor_account(db):
    return user_with("editor", password=PASSWORD)


def token_login(client: APIClient, password: str):
    return client.post("/api/auth/token/", {"username": "editor", "password": password}, format="json")


def admin_login(client: Client, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": "editor", "password": password})


def test_five_wrong_passwords_lock_the_token_endpoint_with_a_clear_json_answer(editor_account):
    client = APIClient()

    guesses = [token_login(client, f"guess-{n}") for n in range(5)]
    right = token_login(client, PASSWORD)

    assert [response.status_code for response in guesses] == [400, 400, 400, 400, 429]
    assert right.status_code == 429, "a locked-out pair is refused even with the right password"
    assert right.json() == {
        "detail": "Too many failed logins for this username from your address: logins are refused for 15 minutes "
        "after the last failure.",
        "code": "locked_out",
    }
    assert right["Retry-After"] == "900"


def test_five_wrong_passwords_lock_the_admin_login_with_a_clear_page(editor_account):
    editor_account.is_staff = True
    editor_account.save()
    client = Client()

    guesses = [admin_login(client, f"guess-{n}") for n in range(5)]
    right = admin_login(client, PASSWORD)

    assert [response.status_code for response in guesses] == [200, 200, 200, 200, 429]
    assert right.status_code == 429 and right["Content-Type"].startswith("text/html")
    assert "Login locked" in right.content.decode() and "15 minutes" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_address_and_username(editor_account):
    for n in range(5):
        token_login(APIClient(), f"guess-{n}")

    elsewhere = APIClient(REMOTE_ADDR="192.0.2.7")
    assert token_login(elsewhere, PASSWORD).status_code == 200
    other_user = APIClient().post("/api/auth/token/", {"username": "someone", "password": "x"}, format="json")
    assert other_user.status_code == 400


def test_a_forged_forwarded_for_does_not_reset_the_count(editor_account):
    for n in range(5):
        token_login(APIClient(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), f"guess-{n}")

    assert token_login(APIClient(HTTP_X_FORWARDED_FOR="203.0.113.9"), PASSWORD).status_code == 429


def test_token_requests_count_against_the_anonymous_rate_whatever_the_username(editor_account, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    client = APIClient()

    answered = [
        client.post("/api/auth/token/", {"username": f"user-{n}", "password": "x"}, format="json") for n in range(4)
    ]
    cache.clear()

    assert [response.status_code for response in answered] == [400, 400, 400, 429]


def test_a_successful_login_resets_the_failure_count(editor_account):
    client = APIClient()
    for n in range(4):
        token_login(client, f"guess-{n}")

    assert token_login(client, PASSWORD).status_code == 200
    assert [token_login(client, f"again-{n}").status_code for n in range(4)] == [400, 400, 400, 400]
    assert token_login(client, PASSWORD).status_code == 200


def test_a_successful_admin_login_resets_the_failure_count(editor_account):
    editor_account.is_staff = True
    editor_account.save()
    for n in range(4):
        admin_login(Client(), f"guess-{n}")

    assert admin_login(Client(), PASSWORD).status_code == 302
    assert [admin_login(Client(), f"again-{n}").status_code for n in range(4)] == [200, 200, 200, 200]


@pytest.fixture
def address_limit(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8  # ATC_LOGIN_ADDRESS_FAILURE_LIMIT; 50 unless set
    cache.clear()  # the anonymous rate, which token requests count against too
    return 8


def test_many_usernames_tried_from_one_address_lock_that_address_out_of_the_token_endpoint(
    editor_account, address_limit
):
    client = APIClient()

    sprayed = [
        client.post("/api/auth/token/", {"username": f"user-{n}", "password": "x"}, format="json")
        for n in range(address_limit)
    ]  # no username reaches the per-username limit of 5
    right = token_login(client, PASSWORD)
    elsewhere = token_login(APIClient(REMOTE_ADDR="192.0.2.7"), PASSWORD)

    assert [response.status_code for response in sprayed] == [400] * address_limit
    assert right.status_code == 429 and right["Retry-After"] == "900"
    assert right.json() == {
        "detail": "Too many failed logins from your address: logins are refused for 15 minutes after the last failure.",
        "code": "locked_out",
    }
    assert elsewhere.status_code == 200  # another address is not refused


def test_many_usernames_tried_from_one_address_lock_it_out_of_the_admin_login(editor_account, address_limit):
    editor_account.is_staff = True
    editor_account.save()

    for n in range(address_limit):
        Client().post("/admin/login/?next=/admin/", {"username": f"user-{n}", "password": "x"})
    right = admin_login(Client(), PASSWORD)

    assert right.status_code == 429 and "Too many failed logins from your address" in right.content.decode()
    assert admin_login(Client(REMOTE_ADDR="192.0.2.7"), PASSWORD).status_code == 302


def test_the_address_limit_counts_only_failures_within_the_lockout_time(editor_account, address_limit):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    client = APIClient()
    for n in range(address_limit):
        client.post("/api/auth/token/", {"username": f"user-{n}", "password": "x"}, format="json")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    cache.clear()  # 16 minutes on, the counter of checked logins (kept for the lockout time) is gone too

    assert token_login(client, PASSWORD).status_code == 200
