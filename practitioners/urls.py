"""The practitioner's own pages, at the paths they have always had (no prefix, no
namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("profile/", views.profile, name="profile"),
    path("profile/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("profile/data.zip", views.data_export, name="data_export"),
    path("profile/erase/", views.erase_account, name="erase_account"),
    path("account-erased/", views.account_erased, name="account_erased"),
    path("renewals/notifications/", views.notification_settings, name="notifications"),
]
