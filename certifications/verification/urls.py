from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify_upload, name="vc_verify"),
    path("verify/<str:certificate_number>/", views.verify_credential, name="verify_credential"),
    path(
        "verify/<str:certificate_number>/preview.png",
        views.verify_preview_image,
        name="verify_preview_image",
    ),
    path(
        "certificates/<str:certificate_number>.pdf",
        views.credential_certificate,
        name="credential_certificate",
    ),
]
