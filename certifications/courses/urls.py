from django.urls import path

from . import views

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("new/", views.course_create, name="course_create"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/enroll/", views.course_enroll, name="course_enroll"),
    path("<int:pk>/attendance/", views.course_attendance, name="course_attendance"),
    path("<int:pk>/close/", views.course_close, name="course_close"),
    path(
        "<int:pk>/enrollments/<int:enrollment_pk>/remove/",
        views.course_unenroll,
        name="course_unenroll",
    ),
    path("<int:pk>/history/", views.course_history, name="course_history"),
]
