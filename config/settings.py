"""CSPO Tracker settings: one module, every value from the environment (django-environ).

The defaults are the embedded ones (SQLite in ./var, Celery tasks run in-process, email
printed to the console), so a fresh clone runs with no server to install. Production sets
DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, CACHE_URL and
EMAIL_HOST; docs/configuration.md lists every variable read here.

Sections, in order: core, apps and middleware, templates, database and cache, accounts
and sign-in, language and formats, files, email, Celery and the scheduler, the outbox,
webhooks, personal data, domain rules, signed credentials, the API, security, observability.
"""

import ipaddress
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

# --- Core ---------------------------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("CSPO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The reverse proxies (addresses or networks) whose X-Forwarded-For is believed: every
# per-address rule (login lock-outs and limits, the API's anonymous throttle, the audit
# trail, /metrics) asks cspo_tracker/client_address.py for the client's address. The
# default trusts a proxy on the same host, as deploy/nginx.conf runs.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_error}") from None
# Links in emails, the calendar feed and certificates, and the issuer's did:web. The Site
# row (account emails say "[CSPO Tracker]") follows it after every migrate
# (cspo_tracker/site.py).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
SITE_NAME = "CSPO Tracker"
SITE_ID = 1

# --- Apps and middleware -------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_celery_beat",
    "csp",
    "django_prometheus",
    "auditlog",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    # The project's own apps, lowest first; each imports only the ones above it in this
    # list (docs/architecture.md, checked by tests/test_architecture.py).
    "cspo_tracker",
    "certifications",
    "seus",
    "renewals",
    "webhooks",
    "staff",
    "practitioners",
    "api",
    "demo",
]

MIDDLEWARE = [
    # django-prometheus times each request between its first and last middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id is set before anything else can log.
    "cspo_tracker.observability.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The CSP header with a per-request nonce (policy under Security).
    "csp.middleware.CSPMiddleware",
    # A body larger than MAX_REQUEST_BYTES is refused with 413 before anything reads it:
    # before every middleware that can read the body, after the two that add headers.
    "cspo_tracker.middleware.RequestBodyLimitMiddleware",
    # A NUL in the address (400) or an address too long (414), before any view or query.
    "cspo_tracker.middleware.RequestLineMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every page and download the app renders is private (Cache-Control: private,
    # no-store); static files are answered by WhiteNoise above and stay cacheable.
    "cspo_tracker.middleware.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the cookie or Accept-Language (after sessions, before
    # CommonMiddleware); URLs carry no language prefix (docs/decisions/0029).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's stored language wins over the cookie and the browser.
    "cspo_tracker.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    # Who made each audited change (the signed-in user and the client's address), for
    # django-auditlog.
    "cspo_tracker.middleware.AuditClientAddressMiddleware",
    # Staff and trainers without a second factor are sent to set one up.
    "certifications.mfa.RequireMFAMiddleware",
    # Anyone logged in without a name gives one before any other page.
    "certifications.names.NameRequiredMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# --- Templates -----------------------------------------------------------------------

_TEMPLATE_BUILTINS = [
    # |day and |money (cspo_tracker/formats.py) and the navbar's links, in every template.
    "cspo_tracker.templatetags.formats",
    "cspo_tracker.templatetags.navigation",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE for <html lang> (templates/base.html).
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # CSP_NONCE for the <script> and <link> tags of templates/base.html.
                "csp.context_processors.nonce",
                # The role switcher and search box of staff and trainers.
                "certifications.roles.navigation",
            ],
            "builtins": _TEMPLATE_BUILTINS,
        },
    },
    # Plain-text email parts and subjects: nothing is HTML-escaped ("Tom's CSPO & A-CSPO",
    # never "Tom&#x27;s"). cspo_tracker/outbox/emails.py renders with it.
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "builtins": _TEMPLATE_BUILTINS},
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Database and cache --------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production: opening a PostgreSQL connection costs more than
# a one-row page. The health check drops a connection the server closed in the meantime.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiler is off for our connections (decision 0024): with 40,000
# credentials the planner's row estimates crossed jit_above_cost and the staff pages
# spent 1-2.7 s compiling queries that execute in under a millisecond. The app's queries
# are short index reads; DATABASE_JIT=true turns it back on.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "DATABASE_JIT", default=False
):
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# allauth remembers each used TOTP code in the default cache (a code cannot be replayed
# within its 30-second window) and counts failed attempts there. It is per process by
# default; with several gunicorn workers set CACHE_URL (e.g. redis://redis:6379/2).
_default_cache = env.cache_url("CACHE_URL", default="locmemcache://")
if _default_cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # While Redis does not answer, each process keeps the limits in its own memory for
    # CACHE_FALLBACK_SECONDS instead of failing every login and API call
    # (cspo_tracker/cache.py). An answer is awaited at most CACHE_TIMEOUT_SECONDS.
    _default_cache["BACKEND"] = "cspo_tracker.cache.FailoverRedisCache"
    _cache_timeout = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)
    _default_cache["OPTIONS"] = {
        "socket_connect_timeout": _cache_timeout,
        "socket_timeout": _cache_timeout,
        **_default_cache.get("OPTIONS", {}),
    }
