"""Table `tokens`: single-use secrets (confirmation links, captcha challenges), stored by hash,
removed by DynamoDB TTL after they expire."""
from pynamodb.attributes import BooleanAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from .stage import meta

CONFIRMATION, CAPTCHA = "confirmation", "captcha"
# A login between the password and the second factor, or a passkey sign-in under way (SPEC 1.9).
PENDING_LOGIN = "pending_login"


class Token(Model):
    Meta = meta("tokens")

    token_hash = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)
    answer_hash = UnicodeAttribute(null=True)
    # The captcha's code in clear, kept only under TRACES_CAPTCHA_TEST_HOOK (local and test
    # stages, see config.py) so that browser tests can read it; absent everywhere else.
    test_code = UnicodeAttribute(null=True)
    # A pending login's WebAuthn challenge, and what the password step decided for its session.
    challenge = UnicodeAttribute(null=True)
    must_change_password = BooleanAttribute(null=True)
    unlock = BooleanAttribute(null=True)
    expires_at = UTCDateTimeAttribute()
    ttl = TTLAttribute()
