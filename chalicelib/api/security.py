"""The session cookie, the CSRF header and the current person; or a machine's bearer API key."""
from ..config import settings
from ..domain.errors import Forbidden, N_
from ..services import sessions     # every logged-in request needs it (and pynamodb with it)
from .http import declared_for_machines, idempotent, lazy, now

machines = lazy("chalicelib.services.machines")

COOKIE = "traces_session"
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def _cookie(request) -> str | None:
    return cookie_named(request, COOKIE)


def cookie_named(request, name: str) -> str | None:
    """The value of cookie `name` of the request, if any."""
    header = request.headers.get("cookie")
    if not header:
        return None
    from http.cookies import SimpleCookie

    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # noqa: BLE001 - a malformed Cookie header is no session
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def account_id(request) -> str | None:
    """The account id the session cookie claims (unverified: only to avoid reading one account
    twice in the same call; `current` checks the session)."""
    value = _cookie(request) or ""
    return value.split(".", 1)[0] if "." in value else None


def current(request, *other_ids: str, allow_password_change: bool = False,
            items: tuple = (), allow_enrolment: bool = False) -> sessions.Current:
    """The logged-in person (and the accounts `other_ids` and the `items`, read in the same
    call). A request that changes state must carry the session's CSRF token in X-CSRF-Token.
    With `Authorization: Bearer`, on the operations declared for machines, the API key's
    organisation instead (no cookie, no CSRF token). A POST's Idempotency-Key is then honoured
    for that caller."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        if not declared_for_machines():
            raise Forbidden(N_("API keys cannot use this operation."), code="people_only")
        found = machines.authenticate(authorization, request.method, now(), items=items)
    else:
        found = sessions.authenticate(_cookie(request), now(), *other_ids,
                                      allow_password_change=allow_password_change, items=items,
                                      allow_enrolment=allow_enrolment)
        if request.method in STATE_CHANGING:
            sessions.check_csrf(found, request.headers.get("x-csrf-token"))
    idempotent(request, found.account.id)
    return found


def set_cookie(value: str) -> dict:
    parts = [f"{COOKIE}={value}", "Path=/api", "HttpOnly", "SameSite=Strict",
             f"Max-Age={sessions.ttl_seconds()}"]
    if settings.secure_cookies:
        parts.append("Secure")
    return {"Set-Cookie": "; ".join(parts)}


def clear_cookie() -> dict:
    parts = [f"{COOKIE}=", "Path=/api", "HttpOnly", "SameSite=Strict", "Max-Age=0"]
    if settings.secure_cookies:
        parts.append("Secure")
    return {"Set-Cookie": "; ".join(parts)}
