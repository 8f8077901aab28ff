"""Courses (trainers and staff), the name every account gives, public verification,
certificates and the portable credentials."""

from django.urls import include, path

from . import names

urlpatterns = [
    path("profile/name/", names.name_required, name="name_required"),
    path("courses/", include("certifications.courses.urls")),
    path("", include("certifications.verification.urls")),
    path("", include("certifications.vc.urls")),
    path("", include("certifications.wallet.urls")),
]
