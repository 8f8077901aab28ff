"""GET /api/v1/credentials: my credentials with status, SEUs counted and missing, expiry
and days left, from renewals.selectors.credential_progress (the dashboard's numbers)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certifications.selectors import credentials_of
from renewals.selectors import credential_progress
from renewals.states import State, states_for

from ..authentication import practitioner_of
from ..permissions import HasScope, PersonOnly

STATUSES = ["active", "renewal_due", "grace", "lapsed", "revoked"]


class CredentialSerializer(serializers.Serializer):
    certificate_number = serializers.CharField()
    program = serializers.CharField(help_text=gettext_lazy("Program code, e.g. CSPO."))
    program_name = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    days_left = serializers.IntegerField(
        help_text=gettext_lazy("Days until expiry (negative: past it).")
    )
    status = serializers.ChoiceField(choices=STATUSES)
    state = serializers.ChoiceField(
        choices=State.values,
        help_text=gettext_lazy(
            "Where the credential stands, renewal and audit included "
            "(docs/states.md): the dashboard's status word."
        ),
    )
    seus_counted = serializers.DecimalField(max_digits=8, decimal_places=2)
    seus_required = serializers.DecimalField(max_digits=8, decimal_places=2)
    seus_missing = serializers.DecimalField(max_digits=8, decimal_places=2)
    fee_paid = serializers.BooleanField()
    requirements_met = serializers.BooleanField()
    renewal_pending = serializers.BooleanField()
    missing = serializers.CharField(
        help_text=gettext_lazy('What is missing, e.g. "6 SEUs and the fee".')
    )


def _row(progress, state):
    credential = progress.credential
    return {
        "certificate_number": credential.certificate_number,
        "program": credential.program.code,
        "program_name": credential.program.name,
        "issued_on": credential.issued_on,
        "expires_on": credential.expires_on,
        "days_left": progress.days_left,
        "status": "revoked" if credential.is_revoked else str(progress.status),
        "state": state.value,
        "seus_counted": progress.seus_counted,
        "seus_required": progress.seus_required,
        "seus_missing": progress.seus_missing,
        "fee_paid": progress.fee_paid,
        "requirements_met": progress.requirements_met,
        "renewal_pending": progress.renewal_pending,
        "missing": progress.missing,
    }


class CredentialListView(APIView):
    permission_classes = [HasScope, PersonOnly]
    required_scopes = {"GET": "credentials:read"}

    @extend_schema(
        responses=CredentialSerializer(many=True), summary=gettext_lazy("My credentials")
    )
    def get(self, request):
        progress = credential_progress(credentials_of(practitioner_of(request)))
        states = states_for(progress)
        rows = [_row(p, states[p.credential.pk]) for p in progress]
        return Response(CredentialSerializer(rows, many=True).data)
