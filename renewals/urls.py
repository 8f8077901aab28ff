from django.urls import include, path

from . import audit_urls, claim_urls, views

app_name = "renewals"

urlpatterns = [
    path("", views.my_renewals, name="mine"),
    path("submit/", views.submit, name="submit"),
    path("staff/", views.staff_overview, name="staff"),
    path("staff/expiring.csv", views.staff_expiring_csv, name="staff_expiring_csv"),
    path("staff/<int:pk>/confirm-fee/", views.confirm_fee, name="confirm_fee"),
    path("staff/<int:pk>/reject-fee/", views.reject_fee, name="reject_fee"),
    path("staff/<int:pk>/approve/", views.approve, name="approve"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("", include(claim_urls)),
    path("", include(audit_urls)),
]
