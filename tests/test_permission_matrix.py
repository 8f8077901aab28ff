"""The permission matrix: every URL the project routes, asked by every role, answers the
status class in the table below; a URL without a row fails the test, so the table cannot
drift from config/urls.py.

How to read and extend it (docs/development.md, "The permission matrix"):
- ROUTES has one row per route pattern as the resolver spells it: the method asked, the
  objects its arguments name (keys of the world built by `_world`), and one status class
  per role in SESSION_ROLES order. API rows add one per role in TOKEN_ROLES order.
- Status classes: 200 (any 2xx), login (a redirect to a sign-in page), 2fa (a redirect to
  the second-factor setup), 302 (any other redirect), or the exact 4xx code.
- The Django admin's pages are one family (ADMIN_PREFIX): refused to every role but staff
  with a second factor, whatever the model.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core import serializers
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from api import tokens
from api.scopes import SCOPES
from certifications.imports.models import ImportJob
from certifications.models import Course, Organisation
from certifications.vc.status_list import LIST_SIZE
from cspo_tracker.outbox.models import OutboundEmail
from renewals.audits.models import SeuAuditItem
from renewals.claims.models import CredentialClaim
from renewals.models import Renewal
from renewals.reminders.services import unsubscribe_token
from seus.models import SeuEntry
from tests.factories import StaffFactory, TrainerFactory
from tests.holders import make_holder, webhook_subscription
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)

SESSION_ROLES = (
    "anonymous",
    "owner",  # the practitioner whose objects the URL names
    "other",  # another practitioner
    "trainer",  # the trainer of the course the URL names, with a second factor
    "other_trainer",  # a trainer of other courses, with a second factor
    "trainer_no_2fa",  # a trainer of no course here, without a second factor
    "staff",  # staff with a second factor
    "staff_no_2fa",
)
TOKEN_ROLES = (
    *(f"token:{scope}" for scope in sorted(SCOPES)),  # the owner's token with one scope
    "other_token",  # another practitioner's token with every scope
    "trainer_token",  # the course's trainer's token with every scope
    "org_token",  # an organisation's token (an SEU provider: seus:write)
    "org_token_read",  # an organisation's token without seus:write
)
ADMIN_PREFIX = "admin/"
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
SECOND_FACTOR_PATHS = ("/accounts/2fa/",)


def row(method, expected, *, args=None, tokens=None):
    statuses = expected.split()
    assert len(statuses) == len(SESSION_ROLES), expected
    expected_by_role = dict(zip(SESSION_ROLES, statuses, strict=True))
    if tokens is not None:
        token_statuses = tokens.split()
        assert len(token_statuses) == len(TOKEN_ROLES), tokens
        expected_by_role |= dict(zip(TOKEN_ROLES, token_statuses, strict=True))
    return {"method": method, "args": args or {}, "expected": expected_by_role}


# fmt: off
#                 anonymous owner other trainer other_trainer trainer_no_2fa staff staff_no_2fa
ROUTES = {
    'healthz': row("GET", "200 200 200 200 200 200 200 200"),
    'metrics': row("GET", "200 200 200 200 200 200 200 200"),
    'email/events/mailgun/': row("GET", "404 404 404 404 404 404 404 2fa"),
    'payments/stripe/webhook/': row("POST", "404 404 404 404 404 404 404 2fa"),
    'admin/login/': row("GET", "login 403 403 403 403 2fa 302 2fa"),
    'admin/logout/': row("GET", "302 302 302 302 302 2fa 405 2fa"),
    'api/v1/schema/': row("GET", "200 200 200 200 200 403 200 403",
        tokens="200 200 200 200 200 200 200 200 200 200"),
    'api/v1/docs/': row("GET", "200 200 200 200 200 403 200 403",
        tokens="200 200 200 200 200 200 200 200 200 200"),
    'api/v1/me': row("GET", "401 200 200 200 200 403 200 403",
        tokens="200 200 200 200 200 200 200 200 403 403"),
    'api/v1/credentials': row("GET", "401 200 200 200 200 403 200 403",
        tokens="403 403 200 403 403 403 200 200 403 403"),
    'api/v1/seus': row("GET", "401 200 200 200 200 403 200 403",
        tokens="403 403 403 200 403 403 200 200 403 403"),
    'api/v1/seus/<int:pk>': row("GET", "401 200 404 404 404 403 404 403", args={'pk': 'seu'},
        tokens="403 403 403 200 403 403 404 404 403 403"),
    'api/v1/seus/<int:pk>/evidence': row("GET", "401 200 404 404 404 403 404 403", args={'pk': 'seu'},
        tokens="403 403 403 200 403 403 404 404 403 403"),
    'api/v1/seu-categories': row("GET", "401 200 200 200 200 403 200 403",
        tokens="403 403 403 200 403 403 200 200 403 200"),
    'api/v1/provider/seus': row("POST", "401 403 403 403 403 403 403 403",
        tokens="403 403 403 403 403 403 403 403 422 403"),
    'api/v1/courses': row("GET", "401 403 403 200 200 403 200 403",
        tokens="403 403 403 403 403 403 403 200 403 403"),
    'api/v1/courses/<int:pk>/roster': row("GET", "401 403 403 200 404 403 200 403", args={'pk': 'course'},
        tokens="403 403 403 403 403 403 403 200 403 403"),
    'api/v1/courses/<int:pk>/attendance': row("PUT", "401 403 403 422 404 403 422 403", args={'pk': 'course'},
        tokens="403 403 403 403 403 403 403 422 403 403"),
    'api/v1/courses/<int:pk>/close': row("POST", "401 403 403 200 404 403 200 403", args={'pk': 'course'},
        tokens="403 403 403 403 403 403 403 200 403 403"),
    'api/v1/verify/<str:number>': row("GET", "200 200 200 200 200 200 200 200", args={'number': 'certificate'},
        tokens="200 200 200 200 200 200 200 200 200 200"),
    'api/v1/webhooks': row("GET", "401 200 200 200 200 403 200 403",
        tokens="403 403 403 403 403 200 200 200 403 403"),
    'api/v1/webhooks/<int:pk>': row("GET", "401 200 404 404 404 403 404 403", args={'pk': 'subscription'},
        tokens="403 403 403 403 403 200 404 404 403 403"),
    'api/v1/webhooks/<int:pk>/deliveries': row("GET", "401 200 404 404 404 403 404 403", args={'pk': 'subscription'},
        tokens="403 403 403 403 403 200 404 404 403 403"),
    'api/v1/webhooks/deliveries/<int:pk>/redeliver': row("POST", "401 200 404 404 404 403 404 403", args={'pk': 'delivery'},
        tokens="403 403 403 403 403 200 404 404 403 403"),
    'api/^.*$': row("GET", "404 404 404 404 404 404 404 2fa",
        tokens="404 404 404 404 404 404 404 404 404 404"),
    'profile/api-tokens/': row("GET", "login 200 200 200 200 2fa 200 2fa"),
    'profile/api-tokens/<int:pk>/revoke': row("GET", "login 200 404 404 404 404 404 2fa", args={'pk': 'token'}),
    'profile/webhooks/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'profile/webhooks/<int:pk>/': row("GET", "login 200 404 404 404 404 404 2fa", args={'pk': 'subscription'}),
    'profile/webhooks/<int:pk>/delete/': row("GET", "login 200 404 404 404 404 404 2fa", args={'pk': 'subscription'}),
    'profile/webhooks/<int:pk>/active/': row("POST", "login 302 404 404 404 404 404 2fa", args={'pk': 'subscription'}),
    'profile/webhooks/deliveries/<int:pk>/redeliver/': row("POST", "login 302 404 404 404 404 404 2fa", args={'pk': 'delivery'}),
    'profile/webhooks/organisations/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'accounts/login/': row("GET", "200 302 302 302 302 302 302 302"),
    'accounts/logout/': row("GET", "login 200 200 200 200 200 200 200"),
    'accounts/inactive/': row("GET", "200 200 200 200 200 200 200 200"),
    'accounts/signup/': row("GET", "200 302 302 302 302 302 302 302"),
    'accounts/reauthenticate/': row("GET", "login 200 200 200 200 200 200 200"),
    'accounts/reauthenticate/code/': row("GET", "login 200 200 200 200 200 200 200"),
    'accounts/reauthenticate/code/confirm/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/email/': row("GET", "login 200 200 200 200 200 200 200"),
    'accounts/confirm-email/': row("GET", "200 200 200 200 200 200 200 200"),
    'accounts/password/change/': row("GET", "login 200 200 200 200 200 200 200"),
    'accounts/password/set/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/password/reset/': row("GET", "200 200 200 200 200 200 200 200"),
    'accounts/login/code/confirm/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/^confirm-email/(?P<key>[-:\\w]+)/$': row("GET", "404 404 404 404 404 404 404 404", args={'key': 'confirm_key'}),
    'accounts/password/reset/key/done/': row("GET", "200 200 200 200 200 200 200 200"),
    'accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$': row("GET", "404 404 404 404 404 404 404 404", args={'uidb36': 'uidb36', 'key': 'reset_key'}),
    'accounts/password/reset/done/': row("GET", "200 200 200 200 200 200 200 200"),
    'accounts/2fa/': row("GET", "login 200 200 200 200 200 200 200"),
    'accounts/2fa/authenticate/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/2fa/reauthenticate/': row("GET", "login 200 200 200 200 302 200 302"),
    'accounts/2fa/totp/activate/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/2fa/totp/deactivate/': row("GET", "login 302 302 302 302 404 302 404"),
    'accounts/2fa/recovery-codes/': row("GET", "login 302 302 302 302 404 302 404"),
    'accounts/2fa/recovery-codes/generate/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/2fa/recovery-codes/download/': row("GET", "login 302 302 302 302 404 302 404"),
    'accounts/2fa/webauthn/': row("GET", "login 200 200 200 200 200 200 200"),
    'accounts/2fa/webauthn/add/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/2fa/webauthn/reauthenticate/': row("GET", "login 302 302 302 302 302 302 302"),
    'accounts/2fa/webauthn/keys/<int:pk>/remove/': row("GET", "login 302 302 302 302 302 302 302", args={'pk': 'missing'}),
    'accounts/2fa/webauthn/keys/<int:pk>/edit/': row("GET", "login 302 302 302 302 302 302 302", args={'pk': 'missing'}),
    'accounts/2fa/webauthn/login/': row("GET", "login 302 302 302 302 302 302 302"),
    'staff/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'trainer/': row("GET", "login 403 403 200 200 2fa 200 2fa"),
    'role/': row("POST", "login 302 302 302 302 302 302 2fa"),
    'search/': row("GET", "login 403 403 200 200 2fa 200 2fa"),
    'staff/practitioners/<int:pk>/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'practitioner'}),
    'staff/practitioners/<int:pk>/edit/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'practitioner'}),
    'staff/audit/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/audit/<str:app_label>/<str:model>/<int:pk>/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'app_label': 'app_label', 'model': 'model', 'pk': 'practitioner'}),
    'staff/credentials/<str:certificate_number>/revoke/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'certificate_number': 'certificate'}),
    'staff/emails/addresses/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/emails/addresses/lift/': row("POST", "login 403 403 403 403 2fa 302 2fa"),
    'staff/emails/<int:pk>/send-again/': row("POST", "login 403 403 403 403 2fa 302 2fa", args={'pk': 'email'}),
    'staff/emails/previews/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/emails/previews/<int:index>/html/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'index': 'preview'}),
    'staff/reports/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/reports/courses.csv': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/reports/fees.csv': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/reports/credentials-per-month.csv': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/reports/issued-and-renewed.csv': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/reports/renewal-rate.csv': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/reports/seus-by-category.csv': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/imports/credentials/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/imports/seus/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'staff/imports/jobs/<int:pk>/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'import_job'}),
    'staff/imports/jobs/<int:pk>/status.json': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'import_job'}),
    'renewals/staff/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'renewals/staff/expiring.csv': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'renewals/staff/<int:pk>/confirm-fee/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'renewal'}),
    'renewals/staff/<int:pk>/reject-fee/': row("POST", "login 403 403 403 403 2fa 302 2fa", args={'pk': 'renewal'}),
    'renewals/staff/<int:pk>/approve/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'renewal'}),
    'renewals/staff/claims/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'renewals/staff/claims/<int:pk>/approve/': row("POST", "login 403 403 403 403 2fa 302 2fa", args={'pk': 'claim'}),
    'renewals/staff/claims/<int:pk>/reject/': row("POST", "login 403 403 403 403 2fa 302 2fa", args={'pk': 'claim'}),
    'renewals/staff/claims/<int:pk>/evidence/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'claim'}),
    'renewals/staff/audits/': row("GET", "login 403 403 403 403 2fa 200 2fa"),
    'renewals/staff/audits/items/<int:pk>/decide/': row("POST", "login 403 403 403 403 2fa 302 2fa", args={'pk': 'audit_item'}),
    'renewals/staff/audits/items/<int:pk>/evidence/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'audit_item'}),
    'seus/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'seus/new/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'seus/export.csv': row("GET", "login 200 200 200 200 200 200 2fa"),
    'seus/<int:pk>/edit/': row("GET", "login 200 404 404 404 404 404 2fa", args={'pk': 'seu'}),
    'seus/<int:pk>/delete/': row("GET", "login 200 404 404 404 404 404 2fa", args={'pk': 'seu'}),
    'seus/<int:pk>/evidence/': row("GET", "login 200 404 404 404 404 200 2fa", args={'pk': 'seu'}),
    'renewals/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'renewals/submit/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'renewals/unsubscribe/<str:token>/': row("GET", "200 200 200 200 200 200 200 2fa", args={'token': 'unsubscribe'}),
    'renewals/claim/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'renewals/audits/<int:pk>/': row("GET", "login 200 404 404 404 404 404 2fa", args={'pk': 'audit'}),
    'renewals/<int:pk>/pay/': row("POST", "login 302 404 404 404 404 404 2fa", args={'pk': 'renewal'}),
    'renewals/<int:pk>/payment/': row("GET", "login 200 404 404 404 404 404 2fa", args={'pk': 'renewal'}),
    '': row("GET", "login 200 200 302 302 302 302 2fa"),
    'calendar/<str:token>.ics': row("GET", "200 200 200 200 200 200 200 2fa", args={'token': 'calendar'}),
    'profile/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'profile/calendar/reset/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'profile/data.zip': row("POST", "login 200 200 200 200 200 200 2fa"),
    'profile/erase/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'account-erased/': row("GET", "200 200 200 200 200 200 200 2fa"),
    'renewals/notifications/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'profile/name/': row("GET", "login 200 200 200 200 200 200 2fa"),
    'courses/': row("GET", "login 403 403 200 200 2fa 200 2fa"),
    'courses/new/': row("GET", "login 403 403 200 200 2fa 200 2fa"),
    'courses/<int:pk>/': row("GET", "login 403 403 200 404 2fa 200 2fa", args={'pk': 'course'}),
    'courses/<int:pk>/edit/': row("GET", "login 403 403 200 404 2fa 200 2fa", args={'pk': 'course'}),
    'courses/<int:pk>/enroll/': row("GET", "login 403 403 302 404 2fa 302 2fa", args={'pk': 'course'}),
    'courses/<int:pk>/attendance/': row("GET", "login 403 403 200 404 2fa 200 2fa", args={'pk': 'course'}),
    'courses/<int:pk>/close/': row("GET", "login 403 403 200 404 2fa 200 2fa", args={'pk': 'course'}),
    'courses/<int:pk>/enrollments/<int:enrollment_pk>/remove/': row("GET", "login 403 403 200 404 2fa 200 2fa", args={'pk': 'course', 'enrollment_pk': 'enrollment'}),
    'courses/<int:pk>/history/': row("GET", "login 403 403 403 403 2fa 200 2fa", args={'pk': 'course'}),
    'verify/': row("GET", "200 200 200 200 200 200 200 2fa"),
    'verify/<str:certificate_number>/': row("GET", "200 200 200 200 200 200 200 2fa", args={'certificate_number': 'certificate'}),
    'verify/<str:certificate_number>/preview.png': row("GET", "200 200 200 200 200 200 200 2fa", args={'certificate_number': 'certificate'}),
    'certificates/<str:certificate_number>.pdf': row("GET", "login 200 404 404 404 404 200 2fa", args={'certificate_number': 'certificate'}),
    '.well-known/did.json': row("GET", "200 200 200 200 200 200 200 2fa"),
    'did.json': row("GET", "200 200 200 200 200 200 200 2fa"),
    'issuer/': row("GET", "200 200 200 200 200 200 200 2fa"),
    'achievements/<str:code>/': row("GET", "200 200 200 200 200 200 200 2fa", args={'code': 'program'}),
    'badges/<str:code>.png': row("GET", "200 200 200 200 200 200 200 2fa", args={'code': 'program'}),
    'credentials/status/<str:purpose>/<int:number>': row("GET", "200 200 200 200 200 200 200 2fa", args={'purpose': 'purpose', 'number': 'status_list'}),
    'credentials/<str:certificate_number>/<int:pk>.json': row("GET", "200 200 200 200 200 200 200 2fa", args={'certificate_number': 'certificate', 'pk': 'signed'}),
    'credentials/<str:certificate_number>.json': row("GET", "login 200 404 404 404 404 200 2fa", args={'certificate_number': 'certificate'}),
    'credentials/<str:certificate_number>.png': row("GET", "login 200 404 404 404 404 200 2fa", args={'certificate_number': 'certificate'}),
    # OpenID4VCI: a wallet calls these with no session; the code and the token are its credentials.
    '.well-known/openid-credential-issuer': row("GET", "200 200 200 200 200 200 200 2fa"),
    '.well-known/oauth-authorization-server': row("GET", "200 200 200 200 200 200 200 2fa"),
    'wallet/token': row("POST", "400 400 400 400 400 400 400 2fa"),
    'wallet/nonce': row("POST", "200 200 200 200 200 200 200 2fa"),
    'wallet/credential': row("POST", "401 401 401 401 401 401 401 2fa"),
    # Only the holder offers a credential to a wallet: staff see it but cannot take it.
    'credentials/<str:certificate_number>/wallet/': row("GET", "login 200 404 404 404 404 404 2fa", args={'certificate_number': 'certificate'}),
    # The language switcher: anyone may choose; it answers with a redirect back.
    'language/': row("POST", "302 302 302 302 302 302 302 2fa"),

}
# fmt: on


def routed_patterns(patterns=None, prefix=""):
    """Every route pattern the project's URLconf resolves, spelled as the resolver has it."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routed_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern)


