import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import api, tokens
from .exceptions import NotFound, PermissionDenied


def home(request):
    return render(request, "core/home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def not_found(request, exception=None):
    if api.is_api(request):
        return api.json_error(404)
    return render(request, "404.html", status=404)


def _bare_page(template: str, status: int) -> HttpResponse:
    """An error page rendered without the request: no context processor (they
    read the database, which may be what failed)."""
    return HttpResponse(loader.get_template(template).render({}), status=status)


def bad_request(request, exception=None):
    """A malformed request or a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if api.is_api(request):
        return api.json_error(400)
    return _bare_page("400.html", 400)


def server_error(request):
    """An unexpected error; a database outage is a 503 with Retry-After, so that
    clients and proxies wait and try again instead of reporting a bug. The pages
    here render without the database (no base template, no context processors)."""
    exc = sys.exc_info()[1]
    if api.is_database_outage(exc):
        headers = {"Retry-After": str(api.RETRY_AFTER_SECONDS)}
        if api.is_api(request):
            return api.json_error(503, headers=headers)
        response = _bare_page("503.html", 503)
        response["Retry-After"] = headers["Retry-After"]
        return response
    if api.is_api(request):
        return api.json_error(500)
    return _bare_page("500.html", 500)


def forbidden(request, message=None):
    """The 403 page: the user may see the object but may not do this to it."""
    return render(
        request,
        "core/forbidden.html",
        {"message": message or PermissionDenied.default_message},
        status=403,
    )


def domain_to_http(request, exc):
    """NotFound is a 404 (never a hint that the object exists); PermissionDenied a 403."""
    if isinstance(exc, NotFound):
        raise Http404 from exc
    return forbidden(request, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The user's own account: change the password, see and revoke API tokens."""
    if request.method == "POST":
        key = request.POST.get("revoke", "")
        if key == "all":
            tokens.tokens_revoke_all(user=request.user, reason="asked", request=request)
            messages.success(request, _("All your API tokens are revoked."))
        elif tokens.token_revoke(user=request.user, token_key=key):
            messages.success(request, _("The token is revoked."))
        else:
            messages.error(request, _("You have no such token."))
        return redirect("account")
    return render(request, "core/account.html", {"tokens": tokens.tokens_of(user=request.user)})
