"""The token endpoint: DRF's obtain_auth_token, with failed logins counted and locked out by django-axes."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's token.

    axes counts failures on the Django request (`request._request`), where its middleware looks for a lockout
    to answer with `orgs.lockout`; DRF's own view would hand the serializer its wrapper request instead.
    """

    # The API's own parsers (DRF's view has its own) and throttles (DRF's has none: guesses are requests too).
    parser_classes = (
        *cast("list[type[BaseParser]]", api_settings.DEFAULT_PARSER_CLASSES),
        parsers.FormParser,
        parsers.MultiPartParser,
    )
    throttle_classes = cast("list[type[BaseThrottle]]", api_settings.DEFAULT_THROTTLE_CLASSES)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(
        responses={
            200: OpenApiResponse(description='The user\'s token: `{"token": "…"}`.'),
            400: OpenApiResponse(description="Wrong username or password, or one of them missing."),
            429: OpenApiResponse(
                description="Too many failed logins for this username from this address "
                "(`code`: `locked_out`); see Retry-After."
            ),
        }
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A token login is a login: axes resets the failure count on this signal (and last_login is set).
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
