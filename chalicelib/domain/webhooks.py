"""Signed webhooks (SPEC 5.1): the events, the endpoint's URL rules, the signature, the retry
schedule. Plain rules: addresses are handed in once resolved, the clock is passed in."""
import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from .errors import Invalid, N_

EVENTS = ("coi.submitted", "coi.issued", "coi.verified", "coi.signed", "coi.replaced",
          "coi.extract_created", "coi.depleted", "coi.irregularity", "coi.written_off")
PING = "ping"
# The COI action -> the event it sends (SPEC 3; a write-off by customs sends coi.written_off).
ACTION_EVENTS = {"submit": "coi.submitted", "issue": "coi.issued", "verify": "coi.verified",
                 "sign": "coi.signed", "replace": "coi.replaced", "extracts": "coi.extract_created",
                 "deplete": "coi.depleted", "irregularity": "coi.irregularity",
                 "write_off": "coi.written_off"}
ACTIVE, DISABLED = "active", "disabled"
LONGEST_URL = 2000
RETRY_WINDOW = timedelta(hours=24)
FIRST_RETRY = 30                 # seconds; then doubled each time
LONGEST_WAIT = 900               # seconds: the longest delay an SQS message may have
SIGNATURE_HEADER = "Traces-Signature"
NOT_HTTPS = N_("Give an https:// address.")
NOT_PUBLIC = N_("This address does not lead to a public server.")


def url_parts(url: str, allow_loopback: bool) -> tuple[str, str, int]:
    """(scheme, host, port) of an endpoint's URL: https://, a host, no user or password, at most
    2000 characters; plain http only to 127.0.0.1 where the stage allows it (local and test)."""
    if len(url) > LONGEST_URL:
        raise Invalid({"url": N_("The address is too long.")})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Invalid({"url": NOT_HTTPS}) from None
    host = (parts.hostname or "").rstrip(".")
    loopback_http = allow_loopback and parts.scheme == "http" and host in ("127.0.0.1", "localhost")
    if (parts.scheme != "https" and not loopback_http) or not host or parts.username or parts.password \
            or any(c in url for c in " \r\n\t\\"):
        raise Invalid({"url": NOT_HTTPS})
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def public(addresses: list[str], allow_loopback: bool) -> str:
    """The first of the addresses a host resolves to, if every one is a public address (not
    private, loopback, link-local, multicast or reserved); 400 otherwise. Loopback is allowed
    only where the stage allows plain http to 127.0.0.1."""
    if not addresses:
        raise Invalid({"url": NOT_PUBLIC})
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if not (address.is_global or (allow_loopback and address.is_loopback)) \
                or address.is_multicast or address.is_reserved:
            raise Invalid({"url": NOT_PUBLIC})
    return addresses[0]


def events(chosen: list[str]) -> set[str]:
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown or not chosen:
        raise Invalid({"events": N_("Choose among the events listed.")})
    return set(chosen)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the endpoint's secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def payload(event_id: str, event_type: str, created_at: datetime, coi: dict | None) -> dict:
    return {"id": event_id, "type": event_type, "created_at": created_at.isoformat(),
            "data": {"coi": coi} if coi is not None else {}}


def retry_in(attempt: int) -> int:
    """Seconds before the next try after `attempt` failed tries: 30 s, then doubling, at most
    15 minutes (so the 24 hours hold about a hundred tries)."""
    return min(FIRST_RETRY * 2 ** (attempt - 1), LONGEST_WAIT)


def given_up(first_try: datetime, now: datetime) -> bool:
    """Past the retry window: the endpoint is disabled and its administrators told."""
    return now - first_try >= RETRY_WINDOW


def delivered(status: int | None) -> bool:
    """A 2xx answer; anything else (a redirect included: none is followed) is a failure."""
    return status is not None and 200 <= status < 300
