"""A pre-authorized code redeemed by two wallets at the same moment buys one token."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from certifications.wallet import services
from tests.factories import CredentialFactory

JOIN_TIMEOUT = 60  # seconds; a redemption takes milliseconds


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_code_redeemed_twice_at_once_buys_one_token():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (DATABASE_URL=postgres://...)")
    credential = CredentialFactory(
        issued_on=timezone.now().date() - datetime.timedelta(days=30),
        holder__user__first_name="Grace",
        holder__user__last_name="Hopper",
    )
    code = services.make_offer(credential=credential).code
    start = threading.Barrier(2)
    tokens, refusals, errors = [], [], []

    def redeem():
        try:
            start.wait()
            tokens.append(services.redeem_code(code=code))
        except services.WalletError as refusal:
            refusals.append(refusal.error)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    # Daemon threads with a bounded join: a deadlock fails the test instead of hanging.
    threads = [threading.Thread(target=redeem, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), f"a redemption still ran after {JOIN_TIMEOUT}s"
    assert errors == []
    assert (len(tokens), refusals) == (1, ["invalid_grant"])
