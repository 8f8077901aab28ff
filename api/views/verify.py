"""GET /api/v1/verify/<number>: anyone checks a certificate number (any case). The
answer carries the holder's name (withheld once they erased their account, as on the
verify page) and the credential's status, nothing else personal."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certifications.dates import today_for
from certifications.selectors import credential_by_number

from ..problems import NOT_FOUND_DETAIL


class VerificationSerializer(serializers.Serializer):
    certificate_number = serializers.CharField()
    holder_name = serializers.CharField(
        help_text=gettext_lazy('"Name withheld" once the holder has erased their account.')
    )
    holder_erased_at = serializers.DateTimeField(
        allow_null=True,
        help_text=gettext_lazy(
            "When the holder erased their account: the registry keeps the facts "
            "below, not the name. Null otherwise."
        ),
    )
    program = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["active", "expired", "revoked"],
        help_text=gettext_lazy(
            "As on the public verification page: past the expiry date is expired."
        ),
    )
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class VerifyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=VerificationSerializer, auth=[], summary=gettext_lazy("Verify a certificate")
    )
    def get(self, request, number):
        credential = credential_by_number(number.strip().upper()[:32])
        if credential is None:
            raise NotFound(NOT_FOUND_DETAIL)
        if credential.is_revoked:
            state = "revoked"
        elif credential.expires_on < today_for(credential.holder):
            state = "expired"
        else:
            state = "active"
        holder = credential.holder
        # Withheld once the holder erased their account, as the verify page says.
        name = (
            _("Name withheld") if holder.erased_at else (holder.full_name or _("(name not given)"))
        )

        return Response(
            VerificationSerializer(
                {
                    "certificate_number": credential.certificate_number,
                    "holder_name": name,
                    "holder_erased_at": holder.erased_at,
                    "program": credential.program.code,
                    "status": state,
                    "issued_on": credential.issued_on,
                    "expires_on": credential.expires_on,
                }
            ).data
        )
