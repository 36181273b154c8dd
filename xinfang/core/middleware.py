from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone, translation

from . import logins


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


SESSION_STARTED_KEY = "xinfang_login_at"


class SessionLifetimeMiddleware:
    """Every session ends settings.SESSION_ABSOLUTE_SECONDS after its login, however
    busy: the idle limit (SESSION_COOKIE_AGE, pushed forward by each request) alone
    would let a session stolen from an unlocked desk live for ever. After
    AuthenticationMiddleware; the login time is set at login (core.signals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                # A session from before this rule: its lifetime starts now.
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


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
