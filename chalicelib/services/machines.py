"""Machine clients (SPEC 5.1): an organisation's administrators create, list and revoke its API
keys; a request with `Authorization: Bearer trc_...` acts for the organisation with its role
kind, within the key's scope and rate; a POST with an Idempotency-Key acts once."""
import json
import secrets
import threading
from datetime import datetime, timedelta

from pynamodb.exceptions import TransactGetError

from ..config import settings
from ..domain import machines as rules
from ..domain.errors import Forbidden, Invalid, N_, NotAuthenticated, NotFound, TooManyRequests
from ..store import audit, base
from ..store.accounts import Account
from ..store.machines import ApiKey
from ..store import machines as store
from ..store.organisations import Organisation
from . import credentials
from .sessions import Current

PAGE = 50


# --- the administrators' side -------------------------------------------------------------

def administered(current: Current, organisation_id: str) -> None:
    """Only a person administering the organisation manages its keys (not a key)."""
    if current.session is None or organisation_id not in current.account.administered:
        raise Forbidden(N_("Only the administrators of this organisation may manage its API keys."))


def listed(key: ApiKey) -> dict:
    return {"id": key.id, "name": key.name, "prefix": rules.shown_prefix(key.organisation_id, key.id),
            "scope": key.scope, "created_at": key.created_at.isoformat(),
            "expires_at": key.expires_at.isoformat(),
            "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
            "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None}


def create(current: Current, organisation_id: str, data: dict, now: datetime) -> dict:
    """A new key: the secret is in this answer only; the table keeps its hash."""
    administered(current, organisation_id)
    expires_at = rules.expiry(data["expires_at"], now)
    key_id, secret = secrets.token_hex(8), credentials.new_token()
    key = ApiKey(key_id, organisation_id=organisation_id, name=data["name"].strip(),
                 scope=data["scope"], secret_hash=credentials.token_hash(secret),
                 created=f"{now.isoformat()}#{key_id}", created_at=now, created_by=current.account.id,
                 expires_at=expires_at)
    with base.transaction() as tx:
        tx.save(key, condition=ApiKey.id.does_not_exist())
        tx.save(audit.record(f"organisation#{organisation_id}", current.account.id, "api_key_created",
                             now, key=key_id, name=key.name, scope=key.scope))
    return {**listed(key), "key": rules.token(organisation_id, key_id, secret)}


BAD_CURSOR = N_("This is not a cursor of this list.")


def administered_page(current: Current, organisation_id: str, cursor: str | None, query, shown,
                      size: int = PAGE) -> dict:
    """A page of what `query` (a store query by organisation and cursor) finds for an
    organisation, to its administrators; 400 on a cursor of another list."""
    administered(current, organisation_id)
    try:
        page = query(organisation_id, cursor, size)
    except ValueError:
        raise Invalid({"cursor": BAD_CURSOR}) from None
    return {"items": [shown(item) for item in page.items], "cursor": page.cursor}


def keys(current: Current, organisation_id: str, cursor: str | None) -> dict:
    """A page of the organisation's keys, newest first, revoked ones included."""
    return administered_page(current, organisation_id, cursor, store.of_organisation, listed)


def revoke(current: Current, organisation_id: str, key_id: str, now: datetime) -> None:
    """Revokes at once: the next request with the key is refused, whatever instance answers it
    (each request reads its key). Revoking a revoked key changes nothing."""
    administered(current, organisation_id)
    try:
        key = ApiKey.get(key_id, consistent_read=True) if 0 < len(key_id) <= 64 else None
    except ApiKey.DoesNotExist:
        key = None
    if key is None or key.organisation_id != organisation_id:
        raise NotFound(N_("There is no such API key."))
    store.revoke(key, now, current.account.id,
                 audit.record(f"organisation#{organisation_id}", current.account.id,
                              "api_key_revoked", now, key=key_id, name=key.name))


# --- the machine's side -------------------------------------------------------------------

def authenticate(header: str, method: str, now: datetime, items: tuple = ()) -> Current:
    """The organisation behind a bearer key, as a Current whose account is the key (its roles:
    the organisation with its kind; its name in history records: "API key: <name>"), with the
    `items` read in the same call as the key and its organisation."""
    organisation_id, key_id, secret = rules.bearer(header)
    try:
        with base.read_together() as reads:
            key_f = reads.get(ApiKey, key_id)
            organisation_f = reads.get(Organisation, organisation_id)
            items_f = [reads.get(model, hash_key) for model, hash_key in items]
    except TransactGetError:
        raise NotAuthenticated(N_("The API key is not valid."), code="invalid_api_key") from None
    key, organisation = _found(key_f, ApiKey), _found(organisation_f, Organisation)
    if key is None or organisation is None or key.organisation_id != organisation_id \
            or not credentials.same(credentials.token_hash(secret), key.secret_hash):
        raise NotAuthenticated(N_("The API key is not valid."), code="invalid_api_key")
    rules.usable(key.revoked_at is not None, key.expires_at, organisation.status, now)
    rules.may(key.scope, method)
    _take_one(key.id, now)
    machine = Account(f"key:{key.id}", email="", status="valid", first_name="API key:",
                      last_name=key.name, language="en", notification_format="text",
                      role_kind=organisation.kind, valid_roles={organisation.id: organisation.kind},
                      administers=None)
    return Current(None, machine, [], [_found(f, model) for f, (model, _) in zip(items_f, items)])


def _found(future, model):
    try:
        return future.get()
    except model.DoesNotExist:
        return None


# Requests of the current minute this instance has claimed for each key and not used yet:
# key id -> (minute, how many left).
_leased: dict[str, tuple[str, int]] = {}
_lock = threading.Lock()


def _take_one(key_id: str, now: datetime) -> None:
    """Counts one request against the key's rate (settings.api_key_per_minute): from this
    instance's lease of the minute, or a new lease (one write, which also notes the key as used).
    429 with Retry-After when the minute is spent."""
    window = now.strftime("%Y%m%d%H%M")
    with _lock:
        minute, left = _leased.get(key_id, ("", 0))
        if minute == window and left > 0:
            _leased[key_id] = (minute, left - 1)
            return
    limit = settings.api_key_per_minute
    size = rules.lease_size(limit)
    for count in sorted({size, 1}, reverse=True):
        outcome = store.lease(key_id, window, count, limit, now, now + timedelta(minutes=2))
        if outcome == store.GONE:         # revoked since this request read it
            raise NotAuthenticated(N_("The API key is not valid."), code="invalid_api_key")
        if outcome == store.LEASED:
            with _lock:
                _leased[key_id] = (window, count - 1)
            return
    raise TooManyRequests(N_("Too many requests with this API key; wait a minute and try again."),
                          retry_after=60 - now.second)


# --- idempotency --------------------------------------------------------------------------

def idempotency_scope(caller: str, key: str) -> str:
    """The record's key: the caller (an account or an API key) and their Idempotency-Key."""
    return credentials.token_hash(f"{caller}\n{key}")


def begin(scope: str, fingerprint: str, now: datetime) -> tuple[int, dict | list, str] | None:
    """None: this request is the first with its key and acts. Otherwise the first answer
    (status, body, media type) to give again; 409 for another request or one still running."""
    found = store.begin(scope, fingerprint, now, now + rules.IDEMPOTENCY_LIFE)
    if found is None:
        return None
    rules.replay(found.fingerprint, fingerprint, found.status is not None)
    return int(found.status), json.loads(found.body), found.media


def finish(scope: str, status: int, body, media: str) -> None:
    """Keeps the answer; an answer of our own failure (5xx) is forgotten, so a retry acts."""
    if status >= 500:
        store.abandon(scope)
    else:
        store.finish(scope, status, json.dumps(body), media)
