"""The project's URLs: each app's own URLconf at the paths they have always had."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from api import urls as api_urls
from api import web as api_web
from cspo_tracker.observability import metrics, views
from cspo_tracker.outbox import tracking as email_tracking
from renewals.payments import views as payment_views

# The admin signs in through allauth, so two-factor authentication applies there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    # The mail provider's bounce and complaint webhook (cspo_tracker/outbox/tracking.py).
    path("email/events/mailgun/", email_tracking.mailgun, name="email_events_mailgun"),
    # Stripe's events about renewal fees paid online (renewals/payments/).
    path("payments/stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    path("admin/", admin.site.urls),
    # The JSON API; unknown /api/ paths answer problem+json.
    path("api/v1/", include("api.urls")),
    path("api/", include(api_urls.fallback)),
    path("profile/api-tokens/", api_web.token_list, name="api_tokens"),
    path("profile/api-tokens/<int:pk>/revoke", api_web.token_revoke, name="api_token_revoke"),
    path("profile/webhooks/", include("webhooks.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("staff.urls")),
    path("seus/", include("seus.urls")),
    path("renewals/", include("renewals.urls")),
    path("", include("practitioners.urls")),
    path("", include("certifications.urls")),
]

# Problems under /api/, the site's error pages elsewhere (cspo_tracker/errors.py).
handler400 = "cspo_tracker.errors.bad_request"
handler403 = "cspo_tracker.errors.permission_denied"
handler404 = "cspo_tracker.errors.page_not_found"
handler500 = "cspo_tracker.errors.server_error"
