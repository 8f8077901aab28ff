"""Webhook subscriptions, the events they receive and each delivery's attempts.

An event is written in the transaction of the change it reports, with one delivery row
per subscription that receives it (webhooks/events.py); the deliveries are sent after
the commit and retried until a 2xx or the retry window ends (webhooks/delivery.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EVENT_TYPES = [
    ("credential.issued", _("A credential was issued")),
    ("credential.renewed", _("A credential was renewed (new expiry)")),
    ("credential.renewal_due", _("A credential entered its renewal window")),
    ("credential.expired", _("A credential expired (grace period)")),
    ("credential.lapsed", _("A credential lapsed (grace period over)")),
    ("credential.revoked", _("A credential was revoked")),
    ("renewal.submitted", _("A renewal was submitted")),
    ("seu.created", _("An SEU entry was logged")),
]
EVENT_NAMES = [name for name, _label in EVENT_TYPES]


class WebhookSubscription(models.Model):
    """A URL that receives events. A practitioner's subscription receives the events of
    their own credentials, renewals and SEUs; an organisation subscription owned by
    staff (made on the Webhooks page) receives every event; one owned by an
    Organisation (made with its organisation API token) receives the events of the
    people it reported (webhooks.selectors.people_known_to)."""

    class Scope(models.TextChoices):
        OWN = "own", _("My own events")
        ORGANISATION = "organisation", _("Every practitioner's events (organisation)")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
    )
    organisation = models.ForeignKey(
        "certifications.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
    )
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.OWN)
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text=_("Event types sent to this URL."))
    secret = models.CharField(max_length=80, help_text=_("whsec_<base64>, shown once."))
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text=_("First failed attempt since the last success.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False, organisation__isnull=True)
                | Q(owner__isnull=True, organisation__isnull=False, scope="organisation"),
                name="webhook_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(secret__startswith="whsec_"), name="webhook_secret_prefixed"
            ),
            models.CheckConstraint(
                condition=Q(active=True) | Q(disabled_at__isnull=False),
                name="webhook_inactive_has_time",
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="https://") | Q(url__startswith="http://"),
                name="webhook_url_http_scheme",
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def owner_email(self):
        """Where news about the subscription goes (e.g. it was disabled)."""
        if self.organisation_id is not None:
            return self.organisation.contact_email
        return self.owner.email

    def receives(self, event_type):
        return event_type in self.events


class WebhookEvent(models.Model):
    """One event, with the id receivers de-duplicate on: the same id on every attempt."""

    msg_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=40, choices=EVENT_TYPES)
    payload = models.JSONField(help_text=_("The body sent: type, timestamp and data."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(msg_id__startswith="msg_"), name="webhook_event_id_prefixed"
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.msg_id}"


class WebhookDelivery(models.Model):
    """An event for one subscription, sent until the receiver answers 2xx (at least once).

    A worker claims the row by setting `leased_until`; a worker that dies mid-delivery
    leaves the lease to run out, and the periodic run then sends it again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    retry_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Failures are retried until then, then given up.")
    )
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="webhook_delivery_once_per_subscription"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.event} to {self.subscription} ({self.status})"


class DeliveryAttempt(models.Model):
    """One HTTP attempt of a delivery, for the delivery log."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status_code__isnull=False) | ~Q(error=""),
                name="webhook_attempt_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.status_code or self.error} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300


class OrganisationConsent(models.Model):
    """A practitioner lets an organisation's webhooks receive their events and data (an
    employer's system, a provider they never reported to): besides the people an
    organisation reported itself, the only way it hears about someone. Withdrawn by
    deleting the row."""

    practitioner = models.ForeignKey(
        "certifications.Practitioner", on_delete=models.CASCADE, related_name="webhook_consents"
    )
    organisation = models.ForeignKey(
        "certifications.Organisation", on_delete=models.CASCADE, related_name="webhook_consents"
    )
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "organisation"], name="webhook_consent_once"
            ),
        ]

    def __str__(self):
        return f"{self.practitioner_id} to {self.organisation}"
