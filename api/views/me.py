"""GET /api/v1/me: who the token or session acts for."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authentication import practitioner_of, token_of
from ..permissions import HasScope, PersonOnly
from ..tokens import runs_courses


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    time_zone = serializers.CharField()
    runs_courses = serializers.BooleanField(help_text=gettext_lazy("Staff or an active trainer."))
    scopes = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("The scopes of the token used.")
    )


class MeView(APIView):
    """Any token of a person (no scope needed) or a browser session."""

    permission_classes = [HasScope, PersonOnly]
    required_scopes = {"GET": "*"}

    @extend_schema(responses=MeSerializer, summary=gettext_lazy("Who am I"))
    def get(self, request):
        user = request.user
        practitioner = practitioner_of(request)
        token = token_of(request)
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "email": user.email,
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "time_zone": practitioner.time_zone,
                    "runs_courses": runs_courses(token, user),
                    "scopes": token.scopes if token is not None else ["*"],
                }
            ).data
        )
