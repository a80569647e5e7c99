"""Table `accounts` (person accounts) and `emails` (one item per e-mail ever registered, so the
database itself refuses a second account for an address)."""
from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute,
                                 UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from . import paging
from .stage import meta

PENDING = "confirmed"      # value of `queue` while an account waits for its authority
ACTIVE = "active"          # value of `activity` while a valid account is unlocked


class ByEmailKey(GlobalSecondaryIndex):
    """Accounts by the key of their e-mail (normalise.email_key: case-insensitive)."""

    class Meta:
        index_name = "by_email_key"
        projection = AllProjection()

    email_key = UnicodeAttribute(hash_key=True)


class ByEmail(GlobalSecondaryIndex):
    """Retired: accounts by the address as typed, which is case-sensitive; nothing queries it.
    Kept for one release so that a deployed table changes one index per CloudFormation update
    (docs/deploying.md, "Migrations"); remove it once every stage ran `dev.admin migrate-email-keys`."""

    class Meta:
        index_name = "by_email"
        projection = AllProjection()

    email = UnicodeAttribute(hash_key=True)


class ByAuthority(GlobalSecondaryIndex):
    """The back office's list: an authority's accounts by status then age."""

    class Meta:
        index_name = "by_authority"
        projection = AllProjection()

    authority_id = UnicodeAttribute(hash_key=True)
    status_created = UnicodeAttribute(range_key=True)


