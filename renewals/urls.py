"""The practitioner's renewal pages under /renewals/ (the staff review pages of the same
prefix are staff's: staff/urls.py)."""

from django.urls import include, path

from . import views
from .reminders import views as reminder_views

app_name = "renewals"

urlpatterns = [
    path("", views.my_renewals, name="mine"),
    path("submit/", views.submit, name="submit"),
    path("unsubscribe/<str:token>/", reminder_views.unsubscribe, name="unsubscribe"),
    path("", include("renewals.claims.urls")),
    path("", include("renewals.audits.urls")),
    path("", include("renewals.payments.urls")),
]
