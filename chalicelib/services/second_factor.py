"""A person's second factors (SPEC 1.9): enrolment of an authenticator app, passkeys and
recovery codes, the list, the removal, the fresh proof these need, and the check of a code or a
passkey at sign-in. Every change is one transaction, conditional on the account's
`factors_version`, with its audit record; the person is e-mailed after it."""
import secrets
import uuid
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from .. import keys
from ..config import settings
from ..domain import second_factor as rules
from ..domain.errors import Conflict, Invalid, InvalidCredentials, N_, NotFound
from ..mail import mailer
from ..store import audit, base
from ..store.accounts import Account
from ..store.sessions import Session
from . import attempts, credentials
from .sessions import Current

ISSUER = "TRACES"
CHANGED = N_("Your sign-in methods changed meanwhile; reload the page.")
NO_ENROLMENT = N_("Start the enrolment again: it has expired or was already completed.")
NEEDS_FACTOR = N_("Add an authenticator app or a passkey first.")


def must_have(account: Account) -> bool:
    return rules.must_have(account.roles.values(), settings.second_factor_required)


def needs_enrolment(account: Account) -> bool:
    """Past the password, this person may only enrol (SPEC 1.9)."""
    return not account.factors and must_have(account)


def recovery_codes_left(account: Account) -> int:
    return len(account.recovery_codes or ())


def methods(account: Account) -> list[str]:
    return rules.methods(account.factors, recovery_codes_left(account))


def passkey_ids(account: Account) -> list[str]:
    return [value["credential_id"] for value in account.factors.values() if value["kind"] == rules.PASSKEY]


# --- the list ---------------------------------------------------------------------------------

def listing(current: Current) -> dict:
    account = current.account
    found = [{"id": factor.id, "method": factor.kind, "name": factor.name, "created_at": factor.created_at,
              "last_used_at": factor.last_used_at} for factor in rules.factors(account.factors)]
    if account.recovery_codes_created_at:
        found.append({"id": rules.RECOVERY_CODES_ID, "method": rules.RECOVERY_CODE, "name": "",
                      "created_at": account.recovery_codes_created_at, "last_used_at": None,
                      "remaining": recovery_codes_left(account)})
    return {"second_factors": found, "required": must_have(account)}


# --- fresh proof ------------------------------------------------------------------------------

def proved_at(session: Session) -> datetime:
    return session.proved_at or session.created_at


def prove(current: Current, password: str, now: datetime) -> None:
    """The password again: the session may change factors for the next 5 minutes. A wrong one
    counts as a failed login (SPEC 1.6)."""
    if not credentials.verify_password(current.account.password_hash, password):
        attempts.record_failure(current.account, now)
        raise Invalid({"password": N_("The password is not correct.")})
    current.session.update(actions=[Session.proved_at.set(now)])


# --- enrolment --------------------------------------------------------------------------------

