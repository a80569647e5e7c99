"""Tables `api_keys` (an organisation's keys for machine clients, found by key id, the secret
kept as its hash) and `idempotency` (the first answer to a POST carrying an Idempotency-Key,
removed by DynamoDB TTL after 24 hours)."""
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from . import paging
from .base import cancelled_at, transaction
from .stage import meta
from .cois import RateCounter


class ByOrganisation(GlobalSecondaryIndex):
    """An organisation's keys, newest first."""

    class Meta:
        index_name = "by_organisation"
        projection = AllProjection()

    organisation_id = UnicodeAttribute(hash_key=True)
    created = UnicodeAttribute(range_key=True)        # ISO time + "#" + key id


class ApiKey(Model):
    Meta = meta("api_keys")

    id = UnicodeAttribute(hash_key=True)
    organisation_id = UnicodeAttribute()
    name = UnicodeAttribute()
    scope = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    created = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    last_used_at = UTCDateTimeAttribute(null=True)
    revoked_at = UTCDateTimeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)

    by_organisation = ByOrganisation()


class IdempotencyRecord(Model):
    Meta = meta("idempotency")

    key = UnicodeAttribute(hash_key=True)         # hash of (caller, Idempotency-Key)
    fingerprint = UnicodeAttribute()              # hash of the request (domain/machines.py)
    status = NumberAttribute(null=True)           # the answer, once given
    body = UnicodeAttribute(null=True)
    media = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


def of_organisation(organisation_id: str, cursor: str | None, shown: int) -> paging.Page:
    """One page of an organisation's keys, newest first (one Query)."""
    return paging.read([paging.Source(ApiKey.by_organisation, organisation_id, forward=False)],
                       cursor, shown, shown)


def revoke(key: ApiKey, now, by: str, record) -> bool:
    """Revokes `key` with its audit record, in one transaction conditional on it not being
    revoked yet; False when it already was."""
    try:
        with transaction() as tx:
            tx.update(key, actions=[ApiKey.revoked_at.set(now), ApiKey.revoked_by.set(by)],
                      condition=ApiKey.revoked_at.does_not_exist())
            tx.save(record)
    except TransactWriteError as error:
        if 0 in cancelled_at(error):
            return False
        raise
    return True


LEASED, SPENT, GONE = "leased", "spent", "gone"


def lease(key_id: str, window: str, count: int, limit: int, now, expires_at) -> str:
    """Claims `count` requests of the key's minute `window` (at most `limit` in all) and notes
    the key as used, in one transaction: LEASED; SPENT when the minute has fewer left; GONE when
    the key was revoked (or deleted) meanwhile."""
    counter = RateCounter(f"api-key#{key_id}#{window}")
    try:
        with transaction() as tx:
            tx.update(counter, actions=[RateCounter.count.add(count), RateCounter.expires_at.set(expires_at)],
                      condition=RateCounter.count.does_not_exist() | (RateCounter.count <= limit - count))
            tx.update(ApiKey(key_id), actions=[ApiKey.last_used_at.set(now)],
                      condition=ApiKey.id.exists() & ApiKey.revoked_at.does_not_exist())
    except TransactWriteError as error:
        failed = cancelled_at(error)
        if 1 in failed:
            return GONE
        if failed:
            return SPENT
        raise
    return LEASED


def begin(key: str, fingerprint: str, now, expires_at) -> IdempotencyRecord | None:
    """Puts the in-progress record of a request, unless a live one exists (DynamoDB's TTL removes
    expired records a day or two late): None when put (this request acts), else the record
    found (consistent read)."""
    try:
        IdempotencyRecord(key, fingerprint=fingerprint, expires_at=expires_at).save(
            condition=IdempotencyRecord.key.does_not_exist() | (IdempotencyRecord.expires_at <= now))
        return None
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    try:
        return IdempotencyRecord.get(key, consistent_read=True)
    except IdempotencyRecord.DoesNotExist:       # expired or abandoned in between
        return IdempotencyRecord(key, fingerprint=fingerprint, expires_at=expires_at)


def finish(key: str, status: int, body: str, media: str) -> None:
    IdempotencyRecord(key).update(actions=[IdempotencyRecord.status.set(status),
                                           IdempotencyRecord.body.set(body),
                                           IdempotencyRecord.media.set(media)])


def abandon(key: str) -> None:
    """Forgets a request that failed on our side, so that the client's retry acts."""
    IdempotencyRecord(key).delete()