CACHE_FALLBACK_SECONDS = env.int("CACHE_FALLBACK_SECONDS", default=30)
CACHES = {
    "default": _default_cache,
    # Rendered pages kept per process under keys made of what they show
    # (cspo_tracker/kept_pages/pages.py): nothing to share or invalidate between workers.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# --- Accounts and sign-in ------------------------------------------------------------

AUTH_USER_MODEL = "certifications.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2 first; the others still verify (and upgrade at login) hashes stored earlier.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth (https://docs.allauth.org/): the email is the login, confirmed by a link.
ACCOUNT_LOGIN_METHODS = {"email"}
# Account emails go through the outbox like every other email (certifications/accounts.py).
ACCOUNT_ADAPTER = "certifications.accounts.AccountAdapter"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up and invitation acceptance ask for first and last name (certifications/names.py).
ACCOUNT_SIGNUP_FORM_CLASS = "certifications.names.SignupNameForm"
ACCOUNT_FORMS = {
    "login": "certifications.account_forms.LoginForm",
    "reset_password_from_key": "certifications.account_forms.AcceptInvitationForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True

# Two-factor sign-in (allauth.mfa): required for staff and trainers (certifications/mfa.py),
# a choice for practitioners.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "CSPO Tracker"
# WebAuthn on http://localhost during development only; production serves HTTPS.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# django-axes: repeated wrong passwords lock the account and address for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# The pair, never one alone: an account locked for every address would let anyone lock
# out a person they can name, and an address locked for every account all the people
# behind one network. Addresses are the real client's (TRUSTED_PROXIES).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cspo_tracker.client_address.client_ip"
AXES_USERNAME_FORM_FIELD = "login"
# axes reads the login address from allauth's credentials and form alike.
AXES_USERNAME_CALLABLE = "certifications.accounts.login_username"
AXES_RESET_ON_SUCCESS = True
# One lock-out message, with how long, for axes and allauth alike (certifications/accounts.py).
AXES_LOCKOUT_CALLABLE = "certifications.accounts.lockout_response"
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)
# allauth's limits, stated (https://docs.allauth.org/en/latest/account/rate_limits.html):
# failed logins count per client address and per account *and address* (the adapter
# keys them so, certifications/accounts.py), and a wrong second-factor code per account.
ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/300s/key"}

# --- Language, time and formats ------------------------------------------------------

LANGUAGE_CODE = "en"
USE_I18N = True
# Each name in its own language, as the switcher shows it (cspo_tracker/i18n.py).
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Money, dates and numbers come from Babel in the active language (cspo_tracker/formats.py,
# the |day and |money filters). Django's own date output (the admin) keeps English's "9 Jan
# 2027" through this format module; other languages use Django's locale formats.
FORMAT_MODULE_PATH = ["cspo_tracker.locale_formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_TZ = True

# --- Files: static, evidence, imports ------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads are private: outside any public URL, served only by views that check who asks.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
# Evidence on any Django storage backend under the "evidence" alias: the private folder
# PRIVATE_MEDIA_ROOT/evidence, or an S3-compatible bucket (django-storages,
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html).
EVIDENCE_STORAGE = env.str("EVIDENCE_STORAGE", default="local")
if EVIDENCE_STORAGE == "local":
    STORAGES["evidence"] = {
        "BACKEND": "seus.storage.PrivateStorage",
        "OPTIONS": {"subdir": "evidence"},
    }
elif EVIDENCE_STORAGE == "s3":
    STORAGES["evidence"] = {
        "BACKEND": "seus.s3_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("EVIDENCE_S3_BUCKET"),
            "endpoint_url": env.str("EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("EVIDENCE_S3_REGION", default="") or None,
            "location": env.str("EVIDENCE_S3_PREFIX", default="evidence"),
            # Empty keys leave boto3 to its own chain (instance role, ~/.aws).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        },
    }
else:
    raise ImproperlyConfigured(
        f"EVIDENCE_STORAGE must be 'local' or 's3', not {EVIDENCE_STORAGE!r}"
    )
# The staff upload pages store the file for the worker: PRIVATE_MEDIA_ROOT/imports (a
# worker on another machine needs that folder shared), or the evidence bucket under
# the prefix "imports".
IMPORT_STORAGE = env.str("IMPORT_STORAGE", default="local")
if IMPORT_STORAGE == "s3":
    if EVIDENCE_STORAGE != "s3":
        raise ImproperlyConfigured(
            "IMPORT_STORAGE=s3 uses the evidence bucket: set EVIDENCE_STORAGE=s3"
        )
    STORAGES["imports"] = {
        "BACKEND": "seus.s3_storage.PrivateS3Storage",
        "OPTIONS": {**STORAGES["evidence"]["OPTIONS"], "location": "imports"},
    }
else:
    STORAGES["imports"] = {
        "BACKEND": "seus.storage.PrivateStorage",
        "OPTIONS": {"subdir": "imports"},
    }
# Nothing is uploaded publicly; MEDIA_* exist only because Django expects them.
MEDIA_ROOT = VAR_DIR / "public-media"
MEDIA_URL = "/media/"

# --- Email: SMTP whenever EMAIL_HOST is set, the console otherwise -------------------

EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CSPO Tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        # The text part decoded, links whole (cspo_tracker/outbox/console.py).
        else "cspo_tracker.outbox.console.EmailBackend"
    ),
)

# Bounces and complaints (cspo_tracker/outbox/tracking.py): the mail provider's tracking
# webhook at /email/events/mailgun/, verified by django-anymail with the provider's own
# signing key (https://anymail.dev/en/stable/esps/mailgun/#status-tracking-webhooks).
# Unset: the webhook answers 404. ANYMAIL_WEBHOOK_SECRET ("user:password") adds HTTP
# basic authentication in front of the signature.
ANYMAIL = {
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
}

# --- The renewal fee paid online (https://docs.stripe.com/payments/checkout) ------------

# With STRIPE_SECRET_KEY the renewal fee is paid by card on Stripe Checkout and Stripe's
# signed webhook at /payments/stripe/webhook/ confirms it (renewals/payments/). Unset:
# the manual path only (a payment reference staff confirm), and `check --deploy` says so.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Where the stripe library sends its API calls: Stripe itself unless a test or a local
# stand-in is named.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# An unpaid Checkout Session closes after this long (Stripe allows 30 minutes to 24 hours);
# the holder can then start a new one.
STRIPE_CHECKOUT_HOURS = env.int("STRIPE_CHECKOUT_HOURS", default=24)
if not 1 <= STRIPE_CHECKOUT_HOURS <= 24:
    raise ImproperlyConfigured("STRIPE_CHECKOUT_HOURS: Stripe accepts 1 to 24 hours.")

# --- Celery and the scheduler (https://docs.celeryq.dev/en/stable/django/) ---------------

# With no CELERY_BROKER_URL tasks run in-process (eager), so the embedded default needs
# no broker. Production points it at Redis and runs worker and beat processes.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery closes Django's database connection around every task unless this is set; with
# it, a worker keeps its connection for DATABASE_CONN_MAX_AGE like a web process, and
# config/celery.py drops a broken or old one before and after each task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TIMEZONE = TIME_ZONE
# Webhook deliveries wait on other people's servers: they get their own queue and worker
# (`celery -A config worker -Q webhooks`, docs/operations.md), so email and the sweep
# never wait behind a slow receiver. Everything else stays on the default queue.
CELERY_TASK_ROUTES = {"webhooks.tasks.*": {"queue": "webhooks"}}
# The worker logs through LOGGING (by default it replaces the root handler).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks and their first schedules. Migrations write each one once into
# django-celery-beat's tables (cspo_tracker/beat.py), where staff change or pause it in
# the admin. Beat gets no static schedule: its DatabaseScheduler re-writes static entries
# at every start, which would undo those edits.
INITIAL_BEAT_SCHEDULE = {
    # Refresh credential statuses and send the renewal reminders that are due.
    "daily-renewal-sweep": {
        "task": "renewals.tasks.daily_sweep",
        "schedule": crontab(hour=6, minute=0),
    },
    # Emails whose queueing failed (broker down) or whose send failed and is due again.
    "deliver-outbox": {
        "task": "cspo_tracker.tasks.deliver_due_emails",
        "schedule": crontab(minute="*"),
    },
    # Webhook retries whose time has come, deliveries the broker never got, and leases
    # a killed worker left behind (webhooks/delivery.py).
    "deliver-webhooks": {
        "task": "webhooks.tasks.deliver_due_webhooks",
        "schedule": crontab(minute="*"),
    },
    # Personal data past its retention limit (below), and erasures a failed step left.
    "prune-personal-data": {
        "task": "cspo_tracker.tasks.prune_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
}
CELERY_BEAT_SCHEDULE = {}

# --- The email outbox (cspo_tracker/outbox/services.py) ------------------------------

# A failed send is tried again after BASE, 2 x BASE, 4 x BASE ... seconds (at most the
# maximum, +-20 %: cspo_tracker/retry.py), and marked failed for staff after this many
# attempts.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=6 * 3600)
# Emails per broker message, per claim and per SMTP connection.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
# A claimed batch is its run's for this long; a killed worker's unsent rows are taken by
# the next run after it. Longer than a batch takes at EMAIL_TIMEOUT per message.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=600)
# The every-minute delivery run sends batch after batch for at most this many seconds.
OUTBOX_DELIVER_DUE_SECONDS = env.int("OUTBOX_DELIVER_DUE_SECONDS", default=50)
# After the broker refused a message, requests skip it for this many seconds (the
# emails wait in the outbox for the delivery run): an outage costs one timeout, not one
# per email.
OUTBOX_BROKER_BACKOFF_SECONDS = env.int("OUTBOX_BROKER_BACKOFF_SECONDS", default=30)

# --- Webhooks (docs/webhooks.md) -----------------------------------------------------

# Plain http:// targets, and private, loopback, link-local, multicast and reserved
# addresses, are refused unless these are on (default: with DEBUG).
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=DEBUG)
# One attempt's whole time: connecting, TLS, sending, the status line and headers (one
# deadline, not a timeout per socket read). Standard Webhooks recommends 15-30 s.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=15.0)
# An answer's status line and headers are read up to this many bytes; the body never.
WEBHOOKS_MAX_RESPONSE_BYTES = env.int("WEBHOOKS_MAX_RESPONSE_BYTES", default=65536)
# Deliveries per broker message, claimed in one transaction; their attempts are recorded
# in one transaction per RECORD_EVERY seconds of sending (webhooks/delivery.py).
WEBHOOKS_BATCH_SIZE = env.int("WEBHOOKS_BATCH_SIZE", default=25)
WEBHOOKS_RECORD_EVERY_SECONDS = env.float("WEBHOOKS_RECORD_EVERY_SECONDS", default=2.0)
# A claimed delivery is its worker's for this long; after it, a killed worker's delivery
# is sent again by the periodic run.
WEBHOOKS_LEASE_SECONDS = env.int("WEBHOOKS_LEASE_SECONDS", default=120)
# After a failure wait BASE * 2^(attempts-1) seconds, at most MAX, +-20 % jitter; give up
# RETRY_HOURS after the event. A subscription failing for DISABLE_AFTER_HOURS is disabled.
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=60)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=6 * 3600)
WEBHOOKS_RETRY_HOURS = env.int("WEBHOOKS_RETRY_HOURS", default=72)
WEBHOOKS_DISABLE_AFTER_HOURS = env.int("WEBHOOKS_DISABLE_AFTER_HOURS", default=72)

