from django.urls import include, path

from . import course_views, import_views, names, public_views, share_views, views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/name/", names.name_required, name="name_required"),
    path("profile/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    # Courses (trainers and staff), verification and certificates, staff imports
    # (the staff reports read every app: renewals/report_urls.py).
    path("courses/", course_views.course_list, name="course_list"),
    path("courses/new/", course_views.course_create, name="course_create"),
    path("courses/<int:pk>/", course_views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", course_views.course_edit, name="course_edit"),
    path("courses/<int:pk>/enroll/", course_views.course_enroll, name="course_enroll"),
    path("courses/<int:pk>/attendance/", course_views.course_attendance, name="course_attendance"),
    path("courses/<int:pk>/close/", course_views.course_close, name="course_close"),
    path(
        "courses/<int:pk>/enrollments/<int:enrollment_pk>/remove/",
        course_views.course_unenroll,
        name="course_unenroll",
    ),
    path("courses/<int:pk>/history/", course_views.course_history, name="course_history"),
    path("", include("certifications.vc.urls")),
    path(
        "verify/<str:certificate_number>/",
        public_views.verify_credential,
        name="verify_credential",
    ),
    path(
        "verify/<str:certificate_number>/preview.png",
        share_views.verify_preview_image,
        name="verify_preview_image",
    ),
    path(
        "certificates/<str:certificate_number>.pdf",
        public_views.credential_certificate,
        name="credential_certificate",
    ),
    path("staff/imports/credentials/", import_views.import_credentials, name="import_credentials"),
    path("staff/imports/jobs/<int:pk>/", import_views.import_job, name="import_job"),
    path(
        "staff/imports/jobs/<int:pk>/status.json",
        import_views.import_job_status,
        name="import_job_status",
    ),
]
