import json

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from . import api, logins
from .exceptions import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied, RateLimited
from .uploads import request_max_bytes, text_too_large_message, too_large_message

NUL_MESSAGE = _("The request contains a NUL character (code 0), which is not allowed.")
UNREADABLE_MESSAGE = _("The form data could not be read. Please send the form again.")
NESTED_MESSAGE = _("The JSON is nested too deeply.")


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would
    show English to a clerk whose browser happens to be English. Here only the
    language cookie set by the language switch changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RequestGuardMiddleware:
    """Refuses two kinds of request before any view (or the CSRF check) reads it:

    - a body larger than XINFANG_REQUEST_MAX_BYTES, judged by Content-Length alone,
      so a 50 MB upload is answered at once instead of being read and spooled to
      disk first (WSGI servers give no body beyond Content-Length, and a request
      without one is read as empty);
    - a NUL character anywhere a view may read text from: the path, the query
      string, form fields and JSON strings. PostgreSQL cannot store or compare a
      string with NUL, so it would fail deep inside a query as a 500; Django's and
      DRF's CharFields refuse it, but filters read from the query string do not.

    Both answer 400 with a translated message: JSON under /api/, a page elsewhere.
    It sits after the session, language and authentication middleware (the page
    needs them) but reads the body in __call__, before CsrfViewMiddleware's
    process_view would."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.too_large(request) or self.nul_character(request)
        if refusal is not None:
            return self.refuse(request, *refusal)
        return self.get_response(request)

    @staticmethod
    def too_large(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= request_max_bytes():
            return None
        return "body", too_large_message()

    def nul_character(self, request):
        if "\x00" in request.path_info:
            return "path", NUL_MESSAGE
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return _field_name(name), NUL_MESSAGE
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        if request.content_type in self.FORM_TYPES:
            return self._nul_in_form(request)
        if request.content_type == "application/json" or request.content_type.endswith("+json"):
            return self._nul_in_json(request)
        return None

    @staticmethod
    def _nul_in_form(request):
        # Only the text fields: a file's bytes may hold anything, and its name is
        # sanitised where it is stored (core.uploads). For a form with a file
        # this parses the upload, which CsrfViewMiddleware would do next anyway;
        # DRF takes the parsed request.POST and FILES from there.
        try:
            post = request.POST
        except RequestDataTooBig:
            return "body", text_too_large_message()
        except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent):
            return "body", UNREADABLE_MESSAGE
        for name, values in post.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return _field_name(name), NUL_MESSAGE
        for name, files in request.FILES.lists():
            if "\x00" in name or any("\x00" in (f.name or "") for f in files):
                return _field_name(name), NUL_MESSAGE
        return None

    @staticmethod
    def _nul_in_json(request):
        try:
            data = json.loads(request.body or b"null")
            where = _nul_in(data, "")
        except RequestDataTooBig:
            return "body", text_too_large_message()
        except RecursionError:
            # "[[[[...": an outsider's few hundred kilobytes were a 500 here.
            return "body", NESTED_MESSAGE
        except ValueError:
            return None  # not JSON: the view's parser answers its own 400
        return None if where is None else (where or "body", NUL_MESSAGE)

    @staticmethod
    def refuse(request, field: str, message) -> HttpResponse:
        # JSON to whoever sent JSON (a peer of the exchange, a script), not a page.
        sent_json = request.content_type == "application/json" or request.content_type.endswith(
            "+json"
        )
        if request.path_info.startswith("/api/") or sent_json:
            return JsonResponse(
                {
                    "detail": str(message),
                    "code": "InvalidInput",
                    "errors": {field: [str(message)]},
                },
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "400.html", {"message": message}, status=400)


def _field_name(name: str) -> str:
    return name.replace("\x00", "\\x00")


def _nul_in(value, where: str) -> str | None:
    """The path of the first JSON string (key or value) holding a NUL, or None."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{where}.{key}" if where else str(key)
            if "\x00" in key:
                return _field_name(here)
            found = _nul_in(item, here)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_in(item, f"{where}[{i}]")
            if found is not None:
                return found
    return None