# --- Personal data: retention, export, erasure (docs/operations.md) -----------------

# Days each kind of row is kept, counted from when it was written; 0 keeps it for ever.
# The prune-personal-data task deletes older rows (cspo_tracker/privacy/retention.py);
# work still in progress (an email waiting, a delivery being retried, an import
# running) is never pruned. Why each default: docs/operations.md, "Retention".
RETENTION_OUTBOX_DAYS = env.int("RETENTION_OUTBOX_DAYS", default=180)
RETENTION_IDEMPOTENCY_DAYS = env.int("RETENTION_IDEMPOTENCY_DAYS", default=7)
RETENTION_WEBHOOKS_DAYS = env.int("RETENTION_WEBHOOKS_DAYS", default=30)
RETENTION_IMPORTS_DAYS = env.int("RETENTION_IMPORTS_DAYS", default=30)
RETENTION_WALLET_OFFERS_DAYS = env.int("RETENTION_WALLET_OFFERS_DAYS", default=30)
# Rows deleted per transaction, and batches per kind in one run (the next run goes on).
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=500)
RETENTION_MAX_BATCHES = env.int("RETENTION_MAX_BATCHES", default=1000)

# --- Domain rules (docs/domain.md; a program's own rules are rows of Program) ---------

# At most this many SEUs per calendar day, summed over the day's entries.
SEU_DAILY_CAP = Decimal(env.str("SEU_DAILY_CAP", default="8"))
# SEUs are hours entered in steps of this size (a quarter hour).
SEU_STEP = Decimal(env.str("SEU_STEP", default="0.25"))
# People an SEU provider's organisation may report for the first time per day (UTC);
# rows past it are rejected. It counts addresses new to the organisation, not new
# accounts, so a refusal reveals nothing about who has an account (seus.provider_reports).
SEU_PROVIDER_NEW_PEOPLE_PER_DAY = env.int("SEU_PROVIDER_NEW_PEOPLE_PER_DAY", default=1000)
# Evidence uploads: size limit and the types accepted, checked on the file's content.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
EVIDENCE_CONTENT_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
SEU_LIST_PAGE_SIZE = env.int("SEU_LIST_PAGE_SIZE", default=50)
# Credentials per sweep chunk: a fixed number of queries per chunk, memory flat.
RENEWALS_SWEEP_BATCH_SIZE = env.int("RENEWALS_SWEEP_BATCH_SIZE", default=2000)

