"""POST /api/v1/auth/token/: an API token for a username (or e-mail) and password."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from eiso.accounts.api import services
from eiso.accounts.api.serializers import TokenRequestSerializer, TokenSerializer
from eiso.api.serializers import BAD_REQUEST


class ObtainTokenView(APIView):
    """Exchange credentials for a token. Failed attempts count towards the log-in lock-out (django-axes)
    and leave an `auth.login_failed` audit event, like the log-in form."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        summary="Obtain an API token",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: BAD_REQUEST},
        auth=[],
    )
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        # The plain HttpRequest: django-axes reads and marks it, and its middleware checks the same object.
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]}, code="authorization"
            )
        token = services.issue_token(user=user)
        return Response(TokenSerializer({"token": token.key}).data)
