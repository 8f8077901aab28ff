from django.urls import path

from . import audit_views

urlpatterns = [
    path("audits/<int:pk>/", audit_views.audit, name="audit"),
    path("staff/audits/", audit_views.staff_audits, name="staff_audits"),
    path("staff/audits/items/<int:pk>/decide/", audit_views.decide_item, name="audit_decide"),
    path(
        "staff/audits/items/<int:pk>/evidence/",
        audit_views.item_evidence,
        name="audit_item_evidence",
    ),
]
