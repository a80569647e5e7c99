"""Tables `webhooks` (an organisation's endpoints, with their signing secret: it signs, so it is
kept, not hashed) and `webhook_deliveries` (each attempt, kept 30 days by DynamoDB TTL)."""
from pynamodb.attributes import (NumberAttribute, TTLAttribute, UnicodeAttribute, UnicodeSetAttribute,
                                 UTCDateTimeAttribute)
from pynamodb.exceptions import UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from . import paging
from .stage import meta


class ByOrganisation(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_organisation"
        projection = AllProjection()

    organisation_id = UnicodeAttribute(hash_key=True)
    created = UnicodeAttribute(range_key=True)        # ISO time + "#" + id


class Webhook(Model):
    Meta = meta("webhooks")

    id = UnicodeAttribute(hash_key=True)
    organisation_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = UnicodeSetAttribute()
    secret = UnicodeAttribute()
    status = UnicodeAttribute()
    created = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    disabled_at = UTCDateTimeAttribute(null=True)

    by_organisation = ByOrganisation()


class Delivery(Model):
    Meta = meta("webhook_deliveries")

    webhook_id = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)          # ISO time + "#" + event id + "#" + attempt
    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    attempt = NumberAttribute()
    status = NumberAttribute(null=True)               # the endpoint's HTTP status, if it answered
    error = UnicodeAttribute(null=True)
    duration_ms = NumberAttribute()
    expires_at = TTLAttribute()


def of_organisation(organisation_id: str, cursor: str | None, shown: int) -> paging.Page:
    """One page of an organisation's endpoints, newest first (one Query)."""
    return paging.read([paging.Source(Webhook.by_organisation, organisation_id, forward=False)],
                       cursor, shown, shown)


def all_of(organisation_id: str, most: int) -> list[Webhook]:
    """The endpoints of an organisation (at most `most`: the limit of endpoints per organisation)."""
    return list(Webhook.by_organisation.query(organisation_id, limit=most))


def get(webhook_id: str) -> Webhook | None:
    try:
        return Webhook.get(webhook_id, consistent_read=True)
    except Webhook.DoesNotExist:
        return None


def set_status(webhook: Webhook, status: str, before: str, now) -> bool:
    """Moves the endpoint from `before` to `status`, conditional on it: False if it was not."""
    try:
        webhook.update(actions=[Webhook.status.set(status),
                                Webhook.disabled_at.set(now) if status != "active" else Webhook.disabled_at.remove()],
                       condition=Webhook.status == before)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def deliveries(webhook_id: str, below: str | None, limit: int) -> tuple[list[Delivery], str | None]:
    """One page of an endpoint's attempts, newest first, before the position `below` (one
    Query): (attempts, the position of the last one if there may be more)."""
    key = Delivery.at_id < below if below else None
    results = Delivery.query(webhook_id, range_key_condition=key, scan_index_forward=False, limit=limit)
    found = list(results)
    return found, found[-1].at_id if results.last_evaluated_key and found else None