class PrivateResponseMiddleware:
    """`Cache-Control: no-store` on every answer the app renders that has not set
    its own: staff pages, API answers, exports, attachments and reveals carry
    personal data, and a shared office computer or a proxy must keep none of it.
    Static files are served by WhiteNoise before this runs and keep their
    long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


SESSION_STARTED_KEY = "xinfang_login_at"
# When the idle limit was last pushed forward (SessionLifetimeMiddleware._touch).
SESSION_TOUCHED_KEY = "xinfang_touched_at"


class SessionLifetimeMiddleware:
    """Every session ends settings.SESSION_ABSOLUTE_SECONDS after its login, however
    busy: the idle limit (SESSION_COOKIE_AGE, pushed forward by each request) alone
    would let a session stolen from an unlocked desk live for ever. After
    AuthenticationMiddleware; the login time is set at login (core.signals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        now = timezone.now().timestamp()
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                # A session from before this rule: its lifetime starts now.
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        response = self.get_response(request)
        self._touch(request, now)
        return response

    @staticmethod
    def _touch(request, now: float) -> None:
        """The idle limit moves forward with activity, but the session row is
        written at most once a minute for it (SESSION_TOUCH_SECONDS), not on every
        request (SESSION_SAVE_EVERY_REQUEST is off): a citizen reading their matter
        or a clerk paging a list costs no write. A session the request changed is
        saved anyway, and notes the time for free. A session neither sent nor
        started by this request is left alone, so a first visit stores nothing."""
        session = getattr(request, "session", None)
        if session is None:
            return
        if session.modified:
            if not session.is_empty():
                session[SESSION_TOUCHED_KEY] = now
            return
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return
        touched = session.get(SESSION_TOUCHED_KEY)
        if session.is_empty() and touched is None:
            return
        if touched is None or now - touched >= settings.SESSION_TOUCH_SECONDS:
            session[SESSION_TOUCHED_KEY] = now


class LoginThrottleMiddleware:
    """A login refused because its address failed too often (core.logins) answers
    429, as django-axes' middleware answers a lock-out (through
    settings.AXES_LOCKOUT_CALLABLE, the same answer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wait = getattr(request, logins.WAIT_ATTRIBUTE, None)
        if wait and not getattr(request, "axes_locked_out", False):
            return logins.refusal_response(request, locked=False, wait=wait)
        return response


class DomainErrorPagesMiddleware:
    """The one error boundary of the HTML pages, as core.api is the API's: a
    domain error a service raises becomes its page here, so views hold no
    try/except over them. NotFound is the 404 page (never a hint that the object
    exists), PermissionDenied the 403 page, Conflict a 409 page that says what
    changed and links back, InvalidInput a 400 page with its messages, and
    RateLimited (core.pii.reveal) a polite 429 with Retry-After.

    A form page that should show the errors beside its fields catches nothing
    either: core.forms.submit() puts InvalidInput and Conflict on the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or api.is_api(request):
            return None
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(
                request, "core/forbidden.html", {"message": exception.message}, status=403
            )
        if isinstance(exception, RateLimited):
            response = render(
                request, "core/rate_limited.html", {"message": exception.message}, status=429
            )
            retry_after = getattr(exception, "retry_after", None)
            if retry_after:
                response["Retry-After"] = str(retry_after)
            return response
        titles = {
            Conflict: _("This has changed in the meantime"),
            InvalidInput: _("This cannot be done as asked"),
        }
        title = next(
            (t for cls, t in titles.items() if isinstance(exception, cls)),
            _("The request cannot be carried out."),
        )
        return render(
            request,
            "core/domain_error.html",
            {
                "title": title,
                "message": exception.message,
                "field_errors": exception.field_errors,
                "back": _same_site_referer(request),
            },
            status=exception.status_code,
        )


def _same_site_referer(request) -> str:
    """The page the user came from, when it is one of ours (never an open redirect)."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


class ApiJsonErrorsMiddleware:
    """Every error under /api/ answers JSON of the API's one shape.

    DRF shapes the errors of its own views (core.api.exception_handler); this
    shapes the rest, made before or around a view: an unknown route, a method a
    plain Django view refuses, a CSRF failure, django-axes' lock-out page, a body
    too large, a database outage (core.views.server_error). A Retry-After header
    is kept. Sits inside ChineseFirstLocaleMiddleware so the message is translated.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and api.is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            retry_after = response.get("Retry-After")
            response = api.json_error(
                response.status_code,
                headers={"Retry-After": retry_after} if retry_after else None,
            )
        return response
