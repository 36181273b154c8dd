from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import logins, tokens


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


TokenOut = inline_serializer(
    "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)
TokenInfo = inline_serializer(
    "TokenInfo",
    {
        "token_key": serializers.CharField(),
        "created": serializers.DateTimeField(),
        "expiry": serializers.DateTimeField(),
        "current": serializers.BooleanField(),
    },
    many=True,
)
Refusal = inline_serializer(
    "Refusal", {"detail": serializers.CharField(), "code": serializers.CharField()}
)


class TokenView(APIView):
    """POST {"username","password"} → {"token", "expiry"}: a new token, shown once.
    Failed attempts count towards the login page's lock-out (django-axes: 5 for one
    user name from one address in 15 minutes) and towards the address's failed-login
    rate (AUTH_RATE); both answer 429 in JSON. DELETE revokes the token sent."""

    def _logging_in(self) -> bool:
        # Logging in takes no credentials but the body's (the schema generator
        # asks without a request).
        return getattr(self.request, "method", "POST") == "POST"

    def get_permissions(self):
        return [AllowAny()] if self._logging_in() else super().get_permissions()

    def get_authenticators(self):
        return [] if self._logging_in() else super().get_authenticators()

    @extend_schema(
        request=TokenRequest,
        responses={200: TokenOut, 400: Refusal, 429: Refusal},
        auth=[],
    )
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        # The Django request (not DRF's) is what django-axes inspects.
        django_request = request._request
        user = authenticate(
            django_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return logins.refusal_response(django_request, locked=True)
        wait = getattr(django_request, logins.WAIT_ATTRIBUTE, None)
        if wait:
            return logins.refusal_response(django_request, locked=False, wait=wait)
        if user is None or not user.is_active:
            return Response(
                {"detail": _("The user name or password is wrong."), "code": "InvalidInput"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, key = tokens.token_issue(user=user)
        # As a page login does: on the record, django-axes forgets the failures,
        # and the attempt gives back its slot of the failed-login rate.
        had_session = django_request.session.session_key is not None
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        if not had_session:
            # django-axes makes a session to log the login: an API client needs none.
            django_request.session.flush()
        return Response({"token": key, "expiry": token.expiry})

    @extend_schema(responses={204: None})
    def delete(self, request):
        """Revoke the token this request was made with (log out)."""
        if request.auth is not None and hasattr(request.auth, "token_key"):
            tokens.token_revoke(user=request.user, token_key=request.auth.token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """GET: the caller's tokens that still work (their first characters, created,
    expiry); DELETE /auth/tokens revokes them all."""

    @extend_schema(responses={200: TokenInfo})
    def get(self, request):
        current = getattr(request.auth, "digest", None)
        return Response(
            [
                {
                    "token_key": t.token_key,
                    "created": t.created,
                    "expiry": t.expiry,
                    "current": t.digest == current,
                }
                for t in tokens.tokens_of(user=request.user)
            ]
        )

    @extend_schema(responses={204: None}, operation_id="auth_tokens_revoke_all")
    def delete(self, request):
        tokens.tokens_revoke_all(user=request.user, reason="asked", request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    """DELETE: revoke one of the caller's own tokens; 404 for any other."""

    @extend_schema(responses={204: None, 404: Refusal}, operation_id="auth_tokens_revoke")
    def delete(self, request, token_key):
        if not tokens.token_revoke(user=request.user, token_key=token_key):
            raise NotFound(_("You have no such token."))
        return Response(status=status.HTTP_204_NO_CONTENT)
