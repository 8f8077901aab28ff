from django.urls import path

from . import views

urlpatterns = [
    path(".well-known/did.json", views.did_json, name="vc_did_document"),
    # did:web with a path (SITE_URL https://example.org/cspo): the document is at /cspo/did.json.
    path("did.json", views.did_json, name="vc_did_document_path"),
    path("issuer/", views.issuer_profile, name="vc_issuer"),
    path("achievements/<str:code>/", views.achievement, name="vc_achievement"),
    path("badges/<str:code>.png", views.badge_image, name="vc_badge_image"),
    path(
        "credentials/status/<str:purpose>/<int:number>",
        views.status_list,
        name="vc_status_list",
    ),
    path(
        "credentials/<str:certificate_number>/<int:pk>.json",
        views.signed_credential,
        name="vc_signed_credential",
    ),
    path("credentials/<str:certificate_number>.json", views.download, name="vc_download"),
    path("credentials/<str:certificate_number>.png", views.baked_badge, name="vc_baked_badge"),
]
