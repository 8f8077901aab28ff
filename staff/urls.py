"""Every staff and trainer page: the console, trainer home, search, the practitioner view
and audit trail, the reports, the imports, and the review queues for renewals, claims
and SEU audits (the review pages keep their /renewals/staff/ paths)."""

from django.urls import path

from . import views
from .emails import views as emails
from .imports import views as imports
from .reports import views as reports
from .reviews import audits, claims, renewals

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
    path("staff/audit/", views.audit_log, name="staff_audit_log"),
    path(
        "staff/audit/<str:app_label>/<str:model>/<int:pk>/",
        views.audit_trail,
        name="staff_audit",
    ),
    path(
        "staff/credentials/<str:certificate_number>/revoke/",
        views.revoke,
        name="staff_revoke_credential",
    ),
    # Email: unreachable addresses, held emails, previews
    path("staff/emails/addresses/", emails.addresses, name="staff_email_addresses"),
    path("staff/emails/addresses/lift/", emails.lift, name="staff_email_lift"),
    path("staff/emails/<int:pk>/send-again/", emails.send_again, name="staff_email_send_again"),
    path("staff/emails/previews/", emails.previews, name="staff_email_previews"),
    path(
        "staff/emails/previews/<int:index>/html/",
        emails.preview_html,
        name="staff_email_preview_html",
    ),
    # Reports
    path("staff/reports/", reports.staff_reports, name="staff_reports"),
    path("staff/reports/courses.csv", reports.courses_csv, name="staff_report_courses_csv"),
    path("staff/reports/fees.csv", reports.fees_csv, name="staff_report_fees_csv"),
    path(
        "staff/reports/credentials-per-month.csv",
        reports.credentials_per_month_csv,
        name="staff_report_credentials_csv",
    ),
    path(
        "staff/reports/issued-and-renewed.csv",
        reports.issued_renewed_csv,
        name="staff_report_issued_renewed_csv",
    ),
    path(
        "staff/reports/renewal-rate.csv",
        reports.renewal_rate_csv,
        name="staff_report_renewal_rate_csv",
    ),
    path(
        "staff/reports/seus-by-category.csv",
        reports.seus_by_category_csv,
        name="staff_report_seus_csv",
    ),
    # Imports
    path("staff/imports/credentials/", imports.import_credentials, name="import_credentials"),
    path("staff/imports/seus/", imports.import_seus, name="import_seus"),
    path("staff/imports/jobs/<int:pk>/", imports.import_job, name="import_job"),
    path(
        "staff/imports/jobs/<int:pk>/status.json",
        imports.import_job_status,
        name="import_job_status",
    ),
    # Review queues: renewals (fees, approvals), claims, SEU audits
    path("renewals/staff/", renewals.staff_overview, name="staff_renewals"),
    path(
        "renewals/staff/expiring.csv",
        renewals.staff_expiring_csv,
        name="staff_renewals_expiring_csv",
    ),
    path("renewals/staff/<int:pk>/confirm-fee/", renewals.confirm_fee, name="staff_confirm_fee"),
    path("renewals/staff/<int:pk>/reject-fee/", renewals.reject_fee, name="staff_reject_fee"),
    path("renewals/staff/<int:pk>/approve/", renewals.approve, name="staff_approve_renewal"),
    path("renewals/staff/claims/", claims.staff_claims, name="staff_claims"),
    path(
        "renewals/staff/claims/<int:pk>/approve/",
        claims.approve_claim,
        name="staff_approve_claim",
    ),
    path("renewals/staff/claims/<int:pk>/reject/", claims.reject_claim, name="staff_reject_claim"),
    path(
        "renewals/staff/claims/<int:pk>/evidence/",
        claims.claim_evidence,
        name="staff_claim_evidence",
    ),
    path("renewals/staff/audits/", audits.staff_audits, name="staff_audits"),
    path(
        "renewals/staff/audits/items/<int:pk>/decide/",
        audits.decide_item,
        name="staff_audit_decide",
    ),
    path(
        "renewals/staff/audits/items/<int:pk>/evidence/",
        audits.item_evidence,
        name="staff_audit_item_evidence",
    ),
]
