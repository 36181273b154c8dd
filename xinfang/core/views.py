from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render

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
