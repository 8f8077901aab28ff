from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, CredentialFactory


def test_a_practitioner_logs_in_and_sees_their_credential(page, screenshot):
    credential = CredentialFactory()
    log_in(page, credential.holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    assert credential.certificate_number in page.content()
    screenshot("smoke-dashboard")
