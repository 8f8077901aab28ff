"""The staff reports, at /staff/reports/ (URL names kept from when they lived in
certifications)."""

from django.urls import path

from . import report_views

urlpatterns = [
    path("staff/reports/", report_views.staff_reports, name="staff_reports"),
    path("staff/reports/courses.csv", report_views.courses_csv, name="staff_report_courses_csv"),
    path(
        "staff/reports/credentials-per-month.csv",
        report_views.credentials_per_month_csv,
        name="staff_report_credentials_csv",
    ),
    path(
        "staff/reports/issued-and-renewed.csv",
        report_views.issued_renewed_csv,
        name="staff_report_issued_renewed_csv",
    ),
    path(
        "staff/reports/renewal-rate.csv",
        report_views.renewal_rate_csv,
        name="staff_report_renewal_rate_csv",
    ),
    path(
        "staff/reports/seus-by-category.csv",
        report_views.seus_by_category_csv,
        name="staff_report_seus_csv",
    ),
]
