"""The SEU log: list (filters, cursor pages), create, read, change, delete, evidence.
Each write is seus.services, so the rules and their messages are the SEU form's."""

import mimetypes

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from seus import selectors, services

from ..authentication import practitioner_of
from ..idempotency import idempotent
from ..pagination import SeuCursor
from ..permissions import HasScope, PersonOnly
from ..problems import CONFLICT_TYPE, NOT_FOUND_DETAIL, problem
from ..serializers import CategoryField, SeuFieldsSerializer, object_id


class SeuEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    earned_on = serializers.DateField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    activity = serializers.CharField()
    provider = serializers.CharField()
    seus = serializers.DecimalField(max_digits=5, decimal_places=2)
    description = serializers.CharField()
    has_evidence = serializers.SerializerMethodField()
    used_by_renewal = serializers.BooleanField(
        source="is_consumed", help_text=gettext_lazy("A completed renewal used it: read-only.")
    )
    locked_by_renewal = serializers.BooleanField(
        source="reserved",
        help_text=gettext_lazy("The renewal in progress counts it: read-only for now."),
    )
    provider_reported = serializers.BooleanField(source="is_provider_reported")
    reported_by = serializers.CharField(source="reported_by.name", allow_null=True)
    provider_reference = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_has_evidence(self, entry) -> bool:
        return bool(entry.evidence)


# The list's rows are built by `entry_row` from `values()`, not field by field from model
# instances: DRF's serializer walks each of 17 fields of each entry through
# `get_attribute` and `to_representation`, and making three model instances per entry
# cost as much again. These fields format the values exactly as the serializer's.
_DAY = serializers.DateField()
_SEUS = SeuEntrySerializer().fields["seus"]

# What a row needs of an entry, its category and its reporting provider.
ROW_FIELDS = (
    "id",
    "earned_on",
    "category__code",
    "category__name",
    "activity",
    "provider",
    "seus",
    "description",
    "evidence",
    "consumed_by",
    "reserved",
    "reported_by",
    "reported_by__name",
    "provider_reference",
    "created_at",
    "updated_at",
)


def row_maker():
    """`entry_row` for one request: the moments in the request's time zone, asked once
    instead of once per value (tests/api/test_seus.py compares the rows with
    SeuEntrySerializer's)."""
    moment = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())

    def entry_row(entry):
        """One entry (a dict of ROW_FIELDS) as SeuEntrySerializer answers it."""
        reported = entry["reported_by"] is not None
        return {
            "id": entry["id"],
            "earned_on": _DAY.to_representation(entry["earned_on"]),
            "category": entry["category__code"],
            "category_name": entry["category__name"],
            "activity": entry["activity"],
            "provider": entry["provider"],
            "seus": _SEUS.to_representation(entry["seus"]),
            "description": entry["description"],
            "has_evidence": bool(entry["evidence"]),
            "used_by_renewal": entry["consumed_by"] is not None,
            "locked_by_renewal": bool(entry["reserved"]),
            "provider_reported": reported,
            "reported_by": entry["reported_by__name"] if reported else None,
            "provider_reference": entry["provider_reference"],
            "created_at": moment.to_representation(entry["created_at"]),
            "updated_at": moment.to_representation(entry["updated_at"]),
        }

    return entry_row


class SeuEntryCreateSerializer(SeuFieldsSerializer):
    provider = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        default="",
        help_text=gettext_lazy("Who ran it."),
    )
    allow_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "An entry identical to one logged (date, activity, SEUs) is refused "
            'unless this is true (the form\'s "Save it anyway").'
        ),
    )


class SeuFilterSerializer(serializers.Serializer):
    earned_from = serializers.DateField(
        required=False, help_text=gettext_lazy("Earned on or after.")
    )
    earned_to = serializers.DateField(
        required=False, help_text=gettext_lazy("Earned on or before.")
    )
    category = CategoryField(required=False, help_text=gettext_lazy("Category code."))


class EvidenceSerializer(serializers.Serializer):
    evidence = serializers.FileField(
        help_text=gettext_lazy("PDF, PNG or JPEG; its content is checked.")
    )


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    cap = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


def _entries(request):
    return selectors.with_renewal_lock(selectors.entries_for(practitioner_of(request)))


def _entry(request, pk):
    entry = _entries(request).filter(pk=object_id(pk)).first()
    if entry is None:
        raise NotFound(NOT_FOUND_DETAIL)  # someone else's entry answers like a missing one
    return entry


RENAMED = {"save_anyway": "allow_duplicate"}  # the form's box -> the API's field


def _saved(request, call, status_code=status.HTTP_200_OK):
    """Run a service; a refusal of the whole entry (used or counted by a renewal) is 409,
    field errors become a 422 problem (the exception handler)."""
    try:
        entry = call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {RENAMED.get(field, field): e for field, e in error.error_dict.items()}
            ) from error
        return problem(
            status.HTTP_409_CONFLICT,
            type_=CONFLICT_TYPE,
            detail=" ".join(error.messages),
            instance=request.path,
        )
    if entry is None:
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(SeuEntrySerializer(_entry(request, entry.pk)).data, status=status_code)


