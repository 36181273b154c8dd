from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import tokens
from .exceptions import NotFound, PermissionDenied


def home(request):
    return render(request, "core/home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def forbidden(request, message=None):
    """The 403 page: the user may see the object but may not do this to it."""
    return render(
        request,
        "petitions/forbidden.html",
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
