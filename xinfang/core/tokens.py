"""API tokens: django-rest-knox tokens (only a SHA-512 digest is stored; the token
itself is shown once), which expire after the idle limit unless used, and at the
absolute session lifetime in any case (settings.REST_KNOX). They are revoked when
the password changes or the account is deactivated (core.signals), refused while
the user name is locked from the caller's address, and a user sees and revokes
their own (`GET/DELETE /api/v1/auth/tokens`, the page /accounts/tokens/).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox import auth as knox_auth
from knox.models import AuthToken
from rest_framework import exceptions

from .models import SecurityRecord
from .services import record_security_event


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's authentication, which also refuses the token of a user name that
    django-axes has locked from this address: a lock-out stops the API too."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        django_request = getattr(request, "_request", request)
        if AxesProxyHandler.is_locked(django_request, {"username": user.get_username()}):
            raise exceptions.AuthenticationFailed(
                _("Too many wrong passwords for this user name from your address: it is locked.")
            )
        return result


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's description of it: `Authorization: Token <token>`."""

    target_class = "xinfang.core.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


def token_issue(*, user: AbstractBaseUser) -> tuple[AuthToken, str]:
    """A new token for the user: the row (digest only) and the token, to show once."""
    return AuthToken.objects.create(user=user)


def tokens_of(*, user: AbstractBaseUser) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def token_revoke(*, user: AbstractBaseUser, token_key: str) -> bool:
    """Revoke one of the user's own tokens, named by its first characters
    (`token_key`, shown in lists); False when the user has no such token."""
    deleted, _by_model = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


def tokens_revoke_all(*, user: AbstractBaseUser, reason: str, request=None) -> int:
    """Revoke every token of the user (password changed, deactivated, or asked);
    on the security record when there was any."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    if deleted:
        record_security_event(
            kind=SecurityRecord.Kind.TOKENS_REVOKED,
            request=request,
            user=user,
            username=user.get_username(),
            detail={"count": deleted, "reason": reason},
        )
    return deleted
