"""The staff renewals queue: credentials expiring or in grace with what each is
missing, renewals waiting for a fee or an approval, and the reminders and emails sent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certifications.models import Credential
from certifications.permissions import staff_required
from cspo_tracker.confirm import confirm_page
from cspo_tracker.csv_export import SafeWriter
from cspo_tracker.outbox import services as outbox
from cspo_tracker.paging import bounded_page
from renewals import selectors, services, states
from renewals.models import Reminder, Renewal

from .forms import ReasonForm

EXPIRY_WINDOWS = (30, 60, 90)
PER_PAGE = 50


def _window(request):
    try:
        within = int(request.GET.get("within", 90))
    except ValueError:
        within = 90
    return within if within in EXPIRY_WINDOWS else 90


def _page(request, queryset, name):
    return bounded_page(queryset, request.GET.get(name), per_page=PER_PAGE)


@staff_required
def staff_overview(request):
    """Expiring credentials with what each is missing, credentials in grace, renewals
    awaiting staff, reminders sent, failed or waiting, and the emails failed or waiting
    in the outbox. Every list is paginated (with a count that stops at a cap) or capped:
    the page's queries, size and cost stay the same however many rows there are."""
    within = _window(request)
    today = timezone.localdate()
    page = _page(
        request,
        selectors.credentials_expiring(today=today, within_days=within).values_list(
            "pk", flat=True
        ),
        "page",
    )
    expiring = selectors.credential_progress(
        Credential.objects.filter(pk__in=list(page.object_list)).order_by("expires_on", "pk")
    )
    return render(
        request,
        "staff/renewals.html",
        {
            "within": within,
            "within_query": f"within={within}",
            "windows": EXPIRY_WINDOWS,
            "page": page,
            "expiring": expiring,
            "grace": _page(request, selectors.credentials_in_grace(), "grace_page"),
            "pending": _with_fee_refusals(
                _page(request, selectors.renewals_awaiting_staff(), "pending_page")
            ),
            "held": _page(request, selectors.renewals_held(), "held_page"),
            "reject_form": ReasonForm(),
            "sent": selectors.recent_reminders(statuses=[Reminder.Status.SENT]),
            "unsent_reminders": selectors.recent_reminders(
                statuses=[Reminder.Status.FAILED, Reminder.Status.PENDING]
            ),
            "unsent_emails": outbox.unsent(limit=50),
        },
    )


def _with_fee_refusals(page):
    """Each renewal on the page with `fee_refusal`: why its fee cannot be confirmed now
    (renewals.states.fee_refusal, the server's own check), "" when it can."""
    for renewal in page.object_list:
        renewal.fee_refusal = states.fee_refusal(renewal, under_audit=renewal.under_audit)
    return page


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Echo:
    def write(self, value):
        return value


@staff_required
def staff_expiring_csv(request):
    """The expiring list as CSV, streamed in chunks so a large export stays flat."""
    within = _window(request)
    today = timezone.localdate()
    writer = SafeWriter(_Echo())
    pks = selectors.credentials_expiring(today=today, within_days=within).values_list(
        "pk", flat=True
    )

    def rows():
        yield writer.writerow(
            [
                "certificate_number",
                "program",
                "holder_email",
                "expires_on",
                "status",
                "seus_counted",
                "seus_required",
                "fee_paid",
                "missing",
            ]
        )
        for ids in _chunks(pks.iterator(chunk_size=1000), 1000):
            batch = Credential.objects.filter(pk__in=ids).order_by("expires_on", "pk")
            for p in selectors.credential_progress(batch):
                yield writer.writerow(
                    [
                        p.credential.certificate_number,
                        p.credential.program.code,
                        p.credential.holder.email,
                        p.credential.expires_on.isoformat(),
                        p.status,
                        p.seus_counted,
                        p.seus_required,
                        "yes" if p.fee_paid else "no",
                        p.missing,
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="expiring-{within}-days.csv"'
    return response


def _staff_action(request, pk, action, success):
    renewal = get_object_or_404(Renewal, pk=pk)
    try:
        renewal = action(renewal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if renewal.status == Renewal.Status.COMPLETED:
            # Two sentences: what staff did, then where the renewal now stands.
            success = f"{success} {_('The renewal is complete.')}"
        messages.success(request, success)
    return redirect("staff_renewals")


@staff_required
def confirm_fee(request, pk):
    """GET shows what confirming the fee will do (SEUs used, credentials renewed to which
    date, emails sent); POST confirms it."""
    if request.method != "POST":
        renewal = get_object_or_404(
            Renewal.objects.select_related("practitioner__user", "fee_reviewed_by"), pk=pk
        )
        return render(
            request,
            "staff/confirm_fee.html",
            {"preview": selectors.fee_confirmation_preview(renewal)},
        )
    return _staff_action(
        request,
        pk,
        lambda r: services.confirm_fee(
            renewal=r,
            by=request.user,
            invoice_reference=request.POST.get("invoice_reference", ""),
        ),
        _("Fee of renewal #%(number)s confirmed.") % {"number": pk},
    )


@staff_required
@require_POST
def reject_fee(request, pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the payment is rejected."))
        return redirect("staff_renewals")
    return _staff_action(
        request,
        pk,
        lambda r: services.reject_fee(
            renewal=r, by=request.user, reason=form.cleaned_data["reason"]
        ),
        _("Payment of renewal #%(number)s rejected.") % {"number": pk},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def approve(request, pk):
    if request.method == "GET":
        renewal = get_object_or_404(Renewal.objects.select_related("practitioner__user"), pk=pk)
        return confirm_page(
            request,
            title=_("Approve renewal #%(number)s of a lapsed credential?") % {"number": pk},
            consequences=[
                _(
                    "%(practitioner)s (%(email)s) renews a credential "
                    "that lapsed past its grace period."
                )
                % {"practitioner": renewal.practitioner, "email": renewal.practitioner.email},
                _(
                    "Once its fee is confirmed too, the renewal completes and the credential is "
                    "active again from its old expiry."
                ),
            ],
            button=_("Approve"),
            cancel_url=reverse("staff_renewals") + "#awaiting",
            danger=False,
        )
    return _staff_action(
        request,
        pk,
        lambda r: services.approve_renewal(renewal=r, by=request.user),
        _("Renewal #%(number)s approved.") % {"number": pk},
    )
