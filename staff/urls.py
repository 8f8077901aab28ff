from django.urls import path

from . import views

urlpatterns = [
    path("staff/", views.console, name="staff_console"),
    path("trainer/", views.trainer_home, name="trainer_home"),
    path("role/", views.switch_role, name="switch_role"),
    path("search/", views.search, name="search"),
    path("staff/practitioners/<int:pk>/", views.practitioner_detail, name="staff_practitioner"),
    path(
        "staff/practitioners/<int:pk>/edit/",
        views.practitioner_edit,
        name="staff_practitioner_edit",
    ),
    path(
        "staff/audit/<str:app_label>/<str:model>/<int:pk>/",
        views.audit_trail,
        name="staff_audit",
    ),
]
