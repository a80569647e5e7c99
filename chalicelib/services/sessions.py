"""Server-side sessions: the cookie carries `<account id>.<secret>`, the table keeps the secret's
hash. One TransactGet reads the session, its account and any other account the request is about."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import TransactGetError

from ..config import settings
from ..domain import accounts as rules
from ..domain.errors import Forbidden, N_, NotAuthenticated
from ..store import base
from ..store.accounts import Account
from ..store.sessions import Session
from . import credentials

_COOKIE = re.compile(r"^([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$")
# How stale last_seen may get before a request refreshes it (saves a write on most requests).
REFRESH_AFTER = timedelta(minutes=5)


@dataclass
class Current:
    session: Session
    account: Account
    others: list          # the other accounts asked for, None where missing
    items: list = None    # the other items asked for (model, key), None where missing


def new_session(account: Account, now: datetime, must_change_password: bool, generation: int,
                must_enrol: bool = False):
    """(cookie value, session item) for a fresh session."""
    secret = credentials.new_token()
    session = Session(credentials.token_hash(secret), account_id=account.id,
                      csrf_token=credentials.new_token(), generation=generation,
                      must_change_password=must_change_password, must_enrol=must_enrol,
                      proved_at=now, created_at=now,
                      last_seen_at=now, expires_at=now + settings.session_max)
    return f"{account.id}.{secret}", session


def authenticate(cookie: str | None, now: datetime, *other_ids: str,
                 allow_password_change: bool = False, items: tuple = (),
                 allow_enrolment: bool = False) -> Current:
    """The person behind the session cookie, or NotAuthenticated; `items`, pairs of (model, hash
    key) such as the certificate a request is about, are read in the same call. A session ends with logout, its
    maximum age, idleness, or any change of the account's credentials or state (the account's
    session generation moves on)."""
    match = _COOKIE.match(cookie or "")
    if not match:
        raise NotAuthenticated(N_("Please log in."))
    account_id, secret = match.groups()
    ids = [i for i in other_ids if re.fullmatch(r"[0-9a-f]{32}", i or "")]
    try:
        with base.read_together() as reads:
            session_f = reads.get(Session, credentials.token_hash(secret))
            account_f = reads.get(Account, account_id)
            others_f = [reads.get(Account, i) for i in ids]
            items_f = [reads.get(model, key) for model, key in items]
    except TransactGetError:
        raise NotAuthenticated(N_("Please log in.")) from None
    try:
        session, account = session_f.get(), account_f.get()
    except (Session.DoesNotExist, Account.DoesNotExist):
        raise NotAuthenticated(N_("Please log in.")) from None
    if (session.account_id != account.id or session.generation != account.session_generation
            or account.status != rules.VALID or account.locked
            or now >= session.created_at + settings.session_max
            or now >= session.last_seen_at + settings.session_idle):
        raise NotAuthenticated(N_("Please log in."))
    if session.must_change_password and not allow_password_change:
        raise Forbidden(N_("You must change your password first."), code="password_change_required")
    if session.must_enrol and not (allow_enrolment or allow_password_change):
        raise Forbidden(N_("You must add a second factor first."), code="second_factor_required")
    if now - session.last_seen_at >= REFRESH_AFTER:
        session.update(actions=[Session.last_seen_at.set(now)])
    others = []
    for future in others_f:
        try:
            others.append(future.get())
        except Account.DoesNotExist:
            others.append(None)
    others += [None] * (len(other_ids) - len(ids))
    return Current(session, account, others,
                   [_found(future, model) for future, (model, _) in zip(items_f, items)])


def _found(future, model):
    try:
        return future.get()
    except model.DoesNotExist:
        return None


def check_csrf(current: Current, header: str | None) -> None:
    if not header or not credentials.same(header, current.session.csrf_token):
        raise Forbidden(N_("The form has expired; reload the page."), code="csrf_failed")


def end(current: Current) -> None:
    current.session.delete()


def ttl_seconds() -> int:
    return int(settings.session_max.total_seconds())
