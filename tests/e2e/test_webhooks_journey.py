"""A practitioner adds a webhook from their profile, copies the secret shown once, sees
the delivery log with response codes and redelivers a failed event, in Chromium."""

from pathlib import Path

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, CredentialFactory, PractitionerFactory
from tests.webhooks.conftest import receiver  # noqa: F401
from webhooks.models import WebhookSubscription

SHOTS = Path("/tmp/hooks-shots")


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_practitioner_manages_a_webhook_and_redelivers(page, receiver):  # noqa: F811
    practitioner = PractitionerFactory()
    log_in(page, practitioner.user.email, PASSWORD)
    page.goto("/profile/")
    page.get_by_role("link", name="manage webhooks").click()
    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("seu.created — An SEU entry was logged").uncheck()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_label("Signing secret").input_value()
    assert secret == WebhookSubscription.objects.get().secret
    shoot(page, "webhook-created")

    receiver.answer(500)
    CredentialFactory(holder=practitioner)  # committed: delivered after the commit, fails
    page.reload()
    assert page.locator(".attempt-code").all_inner_texts() == ["500"]
    assert page.get_by_label("Signing secret").count() == 0  # shown once only
    page.get_by_role("button", name="Redeliver").click()
    page.wait_for_load_state()
    assert page.locator(".attempt-code").all_inner_texts() == ["500", "200"]
    assert len(receiver.requests) == 2
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    shoot(page, "webhook-log")
    page.get_by_role("link", name="← Webhooks").click()
    shoot(page, "webhook-list")
