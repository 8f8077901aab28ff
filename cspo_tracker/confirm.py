"""The page that asks before an action that cannot be undone: the same link, read with
GET, says what will happen and offers the button; only its POST acts. Deleting an SEU
entry, un-enrolling, closing a course and revoking have their own pages; the smaller
actions (delete a webhook, revoke an API token, make a new calendar link, approve a
lapsed renewal) share this one."""

from django.shortcuts import render


def confirm_page(request, *, title, consequences, button, cancel_url, danger=True):
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "button": button,
            "cancel_url": cancel_url,
            "danger": danger,
        },
    )
