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
        """The token with this digest (any state), or None, read with everything a call
        asks of its owner in one round trip: the user, their practitioner profile
        (`owner_practitioner`, None when they have none yet), and two flags, `owner_is_trainer` (an active
        trainer row) and `owner_has_second_factor`. The SQL and its converters are
        built once per process: every API call runs this, and building the ORM's query
        cost more than running it. An organisation token's organisation loads when
        first read."""
        lookup = _LOOKUPS.get(self.db) or _LOOKUPS.setdefault(self.db, _TokenRead(self.db))
        return lookup.run(digest)


class _TokenRead:
    """The token's row joined to its user's and practitioner's, with the trainer and
    second-factor tests as EXISTS columns; rows become model instances through Django's
    own converters, as a queryset's would."""

    def __init__(self, alias):
        from allauth.mfa.models import Authenticator

        from certifications.models import Practitioner, Trainer, User

        self.alias = alias
        connection = connections[alias]
        quote = connection.ops.quote_name
        token_fields = [f for f in ApiToken._meta.concrete_fields if f.name in LOOKUP_FIELDS]
        self.parts = [
            self._part(connection, ApiToken, token_fields, "t"),
            self._part(connection, User, User._meta.concrete_fields, "u"),
            self._part(connection, Practitioner, Practitioner._meta.concrete_fields, "p"),
        ]
        columns = ", ".join(c for part in self.parts for c in part["columns"])

        def column(model, name):
            return quote(model._meta.get_field(name).column)

        def table(model):
            return quote(model._meta.db_table)

        self.sql = (
            f"SELECT {columns}, "
            f"EXISTS(SELECT 1 FROM {table(Trainer)} tr WHERE tr.{column(Trainer, 'user')} = "
            f"t.{column(ApiToken, 'user')} AND tr.{column(Trainer, 'is_active')}), "
            f"EXISTS(SELECT 1 FROM {table(Authenticator)} a WHERE "
            f"a.{column(Authenticator, 'user')} = t.{column(ApiToken, 'user')} "
            f"AND a.{column(Authenticator, 'type')} IN (%s, %s)) "
            f"FROM {table(ApiToken)} t "
            f"LEFT JOIN {table(User)} u ON u.{column(User, 'id')} = t.{column(ApiToken, 'user')} "
            f"LEFT JOIN {table(Practitioner)} p "
            f"ON p.{column(Practitioner, 'user')} = t.{column(ApiToken, 'user')} "
            f"WHERE t.{column(ApiToken, 'digest')} = %s"
        )
        self.params = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

    @staticmethod
    def _part(connection, model, fields, table_alias):
        quote = connection.ops.quote_name
        converters = []
        for field in fields:
            col = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            converters.append((found, col))
        return {
            "model": model,
            "attnames": [f.attname for f in fields],
            "columns": [f"{table_alias}.{quote(f.column)}" for f in fields],
            "converters": converters,
        }

    def _instance(self, part, values):
        connection = connections[self.alias]
        converted = []
        for value, (converters, col) in zip(values, part["converters"], strict=True):
            for converter in converters:
                value = converter(value, col, connection)
            converted.append(value)
        return part["model"].from_db(self.alias, part["attnames"], converted)

    def run(self, digest):
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, [*self.params, digest])
            row = cursor.fetchone()
        if row is None:
            return None
        values, at = [], 0
        for part in self.parts:
            width = len(part["columns"])
            values.append(row[at : at + width])
            at += width
        is_trainer, has_second_factor = row[at], row[at + 1]
        token = self._instance(self.parts[0], values[0])
        if token.user_id is None:
            return token
        user = self._instance(self.parts[1], values[1])
        if values[2][0] is not None:
            token.owner_practitioner = self._instance(self.parts[2], values[2])
            type(token.owner_practitioner).user.field.set_cached_value(
                token.owner_practitioner, user
            )
        ApiToken.user.field.set_cached_value(token, user)
        token.owner_is_trainer = bool(is_trainer)
        token.owner_has_second_factor = bool(has_second_factor)
        return token


_LOOKUPS = {}


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

    # Read with the token by `ApiToken.objects.by_digest`; None on a token read any other
    # way, whose owner's trainer row and second factor are then asked of the database.
    owner_is_trainer = None
    owner_has_second_factor = None
    owner_practitioner = None


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
