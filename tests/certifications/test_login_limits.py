"""Login limits count per real client address, and per account *with* that address:
behind the TLS proxy one attacker cannot lock anyone else out, and cannot dodge the
limits by writing X-Forwarded-For."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def login(client, email, password, *, via, forwarded=None):
    """A login through the proxy, which appends the address it saw (nginx's
    $proxy_add_x_forwarded_for) to whatever the client sent."""
    chain = f"{forwarded}, {via}" if forwarded else via
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=chain,
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def refused(response):
    """Refused as too many (axes' lock-out page, 429, or allauth's form message)."""
    return "Too many failed login attempts" in response.content.decode()


def test_ten_failed_logins_from_one_address_do_not_refuse_another_users_password(client):
    owner = UserFactory()
    for n in range(12):
        login(client, f"nobody{n}@example.org", "guess", via=ATTACKER)
    assert refused(login(client, owner.email, PASSWORD, via=ATTACKER))

    login(client, owner.email, PASSWORD, via=OWNER)
    assert logged_in(client)


def test_wrong_passwords_for_an_account_do_not_lock_its_owner_out(client):
    owner = UserFactory()
    for _ in range(8):
        login(client, owner.email, "guess", via=ATTACKER)
    assert refused(login(client, owner.email, PASSWORD, via=ATTACKER))
    assert not logged_in(client)

    login(client, owner.email, PASSWORD, via=OWNER)
    assert logged_in(client)


def test_a_forged_forwarded_for_does_not_reset_the_guessers_count(client):
    owner = UserFactory()
    for n in range(8):
        login(client, owner.email, "guess", via=ATTACKER, forwarded=f"192.0.2.{n}")
    assert refused(login(client, owner.email, PASSWORD, via=ATTACKER, forwarded="192.0.2.99"))
    assert not logged_in(client)


def test_the_lock_out_is_recorded_with_the_real_client_address(client):
    from axes.models import AccessAttempt

    owner = UserFactory()
    login(client, owner.email, "guess", via=ATTACKER, forwarded="192.0.2.1")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (owner.email, ATTACKER)


def _message_in(response):
    text = response.content.decode()
    start = text.index("Too many failed login attempts")
    return text[start : text.index(".", text.index("Try again", start)) + 1]


def test_axes_and_allauth_refuse_with_one_message_that_says_how_long(client, settings):
    settings.AXES_COOLOFF_TIME = 0.25
    owner = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = login(client, owner.email, "guess", via=ATTACKER)
    assert locked.status_code == 429

    settings.AXES_FAILURE_LIMIT = 100
    other = UserFactory()
    for _ in range(6):
        limited = login(client, other.email, "guess", via=OWNER)
    assert limited.status_code == 200

    expected = (
        "Too many failed login attempts. Try again in 15 minutes, "
        "or reset your password to get in now."
    )
    assert _message_in(locked) == expected
    assert _message_in(limited) == expected


def test_the_lock_out_message_follows_the_cool_off_setting(client, settings):
    settings.AXES_COOLOFF_TIME = 2
    owner = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, owner.email, "guess", via=ATTACKER)
    assert "Try again in 2 hours" in response.content.decode()
