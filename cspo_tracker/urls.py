from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("seus/", include("seus.urls")),
    path("renewals/", include("renewals.urls")),
    path("", include("certifications.urls")),
]
