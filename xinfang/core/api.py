"""The one place where domain errors become HTTP answers for the API.

Every answer under /api/ is JSON of one shape, `{"detail", "code", "errors"?}`
(ERROR_SCHEMA in the OpenAPI document): the errors DRF sees are shaped here; those
that happen outside a DRF view (an unknown route, a lock-out page, a body too
large, a database outage) are shaped by `json_error`, which core.middleware and
core.views call."""

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionRequired,
    RateLimited,
    ServiceUnavailable,
)

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# How long a client waits before trying again after a database outage (seconds).
RETRY_AFTER_SECONDS = 30

# The answer for a status when nothing more precise is known.
STATUS_ERRORS = {
    400: ("InvalidInput", InvalidInput.default_message),
    401: ("NotAuthenticated", _("Sign in or send a valid token first.")),
    403: ("PermissionDenied", PermissionDenied.default_message),
    404: ("NotFound", NotFound.default_message),
    405: ("MethodNotAllowed", _("This method is not allowed here.")),
    406: ("NotAcceptable", _("This answer is only available as JSON.")),
    413: ("TooLarge", _("The request is too large.")),
    415: ("UnsupportedMediaType", _("This content type is not supported here.")),
    428: ("PreconditionRequired", PreconditionRequired.default_message),
    429: ("RateLimited", RateLimited.default_message),
    500: ("ServerError", _("Something went wrong on our side; please try again in a moment.")),
    503: ("Unavailable", ServiceUnavailable.default_message),
}


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, *, detail=None, code: str | None = None, headers=None):
    """A JSON error answer of the API's one shape, for code outside DRF's views."""
    default_code, default_detail = STATUS_ERRORS.get(
        status, (HTTPStatus(status).phrase.replace(" ", ""), HTTPStatus(status).phrase)
    )
    response = JsonResponse(
        {"detail": str(detail or default_detail), "code": code or default_code},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_database_outage(exc) -> bool:
    """The database is down or unreachable (not a bug in a query): a 503, not a 500."""
    return isinstance(exc, (OperationalError, InterfaceError))


def require_version(data) -> None:
    """A change must say which version of the object the client saw (else 428):
    without it two clients would overwrite each other's changes unseen."""
    value = data.get("version") if hasattr(data, "get") else None
    if value is None or value == "":
        raise PreconditionRequired()


def _flatten(errors, prefix="") -> dict[str, list[str]]:
    """DRF's nested errors as flat keys: {"petitioners[0].id_number": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(errors, list) and errors and all(isinstance(e, (dict, list)) for e in errors):
        for i, value in enumerate(errors):
            flat.update(_flatten(value, f"{prefix}[{i}]"))
    elif isinstance(errors, list):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif errors:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def exception_handler(exc, context):
    if is_database_outage(exc):
        # Answered 503 (the client retries), but the operators must see it.
        logger.error("Database unavailable: %s", exc, exc_info=exc)
        exc = ServiceUnavailable()
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": type(exc).__name__}
        if exc.field_errors:
            body["errors"] = {k: [str(m) for m in v] for k, v in exc.field_errors.items()}
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is None and isinstance(exc, ServiceUnavailable):
            retry_after = RETRY_AFTER_SECONDS
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        return Response(
            {"detail": str(InvalidInput.default_message), "code": "InvalidInput", "errors": errors},
            status=400,
        )
    if isinstance(exc, drf_exceptions.ValidationError):
        return Response(
            {
                "detail": str(InvalidInput.default_message),
                "code": "InvalidInput",
                "errors": {k: v for k, v in _flatten(exc.detail).items() if v},
            },
            status=400,
        )
    if isinstance(exc, drf_exceptions.ParseError):
        return Response(
            {"detail": str(exc.detail), "code": "InvalidInput", "errors": {}}, status=400
        )
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        # DRF's own errors (401, 403, 405, 406, 415, 429) in the one shape.
        response.data["code"] = STATUS_ERRORS.get(response.status_code, ("Error", ""))[0]
    return response