# --- Pages that cost the same at any size --------------------------------------------

# A practitioner's dashboard and SEU log are kept once rendered, keyed by the versions of
# the rows they read (certifications/own_pages.py; PostgreSQL only). Off: every view renders.
OWN_PAGES_KEPT = env.bool("OWN_PAGES_KEPT", default=True)
# Staff lists count at most this many rows, then say "1,000+" (cspo_tracker/paging.py).
PAGER_COUNT_CAP = 1000
# The staff reports' charts are counted at most once per period in this many seconds
# (staff/reports/selectors.py: charts_for); the CSV downloads always count afresh.
REPORTS_CACHE_SECONDS = env.int("REPORTS_CACHE_SECONDS", default=300)

# --- Signed credentials (Open Badges 3.0, docs/credentials.md) -----------------------

# The issuer's Ed25519 key (Multikey "z3u2..." or JWK). Without it only a DEBUG server
# signs, with a key it makes once in VAR_DIR; rotated-out public keys stay in the DID
# document.
CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="")
CREDENTIAL_SIGNING_OLD_KEYS = env.list("CREDENTIAL_SIGNING_OLD_KEYS", default=[])
CREDENTIAL_ISSUER_NAME = env.str("CREDENTIAL_ISSUER_NAME", default="CSPO Tracker")
CREDENTIAL_STATUS_MAX_AGE = env.int("CREDENTIAL_STATUS_MAX_AGE", default=300)
# OpenID4VCI (certifications/wallet/, docs/credentials.md): seconds a credential offer's
# pre-authorized code, the access token it buys, and a c_nonce stay usable. Short: the
# code is the only secret between a QR code on a screen and the holder's credential.
WALLET_OFFER_SECONDS = env.int("WALLET_OFFER_SECONDS", default=600)
WALLET_TOKEN_SECONDS = env.int("WALLET_TOKEN_SECONDS", default=300)
WALLET_NONCE_SECONDS = env.int("WALLET_NONCE_SECONDS", default=300)
# Anonymous checks at POST /verify/ per client address (cspo_tracker/client_address.py),
# as "<number>/<second|minute|hour|day>", and the time one check may take; a credential
# of this site takes milliseconds (certifications/vc/verification.py bounds the rest).
VERIFY_ANON_RATE_LIMIT = env.str("VERIFY_ANON_RATE_LIMIT", default="10/minute")
_count, _, _period = VERIFY_ANON_RATE_LIMIT.partition("/")
if not (_count.isdigit() and _period in ("second", "minute", "hour", "day")):
    raise ImproperlyConfigured(
        f"VERIFY_ANON_RATE_LIMIT is {VERIFY_ANON_RATE_LIMIT!r}: write <number>/<second|minute|hour|day>."
    )
