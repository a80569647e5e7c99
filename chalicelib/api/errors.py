"""Domain error -> HTTP response, once for every route."""
from chalice import Response

from .. import i18n
from ..domain import errors
from ..domain.errors import N_

INTERNAL = N_("Something went wrong on our side; please try again.")
UNAVAILABLE = N_("The service is busy; nothing was changed. Please try again in a moment.")
RETRY_AFTER_SECONDS = 2     # a throttle that outlasted the SDK's retries is usually over by then

STATUS = {
    errors.Invalid: 400, errors.NotAuthenticated: 401, errors.InvalidCredentials: 401,
    errors.Forbidden: 403, errors.NotFound: 404, errors.Conflict: 409, errors.Expired: 410,
    errors.TooLarge: 413, errors.TooManyRequests: 429,
}


def response(error: errors.DomainError, language: str) -> Response:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    body = {"code": error.code, "message": i18n.translate(error.message, language, **error.params)}
    if isinstance(error, errors.Invalid) or getattr(error, "fields", None):   # or a conflict naming them
        body["fields"] = {field: i18n.translate(message, language)
                          for field, message in error.fields.items()}
    body.update(getattr(error, "extra", None) or {})
    headers = {"Content-Language": language}
    if "retry_after" in error.params:
        headers["Retry-After"] = str(error.params["retry_after"])
    return Response(body={"error": body}, status_code=status, headers=headers)


def internal(language: str) -> Response:
    return Response(body={"error": {"code": "internal_error", "message": i18n.translate(INTERNAL, language)}},
                    status_code=500, headers={"Content-Language": language})


def unavailable(language: str) -> Response:
    """A backend fault (SPEC 5): 503 `unavailable` with Retry-After; nothing was changed."""
    return Response(body={"error": {"code": "unavailable", "message": i18n.translate(UNAVAILABLE, language)}},
                    status_code=503, headers={"Content-Language": language,
                                              "Retry-After": str(RETRY_AFTER_SECONDS)})
