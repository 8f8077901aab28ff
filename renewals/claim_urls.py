from django.urls import path

from . import claim_views

urlpatterns = [
    path("claim/", claim_views.claim, name="claim"),
    path("staff/claims/", claim_views.staff_claims, name="staff_claims"),
    path("staff/claims/<int:pk>/approve/", claim_views.approve_claim, name="approve_claim"),
    path("staff/claims/<int:pk>/reject/", claim_views.reject_claim, name="reject_claim"),
    path("staff/claims/<int:pk>/evidence/", claim_views.claim_evidence, name="claim_evidence"),
]
