from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from api import urls as api_urls
from api import web as api_web
from seus import views as seus_views

from . import metrics, views

# The admin signs in through allauth, so two-factor authentication applies there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # The JSON API (issue 10); unknown /api/ paths answer problem+json.
    path("api/v1/", include("api.urls")),
    path("api/", include(api_urls.fallback)),
    path("profile/api-tokens/", api_web.token_list, name="api_tokens"),
    path("profile/api-tokens/<int:pk>/revoke", api_web.token_revoke, name="api_token_revoke"),
    path("accounts/", include("allauth.urls")),
    path("seus/", include("seus.urls")),
    # Staff pages outside the seus/ prefix, beside the credential import.
    path("staff/imports/seus/", seus_views.import_seus, name="import_seus"),
    path("renewals/", include("renewals.urls")),
    path("", include("staff.urls")),
    path("profile/webhooks/", include("webhooks.urls")),
    path("", include("renewals.home_urls")),
    path("", include("renewals.report_urls")),
    path("", include("certifications.urls")),
]
