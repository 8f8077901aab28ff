"""/api/v1/webhooks/: subscriptions, their delivery log and redelivery (scope
`webhooks:manage`). Thin callers of webhooks.services and webhooks.selectors; a
personal token manages its user's webhooks (staff: also the organisation-level ones),
an organisation token its organisation's."""

from django.shortcuts import get_object_or_404
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from webhooks import selectors, services
from webhooks.models import EVENT_NAMES, WebhookDelivery, WebhookSubscription

from ..authentication import organisation_of
from ..idempotency import idempotent
from ..permissions import HasScope

SCOPE = "webhooks:manage"
MAX_DELIVERIES = 100


def actor(request):
    """Who manages webhooks in this request: an Organisation or the user."""
    return organisation_of(request) or request.user


class SubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_NAMES))

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "events",
            "scope",
            "description",
            "active",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = fields


class NewSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "whsec_… signing secret, returned once: store it now. Absent from a replayed answer."
        ),
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionInput(serializers.Serializer):
    url = serializers.CharField(
        max_length=2000, help_text=gettext_lazy("https:// on a public address.")
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_NAMES), allow_empty=False, max_length=20
    )
    scope = serializers.ChoiceField(
        choices=WebhookSubscription.Scope.choices,
        default=WebhookSubscription.Scope.OWN,
        help_text=gettext_lazy(
            "organisation: every practitioner's events for staff; for an "
            "organisation token (which always gets this), the events of the people it "
            "reported SEUs for."
        ),
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AttemptSerializer(serializers.Serializer):
    attempted_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField(
        source="event.msg_id", help_text=gettext_lazy("The webhook-id header.")
    )
    event_type = serializers.CharField(source="event.type")
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices)
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    next_attempt_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    payload = serializers.JSONField(source="event.payload")
    attempt_log = AttemptSerializer(many=True, source="attempt_log.all")


def _subscription(request, pk):
    return get_object_or_404(selectors.manageable_by(actor(request)), pk=pk)


class WebhookListView(APIView):
    permission_classes = [HasScope]
    required_scope = SCOPE

    @extend_schema(
        responses=SubscriptionSerializer(many=True), summary=gettext_lazy("List webhooks")
    )
    def get(self, request):
        subscriptions = selectors.manageable_by(actor(request)).order_by("-created_at", "-pk")
        return Response(SubscriptionSerializer(subscriptions, many=True).data)

    @extend_schema(
        request=SubscriptionInput,
        responses={201: NewSubscriptionSerializer},
        summary=gettext_lazy("Subscribe a URL to events (the secret is returned once)"),
        description=_(
            "The signing secret is in this answer only: a replay of the same "
            "`Idempotency-Key` answers without it (delete the webhook and make another if "
            "the first answer was lost)."
        ),
    )
    @idempotent(shown_once=("secret",))
    def post(self, request):
        data = SubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        who = actor(request)
        owner = {"organisation": who} if organisation_of(request) else {"owner": who}
        subscription = services.create_subscription(**owner, **data.validated_data)
        return Response(
            NewSubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED
        )


class WebhookDetailView(APIView):
    permission_classes = [HasScope]
    required_scope = SCOPE

    @extend_schema(responses=SubscriptionSerializer, summary=gettext_lazy("One webhook"))
    def get(self, request, pk):
        return Response(SubscriptionSerializer(_subscription(request, pk)).data)

    @extend_schema(responses={204: None}, summary=gettext_lazy("Delete a webhook"))
    def delete(self, request, pk):
        services.delete_subscription(subscription=_subscription(request, pk), by=actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _at_most_deliveries():
    return _("At most %(max)s.") % {"max": MAX_DELIVERIES}


class DeliveryListView(APIView):
    permission_classes = [HasScope]
    required_scope = SCOPE

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description=lazy(_at_most_deliveries, str)())],
        responses=DeliverySerializer(many=True),
        summary=gettext_lazy("A webhook's latest deliveries with each attempt's response code"),
    )
    def get(self, request, pk):
        try:
            limit = min(max(int(request.query_params.get("limit", 50)), 1), MAX_DELIVERIES)
        except ValueError:
            limit = 50
        deliveries = selectors.deliveries_for(_subscription(request, pk), limit=limit)
        return Response(DeliverySerializer(deliveries, many=True).data)


class RedeliverView(APIView):
    permission_classes = [HasScope]
    required_scope = SCOPE

    @extend_schema(
        request=None,
        responses={202: DeliverySerializer},
        summary=gettext_lazy("Send a delivery again"),
    )
    @idempotent
    def post(self, request, pk):
        delivery = get_object_or_404(
            WebhookDelivery.objects.select_related("subscription", "event").filter(
                subscription__in=selectors.manageable_by(actor(request))
            ),
            pk=pk,
        )
        services.redeliver(delivery=delivery, by=actor(request))
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