def status_class(response):
    if 200 <= response.status_code < 300:
        return "200"
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        if path.startswith(LOGIN_PATHS):
            return "login"
        if path.startswith(SECOND_FACTOR_PATHS):
            return "2fa"
        return "302"
    return str(response.status_code)


def url_for(route, args, world):
    """The concrete path for `route` with each argument replaced by the world's value."""
    path = route
    for name, key in args.items():
        value = str(world[key])
        path, count = re.subn(r"<(?:\w+:)?" + name + r">", value, path)
        if not count:
            path, count = re.subn(r"\(\?P<" + name + r">[^)]*\)", value, path)
        assert count == 1, (route, name)
    path = path.replace("^", "").replace("$", "").replace(".*", "nowhere")
    return "/" + path


def _world():
    """Real objects for every URL argument: two practitioners with data in every app (the
    privacy tests' holder), the trainer of the owner's planned course, and staff."""
    staff = StaffFactory(first_name="Sam", last_name="Staff")
    organisation_subscription = webhook_subscription(
        staff, scope="organisation", url="https://crm.example.org/in"
    )
    owner = make_holder(
        "Ada",
        "Lovelace",
        "ada@example.com",
        staff=staff,
        organisation_subscription=organisation_subscription,
    )
    other = make_holder(
        "Bob",
        "Neighbour",
        "bob@example.com",
        staff=staff,
        organisation_subscription=organisation_subscription,
    )
    course = owner.planned_enrollment.course
    trainer = course.trainer
    organisation = Organisation.objects.create(name="Agile Conf", slug="agile-conf")
    users = {
        "owner": owner.user,
        "other": other.user,
        "trainer": trainer.user,
        "other_trainer": TrainerFactory().user,
        "trainer_no_2fa": TrainerFactory(totp=False).user,
        "staff": staff,
        "staff_no_2fa": StaffFactory(totp=False),
    }
    secrets = {
        f"token:{scope}": tokens.create_token(user=owner.user, name="t", scopes=[scope]).secret
        for scope in SCOPES
    }
    secrets["other_token"] = tokens.create_token(
        user=other.user, name="t", scopes=sorted(SCOPES)
    ).secret
    secrets["trainer_token"] = tokens.create_token(
        user=trainer.user, name="t", scopes=sorted(SCOPES)
    ).secret
    secrets["org_token"] = tokens.create_token(
        organisation=organisation, name="t", scopes=["seus:write"]
    ).secret
    secrets["org_token_read"] = tokens.create_token(
        organisation=organisation, name="t", scopes=["seus:read"]
    ).secret
    values = {
        "practitioner": owner.practitioner.pk,
        "seu": owner.evidence_entry.pk,
        "course": course.pk,
        "enrollment": owner.planned_enrollment.pk,
        "certificate": owner.credential.certificate_number,
        "signed": owner.signed.pk,
        "program": "CSPO",
        "renewal": Renewal.objects.get(practitioner=owner.practitioner).pk,
        "claim": owner.claim.pk,
        "audit": owner.audit_item.audit.pk,
        "audit_item": owner.audit_item.pk,
        "token": owner.token.pk,
        "subscription": owner.subscription.pk,
        "delivery": owner.own_event.deliveries.get().pk,
        "calendar": owner.practitioner.calendar_token,
        "unsubscribe": unsubscribe_token(owner.practitioner),
        "email": OutboundEmail.objects.filter(to=owner.user.email).first().pk,
        "import_job": ImportJob.objects.create(kind="seus", file_name="s.csv", created_by=staff).pk,
        "preview": 0,
        "purpose": "revocation",
        "status_list": owner.signed.status_index // LIST_SIZE,
        "app_label": "certifications",
        "model": "practitioner",
        "missing": 999999,
        "confirm_key": "not-a-key",
        "uidb36": "1",
        "reset_key": "not-a-key",
    }
    return users, secrets, values