VERIFY_TIME_LIMIT_SECONDS = env.float("VERIFY_TIME_LIMIT_SECONDS", default=2.0)

# --- The JSON API at /api/v1/ (docs/api.md) ------------------------------------------

# Bearer tokens first (a bad token answers 401 with WWW-Authenticate), then the browser
# session (CSRF enforced). Every endpoint names the scope each method needs
# (api/permissions.py); errors are RFC 9457 problems (api/problems.py). JSON only: the
# browsable API's pages carry inline script, which the CSP forbids.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only; the evidence upload alone takes multipart (api/views/seus.py), so
    # the OpenAPI document declares one body type each and generated clients send JSON.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    # No OPTIONS self-description (it builds objects outside the scope checks); the
    # OpenAPI document describes every endpoint.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNICODE_JSON": True,
}
# Requests per token (or signed-in user), and per address for anonymous calls, as
# "<number>/<second|minute|hour|day>"; past it: 429 with Retry-After.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
API_ANON_RATE_LIMIT = env.str("API_ANON_RATE_LIMIT", default="30/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "CSPO Tracker API",
    "DESCRIPTION": (
        "Credentials, the SEU log, SEU providers' reports and trainers' courses. "
        "Authenticate with `Authorization: Bearer <token>` (make a token on your profile "
        "page). Errors are RFC 9457 problem details; POSTs accept an Idempotency-Key."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problems",
    ],
}

