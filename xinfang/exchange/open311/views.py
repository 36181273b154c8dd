"""The Open311 GeoReport v2 endpoints (https://wiki.open311.org/GeoReport_v2),
under /open311/v2/, in .json and .xml. Errors are GeoReport's error lists
(code, description), translated; an unknown request or token is a 404, a wrong
api_key a 403, too many requests a 429 with Retry-After."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.core import ratelimit
from xinfang.core.exceptions import DomainError, InvalidInput

from . import services
from .render import error, respond, respond_one


def _jurisdiction_error(request, fmt):
    wanted = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if wanted and wanted != settings.XINFANG_OPEN311_JURISDICTION:
        return error(
            fmt,
            404,
            _("This server serves jurisdiction %(id)s only.")
            % {"id": settings.XINFANG_OPEN311_JURISDICTION},
        )
    return None


def _throttled(fmt, wait):
    response = error(fmt, 429, _("Too many requests. Try again in %(s)d seconds.") % {"s": wait})
    response["Retry-After"] = str(wait)
    return response


def _invalid(fmt, exc: InvalidInput):
    parts = [
        f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.field_errors.items()
    ]
    return error(fmt, 400, "; ".join(parts) or str(exc))


def _read(view):
    """A read: not cached, GET only, limited per address like the public pages,
    for this server's jurisdiction."""

    @never_cache
    @require_GET
    @wraps(view)
    def wrapper(request, *args, fmt, **kwargs):
        wait = ratelimit.check_request(request, "public_lookup")
        if wait:
            return _throttled(fmt, wait)
        return _jurisdiction_error(request, fmt) or view(request, *args, fmt=fmt, **kwargs)

    return wrapper


@_read
def service_list(request, fmt):
    return respond(
        fmt, "services", "service", [services.service_row(c) for c in services.services()]
    )


@_read
def service_definition(request, service, fmt):
    category = services.service(service)
    if category is None:
        return error(fmt, 404, _("No such service."))
    return respond_one(fmt, "service_definition", services.definition(category))


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_(request, fmt):
    if bad := _jurisdiction_error(request, fmt):
        return bad
    if request.method == "POST":
        return _post(request, fmt)
    wait = ratelimit.check_request(request, "public_lookup")
    if wait:
        return _throttled(fmt, wait)
    try:
        rows = services.find(request.GET)
    except InvalidInput as exc:
        return _invalid(fmt, exc)
    return respond(fmt, "service_requests", "request", [services.request_row(r) for r in rows])


def _post(request, fmt):
    client = services.client_for(request.POST.get("api_key", "") or request.GET.get("api_key", ""))
    if client is None:
        return error(fmt, 403, _("A valid api_key is needed to post a request."))
    wait = ratelimit.hit(
        purpose="open311_post", ident=f"client:{client.pk}", rate=ratelimit.parse_rate(client.rate)
    )
    if wait:
        return _throttled(fmt, wait)
    fields = {k: request.POST.get(k, "") for k in request.POST}
    try:
        row, code, created = services.post_request(client, fields)
    except InvalidInput as exc:
        return _invalid(fmt, exc)
    except DomainError as exc:
        return error(fmt, getattr(exc, "status", 400), str(exc))
    answer = {
        "service_request_id": row.petition.number,
        "token": str(row.token),
        "service_notice": _(
            "Registered as %(number)s. Query code: %(code)s. Keep it: with it you can "
            "follow the matter online or at a query terminal."
        )
        % {"number": row.petition.number, "code": code},
        "account_id": "",
        "query_code": code,
    }
    return respond(fmt, "service_requests", "request", [answer], 201 if created else 200)


@_read
def request_detail(request, number, fmt):
    row = services.by_number(number)
    if row is None:
        return error(fmt, 404, _("No such published request."))
    return respond(fmt, "service_requests", "request", [services.request_row(row)])


@_read
def token(request, token, fmt):
    row = services.by_token(token)
    if row is None:
        return error(fmt, 404, _("No such token."))
    return respond(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": row.petition.number, "token": str(row.token)}],
    )
