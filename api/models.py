"""API tokens and the stored answers of idempotent requests."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# What a request needs of its token: who it acts for, what it may do, whether it is live.
LOOKUP_FIELDS = (
    "id",
    "user",
    "organisation",
    "scopes",
    "made_as_staff",
    "made_as_superuser",
    "made_as_trainer",
    "expires_at",
    "last_used_at",
    "revoked_at",
)


class ApiTokenQuerySet(models.QuerySet):
    def by_digest(self, digest):
        """The token with this digest (any state), or None: one indexed read of the
        token's own row, in SQL written once per process. Every API call runs it, and
        building the ORM's query cost more than running it. The user and organisation
        load when first read (each a primary-key read; a token has one of them)."""
        return next(iter(self.raw(_lookup_sql(self.db), [digest])), None)


def _lookup_sql(alias):
    sql = _LOOKUP_SQL.get(alias)
    if sql is None:
        quote = connections[alias].ops.quote_name
        meta = ApiToken._meta
        columns = ", ".join(quote(meta.get_field(name).column) for name in LOOKUP_FIELDS)
        digest = quote(meta.get_field("digest").column)
        sql = _LOOKUP_SQL[alias] = (
            f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {digest} = %s"
        )
    return sql


_LOOKUP_SQL = {}


class ApiToken(models.Model):
    """A bearer token. Only the SHA-256 of the secret is stored: the secret (high entropy,
    random) is shown once when the token is made. `prefix` is its first characters, so
    the owner can tell tokens apart. A token belongs to one user (personal) or to one
    organisation (made by staff), never both."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    organisation = models.ForeignKey(
        "certifications.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    # The owner's powers when the token was made: a token never acts with more, so a
    # practitioner's old token gains nothing when its owner becomes staff or a trainer.
    made_as_staff = models.BooleanField(default=False)
    made_as_superuser = models.BooleanField(default=False)
    made_as_trainer = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, organisation__isnull=False),
                name="api_token_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def owner_key(self):
        return f"token:{self.pk}"

    def is_live(self, now):
        """Not revoked and not expired at `now`."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def has_scope(self, scope):
        return scope in self.scopes


class IdempotentRequest(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key` header, replayed when
    the same caller sends the same key again."""

    owner = models.CharField(max_length=40, help_text=_("token:<id> or user:<id>"))

    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotent_request_unique_key")
        ]

    def __str__(self):
        return f"{self.owner} {self.key}"
