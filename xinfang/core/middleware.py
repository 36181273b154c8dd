from django.conf import settings
from django.utils import translation

from . import api


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
