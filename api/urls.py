"""/api/v1/: the versioned JSON API. New versions get a new prefix; v1 only grows."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .problems import not_found_view
from .views import courses, credentials, me, provider, seus, verify, webhooks

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
    path("credentials", credentials.CredentialListView.as_view(), name="credentials"),
    path("seus", seus.SeuEntryListView.as_view(), name="seus"),
    path("seus/<int:pk>", seus.SeuEntryDetailView.as_view(), name="seu"),
    path("seus/<int:pk>/evidence", seus.SeuEvidenceView.as_view(), name="seu_evidence"),
    path("seu-categories", seus.SeuCategoryListView.as_view(), name="seu_categories"),
    path("provider/seus", provider.ProviderSeuReportView.as_view(), name="provider_seus"),
    path("courses", courses.CourseListView.as_view(), name="courses"),
    path("courses/<int:pk>/roster", courses.RosterView.as_view(), name="course_roster"),
    path("courses/<int:pk>/attendance", courses.AttendanceView.as_view(), name="course_attendance"),
    path("courses/<int:pk>/close", courses.CloseView.as_view(), name="course_close"),
    path("verify/<str:number>", verify.VerifyView.as_view(), name="verify"),
    path("webhooks", webhooks.WebhookListView.as_view(), name="webhooks"),
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
