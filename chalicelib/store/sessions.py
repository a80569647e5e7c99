"""Table `sessions`: server-side sessions, found by the hash of the cookie's secret, removed by
DynamoDB TTL when they expire."""
from pynamodb.attributes import BooleanAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from .stage import meta


class ByAccount(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_account"
        projection = KeysOnlyProjection()

    account_id = UnicodeAttribute(hash_key=True)


class Session(Model):
    Meta = meta("sessions")

    token_hash = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute()
    csrf_token = UnicodeAttribute()
    # The account's session_generation when the session began: a password change, reset, lock
    # or deletion raises the account's generation, which ends every older session at once.
    generation = NumberAttribute()
    must_change_password = BooleanAttribute(default=False)
    # SPEC 1.9: a person who must have a second factor and has none may only enrol.
    must_enrol = BooleanAttribute(default=False)
    # When the person last proved who they are (password or factor): a fresh proof (5 minutes)
    # may add or remove factors. Absent: the session's start.
    proved_at = UTCDateTimeAttribute(null=True)
    # An enrolment under way: the WebAuthn challenge, or the new authenticator app's encrypted
    # secret until its first code confirms it.
    challenge = UnicodeAttribute(null=True)
    pending_totp = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    last_seen_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()

    by_account = ByAccount()
