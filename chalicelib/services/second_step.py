"""The second step of a login (SPEC 1.9): after the right password, a person with a second factor
gets a pending login (5 minutes, a cookie of its own) instead of a session; a code of the
authenticator app, a passkey or a recovery code then opens the session. A passkey with user
verification also signs in alone. Wrong codes count toward the lock of SPEC 1.6, exactly."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import TransactGetError, TransactWriteError

from ..domain import accounts as account_rules
from ..domain import second_factor as rules
from ..domain.errors import Conflict, Expired, InvalidCredentials, Invalid, N_, NotAuthenticated
from ..store import base
from ..store.accounts import Account
from ..store.tokens import PENDING_LOGIN, Token
from . import attempts, credentials
from . import second_factor as factors

# `<account id>.<secret>` after the password; `<secret>` alone for a passkey sign-in.
_COOKIE = re.compile(r"^(?:([0-9a-f]{32})\.)?([A-Za-z0-9_-]{43})$")
OVER = N_("Your sign-in has expired; enter your e-mail address and password again.")
KEPT = timedelta(days=1)       # DynamoDB TTL removes the pending logins after this


@dataclass(frozen=True)
class Pending:
    cookie: str
    methods: list
    passkey_options: dict | None


def begin(account: Account, must_change_password: bool, unlock: bool, now: datetime) -> Pending | None:
    """The pending login of a person with a second factor (one write); None without one."""
    methods = factors.methods(account)
    if not methods:
        return None
    options, challenge = None, None
    if rules.PASSKEY in methods:
        from . import passkeys

        options, challenge = passkeys.authentication_options(factors.passkey_ids(account))
    secret = _save_pending(now, account_id=account.id, challenge=challenge,
                           must_change_password=must_change_password, unlock=unlock)
    return Pending(f"{account.id}.{secret}", methods, options)


def passkey_options(now: datetime) -> Pending:
    """A passkey sign-in under way: the options for any passkey of this site."""
    from . import passkeys

    options, challenge = passkeys.authentication_options([])
    return Pending(_save_pending(now, challenge=challenge), [rules.PASSKEY], options)


def _save_pending(now: datetime, **fields) -> str:
    secret = credentials.new_token()
    Token(credentials.token_hash(secret), kind=PENDING_LOGIN, expires_at=now + rules.PENDING_LOGIN,
          ttl=now + KEPT, **fields).save()
    return secret


def complete(cookie: str | None, data: dict, now: datetime):
    """(cookie, session, account) once the factor checks out."""
    token, account = _read(cookie, _account_of(cookie), now)
    if not account.factors:
        raise Conflict(N_("You have no second factor: log in with your password alone."), code="no_second_factor")
    method = data["method"]
    try:
        if method == rules.TOTP:
            actions, condition = factors.check_totp(account, _code(data), now)
        elif method == rules.RECOVERY_CODE:
            actions, condition = factors.check_recovery_code(account, _code(data))
        else:
            actions, condition = factors.check_passkey(account, _credential(data), token.challenge, now, False)
    except InvalidCredentials:
        _failed(account, token, now)
        raise
    return _open(token, account, now, actions, condition, method)


def sign_in_with_passkey(cookie: str | None, credential: dict, now: datetime):
    """A passkey with user verification alone (two factors in one)."""
    from . import passkeys

    account_id = passkeys.user_handle(credential)
    if not account_id or not re.fullmatch(r"[0-9a-f]{32}", account_id):
        raise InvalidCredentials(rules.PASSKEY_REFUSED, code="passkey_refused")
    token, account = _read(cookie, account_id, now, anonymous=True)
    actions, condition = factors.check_passkey(account, credential, token.challenge, now, True)
    return _open(token, account, now, actions, condition, rules.PASSKEY)


def _account_of(cookie: str | None) -> str:
    match = _COOKIE.match(cookie or "")
    if not match or not match.group(1):
        raise NotAuthenticated(OVER, code="login_expired")
    return match.group(1)


def _read(cookie: str | None, account_id: str, now: datetime, anonymous: bool = False):
    """The pending login and its account, in one call."""
    match = _COOKIE.match(cookie or "")
    if not match:
        raise NotAuthenticated(OVER, code="login_expired")
    try:
        with base.read_together() as reads:
            token_f = reads.get(Token, credentials.token_hash(match.group(2)))
            account_f = reads.get(Account, account_id)
    except TransactGetError:
        raise NotAuthenticated(OVER, code="login_expired") from None
    try:
        token = token_f.get()
    except Token.DoesNotExist:
        raise NotAuthenticated(OVER, code="login_expired") from None
    if token.kind != PENDING_LOGIN or token.account_id != (None if anonymous else account_id):
        raise NotAuthenticated(OVER, code="login_expired")
    if now >= token.expires_at:
        raise Expired(OVER, code="login_expired")
    try:
        account = account_f.get()
    except Account.DoesNotExist:
        raise InvalidCredentials(attempts.INVALID) from None
    if account.status != account_rules.VALID or account.locked and not token.unlock:
        raise InvalidCredentials(attempts.INVALID)
    return token, account


def _code(data: dict) -> str:
    code = data.get("code")
    if not code:
        raise Invalid({"code": N_("This field is required.")})
    return code


def _credential(data: dict) -> dict:
    credential = data.get("credential")
    if not credential:
        raise Invalid({"credential": N_("This field is required.")})
    return credential


def _failed(account: Account, token: Token, now: datetime) -> None:
    """A wrong code counts as a failed login. On an account that a temporary password is
    unlocking, it also ends the pending login and retires that password (a new one is needed:
    e-mails to an address are rate-limited), so that a locked account offers no free guesses."""
    if not token.unlock:
        attempts.record_failure(account, now)
        return
    try:
        with base.transaction() as tx:
            tx.delete(token)
            tx.update(account, actions=[Account.temporary_password_hash.remove(),
                                        Account.temporary_password_expires.remove()])
    except TransactWriteError:
        pass


def _open(token: Token, account: Account, now: datetime, actions: list, condition, method: str):
    must_change = bool(token.must_change_password) or (token.account_id is None and account.must_change_password)
    try:
        return attempts.open_session(account, now, must_change, bool(token.unlock), actions, condition,
                                     extra=lambda tx: tx.delete(token, condition=Token.token_hash.exists()),
                                     must_enrol=factors.needs_enrolment(account))
    except TransactWriteError as error:
        failed = base.cancelled_at(error)
        if 0 in failed:                         # the pending login was used by another request
            raise NotAuthenticated(OVER, code="login_expired") from None
        if method != rules.PASSKEY:             # the code was accepted meanwhile by another request
            attempts.record_failure(account, now)
            raise InvalidCredentials(rules.CODE_USED, code="code_already_used") from None
        raise InvalidCredentials(rules.PASSKEY_COUNTER, code="passkey_counter_went_backwards") from None
