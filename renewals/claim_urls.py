from django.urls import path

from . import claim_views, notification_views

urlpatterns = [
    path("notifications/", notification_views.settings_page, name="notifications"),
    path("claim/", claim_views.claim, name="claim"),
    path("staff/claims/", claim_views.staff_claims, name="staff_claims"),
    path("staff/claims/<int:pk>/approve/", claim_views.approve_claim, name="approve_claim"),
    path("staff/claims/<int:pk>/reject/", claim_views.reject_claim, name="reject_claim"),
    path("staff/claims/<int:pk>/evidence/", claim_views.claim_evidence, name="claim_evidence"),
]
