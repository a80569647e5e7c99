"""Second factor (SPEC 1.9): who must have one, which methods there are, and the rules that
decide whether a code, a passkey's counter or a removal is accepted. Plain Python: the codes of
an authenticator app are computed by the caller (`code_at`), the time is passed in."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address
from typing import Callable
from urllib.parse import urlsplit

from .errors import Conflict, Forbidden, InvalidCredentials, N_
from .vocabulary import AUTHORITY, CUSTOMS

TOTP, PASSKEY, RECOVERY_CODE = "totp", "passkey", "recovery_code"
FACTOR_KINDS = (TOTP, PASSKEY)              # what makes a person "have a second factor"
METHODS = (TOTP, PASSKEY, RECOVERY_CODE)    # what the second step of a login accepts
RECOVERY_CODES_ID = "recovery_codes"        # the id of the set of recovery codes in the list

PENDING_LOGIN = timedelta(minutes=5)        # between the password and the second step
FRESH_PROOF = timedelta(minutes=5)          # a password or factor this recent may change factors
TOTP_STEP_SECONDS = 30
TOTP_DRIFT = 1                              # steps accepted either way
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"   # no 0/o, 1/l/i: read aloud, typed back
RECOVERY_CODE_LENGTH = 12                   # about 59 bits each

WRONG_CODE = N_("This code is not correct.")
CODE_USED = N_("This code has already been used; wait for the next one.")
RECOVERY_USED = N_("This recovery code has already been used.")
PASSKEY_REFUSED = N_("This passkey could not be verified.")
PASSKEY_FOREIGN = N_("This passkey answered for another site.")
PASSKEY_COUNTER = N_("This passkey's counter went backwards: it may have been copied. Use another method.")


# Kinds of organisation that count as another for TRACES_SECOND_FACTOR_REQUIRED: the customs of a
# member state are an authority of that state (SPEC 2.1), so `authority` covers them.
COUNTS_AS = {CUSTOMS: AUTHORITY}


def must_have(role_kinds, required: frozenset) -> bool:
    """A person holding a valid role of a kind in `required` (TRACES_SECOND_FACTOR_REQUIRED) must
    have a second factor; `all` means everyone."""
    return "all" in required or any(kind in required or COUNTS_AS.get(kind) in required
                                    for kind in role_kinds)


@dataclass(frozen=True)
class Factor:
    """One enrolled method, as the account keeps it (secrets aside)."""

    id: str
    kind: str
    name: str
    created_at: str
    last_used_at: str | None = None


def factors(stored: dict) -> list[Factor]:
    """The enrolled factors of an account's `second_factors` map, oldest first."""
    found = [Factor(ident, value["kind"], value.get("name", ""), value["created_at"],
                    value.get("last_used_at")) for ident, value in stored.items()]
    return sorted(found, key=lambda factor: (factor.created_at, factor.id))


def methods(stored: dict, recovery_codes_left: int) -> list[str]:
    """What the second step of this person's login accepts (empty: no second step)."""
    kinds = {value["kind"] for value in stored.values()}
    if not kinds:
        return []
    return [method for method in METHODS
            if method in kinds or method == RECOVERY_CODE and recovery_codes_left]


def totp_step(at: datetime) -> int:
    return int(at.timestamp()) // TOTP_STEP_SECONDS


def accepted_step(code: str, now_step: int, last_step: int, code_at: Callable[[int], str]) -> int:
    """RFC 6238 with one step of drift either way: the step whose code this is, if it is later than
    the last accepted one. A code seen before (or an earlier one) is refused, so that a code
    overheard or typed twice cannot sign in again."""
    for step in (now_step, now_step - TOTP_DRIFT, now_step + TOTP_DRIFT):
        if code_at(step) == code:
            if step <= last_step:
                raise InvalidCredentials(CODE_USED, code="code_already_used")
            return step
    raise InvalidCredentials(WRONG_CODE, code="invalid_code")


def recovery_code_key(code: str) -> str:
    """A recovery code as typed, reduced to what identifies it (case, spaces and dashes aside)."""
    return "".join(ch for ch in code.casefold() if ch.isalnum())


def recovery_code_display(raw: str) -> str:
    """`abcdefghjkmn` -> `abcd-efgh-jkmn`."""
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def passkey_counter_ok(stored: int, received: int) -> bool:
    """A signature counter must grow, unless the authenticator keeps none (always 0)."""
    return received == 0 and stored == 0 or received > stored


def is_fresh(proved_at: datetime, now: datetime) -> bool:
    return now - proved_at < FRESH_PROOF


def require_fresh_proof(proved_at: datetime, now: datetime) -> None:
    if not is_fresh(proved_at, now):
        raise Forbidden(N_("For your security, confirm your password before changing your sign-in methods."),
                        code="fresh_proof_required")


def check_removal(stored: dict, factor_id: str, must: bool) -> None:
    """The last factor of a person who must have one stays (409)."""
    others = [ident for ident in stored if ident != factor_id]
    if must and not others:
        raise Conflict(N_("You must keep at least one second factor: add another one first."),
                       code="last_second_factor")


def relying_party(site_url: str) -> tuple[str, str]:
    """(RP ID, origin) of the site's passkeys: its host and origin. Browsers refuse an IP address
    as RP ID, so a site on a loopback address (the local system) has its passkeys on `localhost`."""
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        host = "localhost"
    port = f":{parts.port}" if parts.port else ""
    return host, f"{parts.scheme}://{host}{port}"
