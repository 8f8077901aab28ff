"""Sharing a credential: LinkedIn's add-certification link, and the preview a
shared /verify/<number>/ link shows (Open Graph / Twitter card tags and a PNG drawn per
credential with its holder's name, program and status; never the email address)."""

import io
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageDraw

from ..dates import today_for
from ..issuing.services import verification_url
from ..vc.badge import _drawn, _font

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"
PREVIEW_SIZE = (1200, 630)
NO_NAME = gettext_lazy("Certificate holder")
# The status a public page shows, in the reader's language; the English word stays the
# key the code compares.
STATUS_WORDS = {
    "Active": gettext_lazy("Active"),
    "Expired": gettext_lazy("Expired"),
    "Revoked": gettext_lazy("Revoked"),
}


def public_status(credential, *, today=None):
    """What a public page says of the credential: Revoked, Expired or Active (the same
    words as /verify/<number>/)."""
    if credential.revoked_at is not None:
        return "Revoked"
    today = today or today_for(credential.holder)
    return "Expired" if credential.expires_on < today else "Active"


def holder_name(credential):
    """The holder's name for a public preview; never the email address."""
    return credential.holder.full_name.strip() or str(NO_NAME)


def can_add_to_linkedin(credential, *, today=None):
    return public_status(credential, today=today) == "Active"


def linkedin_add_url(credential):
    """LinkedIn's "Add license or certification" form, filled in: name, organisation,
    issue and expiry month, certificate id and the verification URL."""
    program = credential.program
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": f"{program.name} ({program.code})",
        "organizationName": program.issuing_body,
        "issueYear": credential.issued_on.year,
        "issueMonth": credential.issued_on.month,
        "expirationYear": credential.expires_on.year,
        "expirationMonth": credential.expires_on.month,
        "certUrl": verification_url(credential),
        "certId": credential.certificate_number,
    }
    return f"{LINKEDIN_ADD_URL}?{urlencode(params, quote_via=quote)}"


def preview_image_url(credential):
    return settings.SITE_URL + reverse("verify_preview_image", args=[credential.certificate_number])


def preview_meta(credential):
    """Open Graph and Twitter card tags for the verification page: [(attribute, key,
    value)], absolute URLs from SITE_URL."""
    status = public_status(credential)
    shown_status = str(STATUS_WORDS[status])
    program = credential.program
    title = f"{holder_name(credential)}: {program.name} ({program.code})"
    facts = {
        "status": shown_status,
        "body": program.issuing_body,
        "number": credential.certificate_number,
        "expires": f"{credential.expires_on:%-d %b %Y}",
    }
    description = (
        _("%(status)s · %(body)s · certificate %(number)s · valid until %(expires)s") % facts
        if status == "Active"
        else _("%(status)s · %(body)s · certificate %(number)s") % facts
    )
    image = preview_image_url(credential)
    return [
        ("property", "og:type", "website"),
        ("property", "og:site_name", settings.SITE_NAME),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", verification_url(credential)),
        ("property", "og:image", image),
        ("property", "og:image:width", str(PREVIEW_SIZE[0])),
        ("property", "og:image:height", str(PREVIEW_SIZE[1])),
        (
            "property",
            "og:image:alt",
            _("%(program)s badge: %(title)s, %(status)s")
            % {"program": program.code, "title": title, "status": shown_status},
        ),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image),
    ]


STATUS_COLOURS = {"Active": "#146c43", "Expired": "#b02a37", "Revoked": "#b02a37"}


def preview_png(credential):
    """A 1200×630 PNG: the program's badge, the holder's name, the program and status."""
    status = public_status(credential)
    program = credential.program
    image = Image.new("RGB", PREVIEW_SIZE, "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, PREVIEW_SIZE[0], 16), fill="#0d6efd")
    badge = _drawn(program.code, program.level).resize((360, 360))
    image.paste(badge, (70, 135), badge)
    x = 490
    draw.text((x, 150), settings.SITE_NAME.upper(), fill="#6c757d", font=_font(30))
    draw.text((x, 205), _fit(holder_name(credential), 64, 40), fill="#212529", font=_font(64))
    draw.text((x, 300), _fit(program.name, 40, 34), fill="#212529", font=_font(40))
    draw.text((x, 355), program.issuing_body, fill="#495057", font=_font(32))
    colour = STATUS_COLOURS[status]
    draw.rounded_rectangle((x, 420, x + 250, 480), radius=12, fill=colour)
    draw.text(
        (x + 125, 450), str(STATUS_WORDS[status]), fill="#ffffff", font=_font(36), anchor="mm"
    )
    draw.text(
        (x, 510),
        _("Certificate %(number)s") % {"number": credential.certificate_number},
        fill="#495057",
        font=_font(28),
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _fit(text, size, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"