# --- Security -------------------------------------------------------------------------

# Deploy checks an install knowingly does without, by id (e.g. certifications.W002 for
# a test install whose SITE_URL is a local http address): each named, never all.
SILENCED_SYSTEM_CHECKS = env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[])

# A strict Content-Security-Policy (django-csp 4): scripts and styles only from this
# site plus the per-request nonce; no inline script, style or event handler anywhere.
# data: images are Bootstrap's embedded SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# SecurityMiddleware's defaults, stated: nosniff, same-origin referrer and opener.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The largest request body accepted (Content-Length), refused with 413 before it is
# read: a little above the evidence limit, for the form fields sent with the file.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=EVIDENCE_MAX_BYTES + 1024 * 1024)

if not DEBUG:
    # Production sits behind a TLS proxy that sets X-Forwarded-Proto (docs/operations.md).
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe /healthz, and Prometheus scrapes /metrics, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    # HSTS is off until the operator knows every subdomain serves HTTPS (it cannot be
    # undone); subdomains are then covered, and preloading, a submission to browser
    # vendors, stays the operator's explicit choice.
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)

# --- Observability: logs, /metrics, /healthz (docs/operations.md) ---------------------

# LOG_FORMAT=json writes one JSON object a line, each with the request id (X-Request-ID
# or a new uuid, echoed in the response) and the user id (cspo_tracker/observability/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}")
# One line per request (method, path, status, duration); on by default with JSON logs,
# where gunicorn's own access log has no request id.
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "cspo_tracker.observability.logs.RequestContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "cspo_tracker.observability.logs.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's loggers write through the root handler only: its default console handler
    # would print a second, unformatted copy of each line while DJANGO_DEBUG is on.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
# /metrics (django-prometheus): scrapers send "Authorization: Bearer <METRICS_TOKEN>" or
# come from METRICS_ALLOWED_IPS.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# /healthz answers 503 past these limits: the last daily sweep, the oldest waiting email.
HEALTH_SWEEP_MAX_AGE_HOURS = env.float("HEALTH_SWEEP_MAX_AGE_HOURS", default=26)
HEALTH_OUTBOX_MAX_AGE_MINUTES = env.float("HEALTH_OUTBOX_MAX_AGE_MINUTES", default=60)