# The rows a write URL of the matrix changes (keys of the world): a refused write must
# leave each as it was.
STATEFUL_ROWS = {
    "subscription": WebhookSubscription,
    "delivery": WebhookDelivery,
    "renewal": Renewal,
    "claim": CredentialClaim,
    "audit_item": SeuAuditItem,
    "email": OutboundEmail,
    "course": Course,
    "seu": SeuEntry,
}


def _admin_object_ids():
    """An existing primary key per admin model, or a missing one where the world has none."""
    ids = {}
    for model in apps.get_models():
        first = model._default_manager.order_by("pk").first()
        ids[f"{model._meta.app_label}/{model._meta.model_name}/"] = first.pk if first else 0
    return ids


def _ask(client, method, path):
    """GET, or for a write an empty body: JSON under /api/, a form elsewhere."""
    if method == "GET":
        return client.get(path)
    send = getattr(client, method.lower())
    if path.startswith("/api/"):
        return send(path, {}, content_type="application/json")
    return send(path, {})


def test_every_routed_url_has_a_row():
    missing = [
        route
        for route in routed_patterns()
        if route not in ROUTES and not route.startswith(ADMIN_PREFIX)
    ]
    # The admin's own sign-in and sign-out pages have rows; its other pages are one family.
    stale = [route for route in ROUTES if route not in set(routed_patterns())]
    assert not missing, "URLs without a row in the permission matrix:\n" + "\n".join(missing)
    assert not stale, "Rows for URLs no longer routed:\n" + "\n".join(stale)


