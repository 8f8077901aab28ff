"""Courses (trainers and staff), the name every account gives, public verification,
certificates and the portable credentials."""

from django.urls import include, path

from . import languages, names

urlpatterns = [
    path("profile/name/", names.name_required, name="name_required"),
    path("language/", languages.choose_language, name="choose_language"),
    path("courses/", include("certifications.courses.urls")),
    path("", include("certifications.verification.urls")),
    path("", include("certifications.vc.urls")),
    path("", include("certifications.wallet.urls")),
]
