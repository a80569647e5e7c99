"""On AWS the API is reached through the CloudFront distribution, on the site's origin, which adds
a secret header to every API request (deploy/template.py): a request to the API Gateway's own
execute-api address lacks it and is refused, so the site's security headers and the same-origin
cookie always apply. No secret configured (local and test stages): no check."""
import hmac
import ipaddress

from ..config import settings
from ..domain.errors import Forbidden, N_
from . import errors
from .http import language

HEADER = "x-origin-verify"
VIEWER_ADDRESS = "cloudfront-viewer-address"   # "IP:port", set by CloudFront (its origin request policy)


def only_through_the_distribution(request, get_response):
    """Chalice HTTP middleware."""
    secret = settings.origin_secret
    if secret and not hmac.compare_digest(request.headers.get(HEADER, "").encode("utf-8"),
                                          secret.encode("utf-8")):
        return errors.response(Forbidden(N_("Use the site's address to reach this service."),
                                         code="wrong_origin"), language(request))
    return get_response(request)


def _address(value: str) -> str | None:
    """The IP address in `value` ("192.0.2.1", "2001:db8::1"), normalised; None if it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip().strip("[]")))
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the client, as nothing the client sends can change it, at most 39
    characters: behind the distribution (a secret is configured, so the middleware has checked
    the request came through it), the viewer's address that CloudFront itself sets (API
    Gateway's source address is then CloudFront's edge); otherwise (local and test stages, no
    CloudFront) API Gateway's source address. A header that is not an address is ignored."""
    viewer = request.headers.get(VIEWER_ADDRESS, "") if settings.origin_secret else ""
    source = ((request.context or {}).get("identity") or {}).get("sourceIp") or ""
    return _address(viewer[:64].rpartition(":")[0]) or _address(source[:64]) or "unknown"