REFUSALS = {"login", "2fa", "401", "403", "404", "405"}


def _database_state(world):
    """Every table's row count, and the world's stateful rows as they stand: a refused
    write must leave both as they were."""
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    rows = {
        key: serializers.serialize("json", [model._default_manager.get(pk=world[key])])
        for key, model in STATEFUL_ROWS.items()
    }
    return counts, rows


def _observe(role, client, world, routes):
    """Each route's status class; a refused write is also checked to have written nothing."""
    seen, wrote = {}, []
    for route, spec in routes.items():
        refused_write = spec["method"] != "GET" and spec["expected"][role] in REFUSALS
        before = _database_state(world) if refused_write else None
        response = _ask(client, spec["method"], url_for(route, spec["args"], world))
        seen[route] = status_class(response)
        if refused_write and _database_state(world) != before:
            wrote.append(route)
    return seen, wrote


def _client_for(role, users, secrets):
    client = Client()
    if role in users:
        client.force_login(users[role])
    elif role in secrets:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secrets[role]}"
    return client


@pytest.mark.parametrize("role", SESSION_ROLES + TOKEN_ROLES)
def test_each_role_gets_the_status_its_row_names(role):
    with time_machine.travel(NOW, tick=False):
        users, secrets, world = _world()
        client = _client_for(role, users, secrets)
        routes = {route: spec for route, spec in ROUTES.items() if role in spec["expected"]}
        # Writes go last, so a permitted write cannot change what a later read sees.
        ordered = dict(sorted(routes.items(), key=lambda item: item[1]["method"] != "GET"))
        seen, wrote = _observe(role, client, world, ordered)
    assert not wrote, f"{role}: a refused write changed the database:\n" + "\n".join(wrote)
    wrong = [
        f"{route}: expected {routes[route]['expected'][role]}, got {status}"
        for route, status in seen.items()
        if status != routes[route]["expected"][role]
    ]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def _admin_url(route, object_ids):
    """An admin route with a real object where the model has one (a missing id otherwise)."""
    model_path = route.removeprefix(ADMIN_PREFIX)
    object_id = next((pk for prefix, pk in object_ids.items() if model_path.startswith(prefix)), 0)
    path = re.sub(r"<(?:path:)?(object_id|id)>", str(object_id), route)
    path = re.sub(r"\(\?P<app_label>[^)]*\)", "certifications", path)
    path = re.sub(r"\(\?P<url>[^)]*\)", "nowhere/", path)
    return "/" + path.replace("^", "").replace("$", "")


# Who the admin refuses, and how; staff with a second factor get any answer but these.
ADMIN_REFUSALS = {
    "anonymous": "login",
    "owner": "login",
    "trainer": "login",
    "staff_no_2fa": "2fa",
}


@pytest.mark.parametrize("role", [*ADMIN_REFUSALS, "staff"])
def test_every_admin_page_is_for_staff_with_a_second_factor_alone(role):
    with time_machine.travel(NOW, tick=False):
        users, secrets, _ = _world()
        client = _client_for(role, users, secrets)
        client.raise_request_exception = False
        object_ids = _admin_object_ids()
        seen = {
            route: status_class(client.get(_admin_url(route, object_ids)))
            for route in routed_patterns()
            if route.startswith(ADMIN_PREFIX) and route not in ROUTES
        }
    if role in ADMIN_REFUSALS:
        wrong = [
            f"{route}: {status}" for route, status in seen.items() if status != ADMIN_REFUSALS[role]
        ]
    else:
        wrong = [
            f"{route}: {status}"
            for route, status in seen.items()
            if status in ("login", "2fa") or status.startswith("5")
        ]
    assert len(seen) > 100
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
