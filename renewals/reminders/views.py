"""The unsubscribe pages of the optional reminders: the one-click POST a mail app sends
(RFC 8058) and the page a link in the body opens."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services as reminders


@csrf_exempt  # the signed, single-use token is the credential; no session is needed
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The unsubscribe link of each optional reminder.

    - POST with ``List-Unsubscribe=One-Click`` (RFC 8058): a mail provider's button,
      with no cookie; every optional reminder stops.
    - GET only asks (mail scanners follow links and must change nothing); its form
      POSTs ``scope`` = ``kind`` (only this kind of reminder) or ``all``.
    A forged token, or one used before, changes nothing."""
    link = reminders.unsubscribe_link(token)
    if link is None:
        return render(request, "renewals/unsubscribe.html", {"invalid": True}, status=404)
    context = {"link": link, "practitioner": link.practitioner, "done": False}
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        scope = reminders.Scope.ALL
        if not one_click and request.POST.get("scope") == reminders.Scope.KIND:
            scope = reminders.Scope.KIND
        context["done"] = reminders.unsubscribe(link=link, scope=scope)
        context["used"] = not context["done"]
        context["scope"] = scope
    elif link.used:
        context["used"] = True
    return render(request, "renewals/unsubscribe.html", context)
