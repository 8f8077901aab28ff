"""The preview image a shared verification link shows (certifications/share.py)."""

from django.http import Http404, HttpResponse

from .models import Credential
from .share import preview_png


def verify_preview_image(request, certificate_number):
    number = certificate_number.strip().upper()
    credential = Credential.objects.with_related().filter(certificate_number=number).first()
    if credential is None:
        raise Http404("No credential has this number.")
    response = HttpResponse(preview_png(credential), content_type="image/png")
    # The status can change (expiry, revocation): previews are re-read within the hour.
    response["Cache-Control"] = "public, max-age=3600"
    return response
