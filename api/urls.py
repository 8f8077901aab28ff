"""/api/v1/: the versioned JSON API. New versions get a new prefix; v1 only grows."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .problems import not_found_view
from .views import me, webhooks

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("me", me.MeView.as_view(), name="me"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>", webhooks.WebhookDetailView.as_view(), name="webhook"),
    path(
        "webhooks/<int:pk>/deliveries",
        webhooks.DeliveryListView.as_view(),
        name="webhook_deliveries",
    ),
    path(
        "webhooks/deliveries/<int:pk>/redeliver",
        webhooks.RedeliverView.as_view(),
        name="webhook_redeliver",
    ),
]

# Anything else under /api/v1/ is a problem+json 404, not the HTML page.
fallback = [re_path(r"^.*$", not_found_view)]
