"""POST /api/v1/provider/seus: an SEU provider reports attendees' SEUs by email
(seus.provider_reports). Needs an organisation token with seus:write."""

from django.utils.translation import gettext_lazy, ngettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from seus.provider_reports import ReportedRow, report_seus

from ..authentication import organisation_of
from ..idempotency import idempotent
from ..permissions import HasScope, OrganisationOnly
from ..serializers import SeuFieldsSerializer

MAX_ROWS = 500


class ReportedRowSerializer(SeuFieldsSerializer):
    reference = serializers.CharField(
        max_length=100,
        help_text=gettext_lazy(
            "Your id for the activity (e.g. the event's). Each attendee gets one "
            "entry per reference: sending the row again adds nothing."
        ),
    )
    email = serializers.EmailField(max_length=254)
    first_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)


class ReportSerializer(serializers.Serializer):
    entries = ReportedRowSerializer(many=True, allow_empty=False, max_length=MAX_ROWS)


class RowResultSerializer(serializers.Serializer):
    reference = serializers.CharField()
    email = serializers.EmailField()
    status = serializers.ChoiceField(
        choices=["created", "exists", "rejected"],
        help_text=gettext_lazy("exists: reported before, nothing written; rejected: see errors."),
    )
    entry_id = serializers.IntegerField(allow_null=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("Field name to messages (the SEU log's rules), for a rejected row."),
    )


class ReportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    exists = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = RowResultSerializer(many=True)


def _result(result):
    return {
        "reference": result.row.reference,
        "email": result.row.email,
        "status": result.status,
        "entry_id": result.entry.pk if result.entry else None,
        "errors": {
            ("non_field_errors" if k == "__all__" else k): v for k, v in result.errors.items()
        },
    }


class ProviderSeuReportView(APIView):
    permission_classes = [HasScope, OrganisationOnly]
    required_scopes = {"POST": "seus:write"}

    @extend_schema(
        request=ReportSerializer,
        responses=ReportResultSerializer,
        summary=gettext_lazy("SEU providers: report attendees' SEUs"),
        description=ngettext_lazy(
            "At most %(max)s row per request. Each row stands alone: a row "
            "that breaks a rule of the SEU log (daily cap, category cap, future date) is "
            "rejected with its errors and the others are logged. Entries are marked as "
            "reported by your organisation.",
            "At most %(max)s rows per request. Each row stands alone: a row "
            "that breaks a rule of the SEU log (daily cap, category cap, future date) is "
            "rejected with its errors and the others are logged. Entries are marked as "
            "reported by your organisation.",
            "max",
        )
        % {"max": MAX_ROWS},
    )
    @idempotent
    def post(self, request):
        report = ReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        rows = [ReportedRow(**row) for row in report.validated_data["entries"]]
        results = [
            _result(r) for r in report_seus(organisation=organisation_of(request), rows=rows)
        ]
        counts = {
            s: sum(1 for r in results if r["status"] == s)
            for s in ("created", "exists", "rejected")
        }
        return Response(ReportResultSerializer({**counts, "results": results}).data)
