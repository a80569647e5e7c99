"""Machine clients (SPEC 5.1): API keys and their scopes, idempotency keys. Plain rules: the
service reads and writes, the clock is passed in."""
import hashlib
import json
import re
from datetime import date, datetime, time, timedelta, timezone

from .errors import Conflict, Forbidden, Invalid, N_, NotAuthenticated

PREFIX = "trc_"
READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)
READING_METHODS = ("GET", "HEAD", "OPTIONS")
LONGEST_LIFE = timedelta(days=2 * 366)         # a key expires within two years
# `trc_<organisation id>.<key id: 16 hex>_<secret: 43 URL-safe base64>`: the request reads the
# key and its organisation in one call. `trc_<organisation id>.<key id>` is the prefix shown.
_TOKEN = re.compile(r"^trc_([A-Za-z0-9-]{1,64})\.([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_BEARER = re.compile(r"^Bearer ([!-~]{1,200})$")


def bearer(header: str) -> tuple[str, str, str]:
    """(organisation id, key id, secret) of an `Authorization: Bearer trc_...` header; 401 for
    anything else."""
    found = _BEARER.match(header or "")
    token = _TOKEN.match(found.group(1)) if found else None
    if not token:
        raise NotAuthenticated(N_("The API key is not valid."), code="invalid_api_key")
    return token.group(1), token.group(2), token.group(3)


def token(organisation_id: str, key_id: str, secret: str) -> str:
    return f"{shown_prefix(organisation_id, key_id)}_{secret}"


def shown_prefix(organisation_id: str, key_id: str) -> str:
    return f"{PREFIX}{organisation_id}.{key_id}"


def expiry(day: str, now: datetime) -> datetime:
    """When a key asked to expire on `day` (YYYY-MM-DD) stops working: the end of that day (UTC).
    The day must come after today and within two years."""
    end = datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(), tzinfo=timezone.utc)
    if end <= now + timedelta(days=1):
        raise Invalid({"expires_at": N_("Give a day after today.")})
    if end > now + LONGEST_LIFE:
        raise Invalid({"expires_at": N_("A key lives at most two years.")})
    return end


def usable(revoked: bool, expires_at: datetime, organisation_status: str, now: datetime) -> None:
    """401 for a revoked or expired key, or one of an organisation that is no longer valid."""
    if revoked or now >= expires_at or organisation_status != "valid":
        raise NotAuthenticated(N_("The API key is not valid."), code="invalid_api_key")


def may(scope: str, method: str) -> None:
    """A read key may only read."""
    if scope != WRITE and method.upper() not in READING_METHODS:
        raise Forbidden(N_("This API key may only read."), code="read_only_key")


def lease_size(per_minute: int) -> int:
    """How many requests of a key's minute one API instance claims at once: one call to the
    database for a tenth of the allowance, so a request with a key costs no more calls than one
    with a session (whose refresh is a write every few minutes)."""
    return max(1, per_minute // 10)


# --- idempotency ------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_LIFE = timedelta(hours=24)
_IDEMPOTENCY_KEY = re.compile(r"^[ -~]{1,64}$")


def idempotency_key(value: str) -> str:
    """The key as sent: 1 to 64 printable ASCII characters; 400 otherwise."""
    if not _IDEMPOTENCY_KEY.match(value):
        raise Invalid({IDEMPOTENCY_HEADER: N_("Give at most 64 printable characters.")})
    return value


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same: method, path and the body's JSON (key order and
    spacing aside; a body that is not JSON counts as its bytes)."""
    try:
        canonical = json.dumps(json.loads(body or b"{}"), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        canonical = body or b""
    return hashlib.sha256(f"{method} {path}\n".encode() + canonical).hexdigest()


def replay(stored_fingerprint: str, fingerprint_now: str, finished: bool) -> None:
    """May the stored answer be given again? 409 for another body, or while the first request
    is still being answered."""
    if stored_fingerprint != fingerprint_now:
        raise Conflict(N_("This idempotency key was used for another request."),
                       code="idempotency_key_reused")
    if not finished:
        raise Conflict(N_("The first request with this idempotency key is still being answered; "
                          "try again in a moment."), code="idempotency_in_progress")