def start_totp(current: Current, now: datetime) -> dict:
    """A new authenticator app's secret, its otpauth:// URI and the URI's QR code; effective once
    `confirm_totp` receives a first code. Kept encrypted in the session until then."""
    import pyotp
    import segno

    rules.require_fresh_proof(proved_at(current.session), now)
    secret = pyotp.random_base32()
    current.session.update(actions=[Session.pending_totp.set(keys.encrypt(secret, current.account.id))])
    uri = pyotp.TOTP(secret).provisioning_uri(name=current.account.email, issuer_name=ISSUER)
    return {"secret": secret, "uri": uri, "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title=ISSUER)}


def confirm_totp(current: Current, code: str, name: str | None, now: datetime) -> dict:
    rules.require_fresh_proof(proved_at(current.session), now)
    if not current.session.pending_totp:
        raise Conflict(NO_ENROLMENT, code="no_enrolment")
    secret = keys.decrypt(current.session.pending_totp, current.account.id)
    try:
        step = rules.accepted_step(code, rules.totp_step(now), 0, _code_at(secret))
    except InvalidCredentials as error:
        raise Invalid({"code": error.message}) from None
    factor = {"kind": rules.TOTP, "name": name or "", "created_at": now.isoformat(),
              "secret": current.session.pending_totp, "last_step": step}
    return _add(current, factor, now, [Session.pending_totp.remove()])


def passkey_options(current: Current, now: datetime) -> dict:
    from . import passkeys

    rules.require_fresh_proof(proved_at(current.session), now)
    account = current.account
    options, challenge = passkeys.registration_options(
        account.id, account.email, f"{account.first_name} {account.last_name}", passkey_ids(account))
    current.session.update(actions=[Session.challenge.set(challenge)])
    return options


def add_passkey(current: Current, credential: dict, name: str, now: datetime) -> dict:
    from . import passkeys

    rules.require_fresh_proof(proved_at(current.session), now)
    if not current.session.challenge:
        raise Conflict(NO_ENROLMENT, code="no_enrolment")
    new = passkeys.verify_registration(credential, current.session.challenge)
    if new.credential_id in passkey_ids(current.account):
        raise Conflict(N_("This passkey is already registered."), code="already_registered")
    factor = {"kind": rules.PASSKEY, "name": name, "created_at": now.isoformat(),
              "credential_id": new.credential_id, "public_key": new.public_key, "sign_count": new.sign_count}
    return _add(current, factor, now, [Session.challenge.remove()])


def new_recovery_codes(current: Current, now: datetime) -> dict:
    """10 new single-use codes, shown this once; they replace the previous set."""
    rules.require_fresh_proof(proved_at(current.session), now)
    account = current.account
    if not account.factors:
        raise Conflict(NEEDS_FACTOR, code="no_second_factor")
    raw = ["".join(secrets.choice(rules.RECOVERY_ALPHABET) for _ in range(rules.RECOVERY_CODE_LENGTH))
           for _ in range(rules.RECOVERY_CODE_COUNT)]
    _change(current, now, "add_second_factor", rules.RECOVERY_CODE, "", [
        Account.recovery_codes.set({recovery_hash(account.id, code) for code in raw}),
        Account.recovery_codes_used.remove(), Account.recovery_codes_created_at.set(now.isoformat())])
    return {"codes": [rules.recovery_code_display(code) for code in raw]}


def remove(current: Current, factor_id: str, now: datetime) -> None:
    """Removes a factor (or the recovery codes); the last factor of a person who must have one
    stays; without any factor left, the recovery codes go too."""
    rules.require_fresh_proof(proved_at(current.session), now)
    account = current.account
    stored = account.factors
    codes = [Account.recovery_codes.remove(), Account.recovery_codes_used.remove(),
             Account.recovery_codes_created_at.remove()]
    if factor_id == rules.RECOVERY_CODES_ID and account.recovery_codes_created_at:
        _change(current, now, "remove_second_factor", rules.RECOVERY_CODE, "", codes)
        return
    if factor_id not in stored:
        raise NotFound(N_("There is no such sign-in method."))
    rules.check_removal(stored, factor_id, must_have(account))
    last = len(stored) == 1
    _change(current, now, "remove_second_factor", stored[factor_id]["kind"], stored[factor_id].get("name", ""),
            [Account.second_factors[factor_id].remove(), *(codes if last else [])])


def _add(current: Current, factor: dict, now: datetime, session_actions: list) -> dict:
    factor_id = uuid.uuid4().hex
    _change(current, now, "add_second_factor", factor["kind"], factor["name"],
            [Account.second_factors[factor_id].set(factor)],
            session_actions=[*session_actions, Session.must_enrol.set(False)])
    return {"id": factor_id, "method": factor["kind"], "name": factor["name"], "created_at": factor["created_at"],
            "last_used_at": None}


def _change(current: Current, now: datetime, action: str, method: str, name: str, actions: list,
            session_actions=()) -> None:
    """One transaction: the account's factors (conditional on their version), the session, the
    audit record; then the e-mail to the person."""
    account = current.account
    version = account.factors_version or 0
    unchanged = Account.factors_version == version
    if not version:
        unchanged |= Account.factors_version.does_not_exist()
    try:
        with base.transaction() as tx:
            tx.update(account, actions=[*actions, Account.factors_version.set(version + 1)],
                      condition=unchanged & (Account.status == "valid"))
            if session_actions:
                tx.update(current.session, actions=list(session_actions))
            tx.save(audit.record(f"account#{account.id}", account.id, action, now, method=method, name=name or None))
    except TransactWriteError:
        raise Conflict(CHANGED, code="wrong_state") from None
    mailer.send(account.email, "sign_in_method_changed", account.language, account.notification_format,
                name=account.first_name, change="added" if action == "add_second_factor" else "removed",
                method=method, method_name=name)


# --- the local system's authenticator app (dev.admin) -----------------------------------------

def enrol_authenticator_app(account: Account, name: str, now: datetime) -> None:
    """An authenticator app enrolled without a session, for the local system's people (dev.admin)."""
    import pyotp

    factor = {"kind": rules.TOTP, "name": name, "created_at": now.isoformat(),
              "secret": keys.encrypt(pyotp.random_base32(), account.id), "last_step": 0}
    account.update(actions=[Account.second_factors[uuid.uuid4().hex].set(factor),
                            Account.factors_version.add(1)])


def usable_code(account: Account, now: datetime) -> str | None:
    """A code of the person's first authenticator app that a login would accept now (the current
    step's, or the next one's if the current was used), None if there is none yet."""
    apps = [value for value in account.factors.values() if value["kind"] == rules.TOTP]
    if not apps:
        return None
    step, last = rules.totp_step(now), int(apps[0].get("last_step", 0))
    usable = next((s for s in (step, step + rules.TOTP_DRIFT) if s > last), None)
    return None if usable is None else _code_at(keys.decrypt(apps[0]["secret"], account.id))(usable)


# --- the check at sign-in ---------------------------------------------------------------------

def recovery_hash(account_id: str, code: str) -> str:
    return credentials.token_hash(f"{account_id}:{rules.recovery_code_key(code)}")


def _code_at(secret: str):
    import pyotp

    totp = pyotp.TOTP(secret)
    return totp.generate_otp


def check_totp(account: Account, code: str, now: datetime) -> tuple[list, object]:
    """(update actions, condition) that record an accepted authenticator app code: its step is
    kept, and the write is conditional on no later or equal step having been accepted meanwhile
    (two requests with one code: one wins)."""
    apps = [(ident, value) for ident, value in account.factors.items() if value["kind"] == rules.TOTP]
    if not apps:
        raise Invalid({"method": N_("You have no authenticator app.")})
    refused = None
    for ident, value in apps:
        secret = keys.decrypt(value["secret"], account.id)
        try:
            step = rules.accepted_step(code, rules.totp_step(now), int(value.get("last_step", 0)), _code_at(secret))
        except InvalidCredentials as error:
            refused = error if refused is None or error.code == "code_already_used" else refused
            continue
        path = Account.second_factors[ident]
        return ([path["last_step"].set(step), path["last_used_at"].set(now.isoformat())],
                path["last_step"] < step)
    raise refused


def check_recovery_code(account: Account, code: str) -> tuple[list, object]:
    hashed = recovery_hash(account.id, code)
    if hashed in (account.recovery_codes or ()):
        return ([Account.recovery_codes.delete({hashed}), Account.recovery_codes_used.add({hashed})],
                Account.recovery_codes.contains(hashed))
    if hashed in (account.recovery_codes_used or ()):
        raise InvalidCredentials(rules.RECOVERY_USED, code="code_already_used")
    raise InvalidCredentials(rules.WRONG_CODE, code="invalid_code")


def check_passkey(account: Account, credential: dict, challenge: str | None, now: datetime,
                  user_verification: bool) -> tuple[list, object]:
    from . import passkeys

    found = [(ident, value) for ident, value in account.factors.items()
             if value["kind"] == rules.PASSKEY and value["credential_id"] == passkeys.credential_id(credential)]
    if not found or not challenge:
        raise InvalidCredentials(rules.PASSKEY_REFUSED, code="passkey_refused")
    (ident, value), = found
    count = passkeys.verify_assertion(credential, challenge, value, user_verification)
    path = Account.second_factors[ident]
    return ([path["sign_count"].set(count), path["last_used_at"].set(now.isoformat())],
            path["sign_count"] == int(value.get("sign_count", 0)))