CONFLICT = OpenApiResponse(
    description=gettext_lazy(
        "The entry is used or counted by a renewal, so it is read-only: a problem "
        "(`type` `urn:cspo:problem:entry-read-only`) whose `detail` says which renewal."
    ),
)


class Scoped:
    permission_classes = [HasScope, PersonOnly]


class SeuEntryListView(Scoped, generics.ListAPIView):
    required_scopes = {"GET": "seus:read", "POST": "seus:write"}
    serializer_class = SeuEntrySerializer
    pagination_class = SeuCursor

    def get_queryset(self):
        params = SeuFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.with_renewal_lock(
            selectors.entries_for(practitioner_of(self.request), **params.validated_data)
        ).values(*ROW_FIELDS)

    @extend_schema(
        parameters=[SeuFilterSerializer], summary=gettext_lazy("My SEU log, newest first")
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        entry_row = row_maker()
        return self.get_paginated_response([entry_row(entry) for entry in page])

    @extend_schema(
        request=SeuEntryCreateSerializer,
        responses={201: SeuEntrySerializer, 409: CONFLICT},
        summary=gettext_lazy("Log SEUs"),
    )
    @idempotent
    def post(self, request):
        fields = SeuEntryCreateSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        practitioner = practitioner_of(request)
        return _saved(
            request,
            lambda: services.create_seu_entry(practitioner=practitioner, **fields.validated_data),
            status.HTTP_201_CREATED,
        )


class SeuEntryDetailView(Scoped, generics.GenericAPIView):
    required_scopes = {"GET": "seus:read", "PATCH": "seus:write", "DELETE": "seus:write"}
    serializer_class = SeuEntrySerializer

    @extend_schema(summary=gettext_lazy("One SEU entry"))
    def get(self, request, pk):
        return Response(SeuEntrySerializer(_entry(request, pk)).data)

    @extend_schema(
        request=SeuEntryCreateSerializer(partial=True),
        responses={200: SeuEntrySerializer, 409: CONFLICT},
        summary=gettext_lazy("Change an SEU entry"),
    )
    def patch(self, request, pk):
        entry = _entry(request, pk)
        fields = SeuEntryCreateSerializer(data=request.data, partial=True)
        fields.is_valid(raise_exception=True)
        changes = {k: v for k, v in fields.validated_data.items() if k in request.data}
        return _saved(request, lambda: services.update_seu_entry(entry=entry, **changes))

    @extend_schema(
        responses={204: None, 409: CONFLICT},
        summary=gettext_lazy("Delete an SEU entry"),
    )
    def delete(self, request, pk):
        entry = _entry(request, pk)
        return _saved(request, lambda: services.delete_seu_entry(entry=entry))


class SeuEvidenceView(Scoped, generics.GenericAPIView):
    parser_classes = [MultiPartParser]  # a file: the one body JSON cannot carry
    required_scopes = {"GET": "seus:read", "POST": "seus:write", "DELETE": "seus:write"}
    serializer_class = EvidenceSerializer

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
        },
        summary=gettext_lazy("Download the evidence file"),
    )
    def get(self, request, pk):
        entry = _entry(request, pk)
        if not entry.evidence:
            raise NotFound(_("This entry has no evidence file."))
        try:
            file = entry.evidence.open("rb")
        except FileNotFoundError as missing:
            raise NotFound(_("The evidence file is missing.")) from missing
        content_type = mimetypes.guess_type(entry.evidence.name)[0] or "application/pdf"
        return FileResponse(file, content_type=content_type, as_attachment=True)

    @extend_schema(
        request={"multipart/form-data": EvidenceSerializer},
        responses={200: SeuEntrySerializer, 409: CONFLICT},
        summary=gettext_lazy("Attach or replace the evidence file"),
    )
    @idempotent
    def post(self, request, pk):
        entry = _entry(request, pk)
        upload = EvidenceSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        evidence = upload.validated_data["evidence"]
        return _saved(request, lambda: services.update_seu_entry(entry=entry, evidence=evidence))

    @extend_schema(
        responses={200: SeuEntrySerializer, 409: CONFLICT},
        summary=gettext_lazy("Remove the evidence file"),
    )
    def delete(self, request, pk):
        entry = _entry(request, pk)
        return _saved(request, lambda: services.update_seu_entry(entry=entry, remove_evidence=True))


class SeuCategoryListView(generics.GenericAPIView):
    required_scopes = {"GET": "seus:read"}
    serializer_class = CategorySerializer

    @extend_schema(responses=CategorySerializer(many=True), summary=gettext_lazy("SEU categories"))
    def get(self, request):
        return Response(CategorySerializer(selectors.categories(), many=True).data)