class Pending(GlobalSecondaryIndex):
    """Sparse: only confirmed accounts carry `queue`, so the digest reads only pending requests."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    authority_since = UnicodeAttribute(range_key=True)


class Activity(GlobalSecondaryIndex):
    """Sparse: only valid, unlocked accounts carry `activity`; sorted by last activity, so the
    inactivity job reads the stale ones and nothing else."""

    class Meta:
        index_name = "activity"
        # What the lock notice needs, so the job reads nothing but the stale accounts.
        projection = IncludeProjection(["email", "first_name", "last_name", "language",
                                        "notification_format"])

    activity = UnicodeAttribute(hash_key=True)
    active_since = UnicodeAttribute(range_key=True)


class Account(Model):
    Meta = meta("accounts")

    id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()                   # as typed (normalised), for display and mail
    # normalise.email_key(email): the identity. Absent only on accounts stored before it
    # existed, until `dev.admin migrate-email-keys` fills it in.
    email_key = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    locked_reason = UnicodeAttribute(null=True)
    mail_suppressed = UnicodeAttribute(null=True)        # "bounce" or "complaint" (SES feedback)
    mail_suppressed_at = UTCDateTimeAttribute(null=True)
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    language = UnicodeAttribute(default="fr")
    notification_format = UnicodeAttribute(default="html")
    phone = UnicodeAttribute(null=True)
    fax = UnicodeAttribute(null=True)
    additional_info = UnicodeAttribute(null=True)
    secret_question_id = NumberAttribute()
    secret_answer_hash = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    password_history = ListAttribute(of=UnicodeAttribute, default=list)
    temporary_password_hash = UnicodeAttribute(null=True)
    temporary_password_expires = UTCDateTimeAttribute(null=True)
    must_change_password = BooleanAttribute(default=False)
    may_choose_secret_question = BooleanAttribute(default=False)
    failed_logins = NumberAttribute(default=0)
    session_generation = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    confirmed_at = UTCDateTimeAttribute(null=True)
    validated_at = UTCDateTimeAttribute(null=True)
    last_login_at = UTCDateTimeAttribute(null=True)
    # The organisation asked for at registration, and the authority that validates the account.
    organisation_id = UnicodeAttribute()
    organisation_name = UnicodeAttribute()
    registration_authorisation_id = UnicodeAttribute()
    postal_code = UnicodeAttribute()
    city = UnicodeAttribute()
    country = UnicodeAttribute()
    authority_id = UnicodeAttribute()
    # Valid roles, kept in step with the authorisations table in the same transactions:
    # organisation id -> role kind. Access decisions read these with the session, in one call.
    role_kind = UnicodeAttribute(null=True)
    valid_roles = MapAttribute(default=dict)
    # Organisations where this person is a (valid) administrator, in step the same way.
    administers = UnicodeSetAttribute(null=True)
    # Organisation id -> authorisation id of every role asked for and not rejected or withdrawn
    # (requested, valid or suspended): a second request for the same organisation is refused by
    # the condition on this map, in the request's transaction.
    role_requests = MapAttribute(default=dict)
    # Index keys (see the indexes above).
    status_created = UnicodeAttribute()
    queue = UnicodeAttribute(null=True)
    authority_since = UnicodeAttribute(null=True)
    activity = UnicodeAttribute(null=True)
    active_since = UnicodeAttribute(null=True)
    # Lower-cased "email first last organisation postal code" for the back office search.
    search_text = UnicodeAttribute()
    # Registration hint: the organisation had no administrator, so this person will likely be
    # the first (activation still checks it with a condition).
    expects_administrator = BooleanAttribute(default=False)
    # Profile preferences (SPEC 2.2): absent means the defaults (Europe/Paris, every digest).
    time_zone = UnicodeAttribute(null=True)
    muted_notifications = UnicodeSetAttribute(null=True)
    # Per-address limit on the e-mails that anyone can trigger (resend, forgot, re-register).
    mail_window_start = UTCDateTimeAttribute(null=True)
    mail_window_count = NumberAttribute(default=0)
    # Second factor (SPEC 1.9): factor id -> {kind ("totp" | "passkey"), name, created_at,
    # last_used_at, and for an authenticator app its KMS-encrypted `secret` and the `last_step`
    # accepted; for a passkey its `credential_id`, `public_key` and `sign_count`}. Every change
    # is conditional on `factors_version`, so two changes at once cannot both decide on the
    # same list. Recovery codes: the hashes of the unused ones, and of the used ones (to say so).
    second_factors = MapAttribute(default=dict)
    factors_version = NumberAttribute(default=0)
    recovery_codes = UnicodeSetAttribute(null=True)
    recovery_codes_used = UnicodeSetAttribute(null=True)
    recovery_codes_created_at = UnicodeAttribute(null=True)

    by_email_key = ByEmailKey()
    by_email = ByEmail()
    by_authority = ByAuthority()
    pending = Pending()
    activity_index = Activity()

    @property
    def locked(self) -> bool:
        return self.locked_reason is not None

    @property
    def roles(self) -> dict[str, str]:
        """Valid roles: organisation id -> role kind."""
        roles = self.valid_roles
        return dict(roles.as_dict() if isinstance(roles, MapAttribute) else roles or {})

    @property
    def factors(self) -> dict[str, dict]:
        """Second factors: id -> what is kept of it (see `second_factors`)."""
        found = self.second_factors
        return dict(found.as_dict() if isinstance(found, MapAttribute) else found or {})

    @property
    def administered(self) -> set[str]:
        return set(self.administers or ())

    @property
    def requested_roles(self) -> dict[str, str]:
        """Organisation id -> authorisation id of the roles asked for and still open."""
        found = self.role_requests
        return dict(found.as_dict() if isinstance(found, MapAttribute) else found or {})


class EmailClaim(Model):
    """One item per e-mail key ever registered (normalise.email_key), so that the database
    refuses a second account for an address in any case."""

    Meta = meta("emails")

    email = UnicodeAttribute(hash_key=True)      # the key, not the address as typed
    account_id = UnicodeAttribute()


def status_actions(account: Account, status: str) -> list:
    """Update actions for a new status, with the index key that follows it."""
    return [Account.status.set(status),
            Account.status_created.set(f"{status}#{account.created_at.isoformat()}")]


def search_text(account: Account) -> str:
    return " ".join([account.email, account.first_name, account.last_name,
                     account.organisation_name, account.postal_code, account.city]).casefold()


def suppress_mail(key: str, reason: str, now) -> int:
    """Marks the account of an e-mail key as getting no more mail; 1 if there is one."""
    account = find_by_email(key)
    if account is None:
        return 0
    account.update(actions=[Account.mail_suppressed.set(reason), Account.mail_suppressed_at.set(now)])
    return 1


def find_by_email(key: str) -> Account | None:
    """The account of an e-mail key (normalise.email_key): one Query on the key index (the claim
    table is the uniqueness guard, this the lookup)."""
    return next(iter(Account.by_email_key.query(key, limit=1)), None)


def in_jurisdiction(authority_ids: list[str], status: str | None, text: list[str],
                    cursor: str | None, evaluated: int, shown: int) -> paging.Page:
    """A page of the back office search: the accounts of the caller's authorities (usually one
    Query), newest first, narrowed by status through the sort key and by text through a filter;
    at most `evaluated` accounts read, so a rare word costs the same as a common one."""
    condition = None
    for word in text:
        clause = Account.search_text.contains(word)
        condition = clause if condition is None else condition & clause
    key = Account.status_created.startswith(f"{status}#") if status else None
    sources = [paging.Source(Account.by_authority, authority_id, key, forward=False)
               for authority_id in authority_ids]
    return paging.read(sources, cursor, evaluated, shown, filter_condition=condition)


def pending_requests() -> list[Account]:
    """Every confirmed account waiting for its authority, grouped by authority (sort key)."""
    return list(Account.pending.query(PENDING))


def stale_since(cutoff_iso: str) -> list[Account]:
    """Valid, unlocked accounts with no activity since `cutoff_iso` (index projection only)."""
    return list(Account.activity_index.query(ACTIVE, Account.active_since < cutoff_iso))
