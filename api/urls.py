"""/api/v1/: the versioned JSON API. New versions get a new prefix; v1 only grows."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .problems import not_found_view
from .views import me

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
]

# Anything else under /api/v1/ is a problem+json 404, not the HTML page.
fallback = [re_path(r"^.*$", not_found_view)]
