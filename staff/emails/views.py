"""Email deliverability for staff: the addresses the mail provider reported as bouncing
or complaining, the emails held for them, and a preview of every email the app sends."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from certifications.permissions import staff_required
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail, Suppression

from . import previews as samples

LIST_SIZE = 200


@staff_required
def addresses(request):
    return render(
        request,
        "staff/email_addresses.html",
        {
            "suppressions": Suppression.objects.order_by("-created_at")[:LIST_SIZE],
            "held": OutboundEmail.objects.filter(status=OutboundEmail.Status.HELD).order_by(
                "created_at", "pk"
            )[:LIST_SIZE],
        },
    )


@staff_required
@require_POST
def lift(request):
    """The address works again (the holder fixed their mailbox): its held emails go."""
    address = request.POST.get("address", "")
    held = outbox.lift_suppression(address=address)
    messages.success(
        request,
        ngettext(
            "%(address)s is reachable again; %(count)s held email sent.",
            "%(address)s is reachable again; %(count)s held emails sent.",
            held,
        )
        % {"address": address, "count": held},
    )
    return redirect("staff_email_addresses")


@staff_required
@require_POST
def send_again(request, pk):
    """A failed email goes back to the outbox with a fresh count (outbox.retry); an email
    that is not failed any more is left as it is."""
    email = OutboundEmail.objects.filter(pk=pk, status=OutboundEmail.Status.FAILED).first()
    if email is None:
        messages.info(request, _("That email is not failed any more; nothing was sent again."))
    else:
        outbox.retry(email)
        messages.success(
            request,
            _("“%(subject)s” to %(to)s is queued to be sent again.")
            % {"subject": email.subject, "to": email.to},
        )
    return redirect(f"{reverse('staff_renewals')}#emails")


@staff_required
def previews(request):
    """Every email kind with realistic data: subject, the text twin, and a link to the
    HTML part as the recipient sees it."""
    return render(
        request, "staff/email_previews.html", {"previews": list(enumerate(samples.previews()))}
    )


# An email's HTML is styled inline (mail clients ignore style sheets), and loads only the
# badge from this site: this page alone allows inline styles, nothing else.
@staff_required
@csp_replace({"style-src": [UNSAFE_INLINE], "script-src": [NONE], "img-src": [SELF]})
def preview_html(request, index):
    rendered = samples.previews()
    if not 0 <= index < len(rendered):
        raise Http404(_("No such email."))
    return HttpResponse(rendered[index].email.body_html)
