"""The practitioner's home pages (no prefix, no namespace): the dashboard at / and the
calendar feed."""

from django.urls import path

from . import home_views

urlpatterns = [
    path("", home_views.dashboard, name="dashboard"),
    path("calendar/<str:token>.ics", home_views.calendar_feed, name="calendar_feed"),
]
