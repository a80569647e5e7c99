"""On AWS the API is reached through the CloudFront distribution, on the site's origin, which adds
a secret header to every API request (deploy/template.py): a request to the API Gateway's own
execute-api address lacks it and is refused, so the site's security headers and the same-origin
cookie always apply. No secret configured (local and test stages): no check."""
import hmac

from ..config import settings
from ..domain.errors import Forbidden, N_
from . import errors
from .http import language

HEADER = "x-origin-verify"


def only_through_the_distribution(request, get_response):
    """Chalice HTTP middleware."""
    secret = settings.origin_secret
    if secret and not hmac.compare_digest(request.headers.get(HEADER, "").encode("utf-8"),
                                          secret.encode("utf-8")):
        return errors.response(Forbidden(N_("Use the site's address to reach this service."),
                                         code="wrong_origin"), language(request))
    return get_response(request)
