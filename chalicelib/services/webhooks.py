"""Signed webhooks (SPEC 5.1): an organisation's administrators register endpoints; each COI
event, written to the outbox with its change and published after the commit, goes through the
queue to the endpoints of the organisations party to the COI, signed,
retried with backoff for 24 hours, after which the endpoint is disabled and its administrators
e-mailed. The queue's consumer is jobs/deliver_webhooks.py."""
import json
import uuid
from datetime import datetime, timedelta

from ..config import settings
from ..delivery import post, queue
from ..domain import webhooks as rules
from ..domain.errors import Conflict, Invalid, N_, NotFound
from ..mail import mailer
from ..store import audit, base
from ..store import webhooks as store
from ..store.accounts import Account
from ..store.authorisations import holders
from ..store.paging import from_cursor, to_cursor
from ..store.webhooks import Delivery, Webhook
from . import credentials
from .machines import BAD_CURSOR, administered, administered_page
from .sessions import Current

MOST_PER_ORGANISATION = 10
PAGE = 50
KEPT = timedelta(days=30)          # the delivery log


def listed(webhook: Webhook) -> dict:
    return {"id": webhook.id, "url": webhook.url, "events": sorted(webhook.events),
            "status": webhook.status, "created_at": webhook.created_at.isoformat(),
            "disabled_at": webhook.disabled_at.isoformat() if webhook.disabled_at else None}


def _checked_url(url: str) -> str:
    """An https:// URL whose host resolves to public addresses only (checked again at delivery)."""
    loopback = settings.webhook_loopback
    _, host, port = rules.url_parts(url, loopback)
    rules.public(post.resolve(host, port), loopback)
    return url


def register(current: Current, organisation_id: str, data: dict, now: datetime) -> dict:
    administered(current, organisation_id)
    problems = {}
    for check in (lambda: _checked_url(data["url"]), lambda: rules.events(data["events"])):
        try:
            check()
        except Invalid as error:
            problems.update(error.fields)
    if problems:
        raise Invalid(problems)
    if len(store.all_of(organisation_id, MOST_PER_ORGANISATION)) >= MOST_PER_ORGANISATION:
        raise Conflict(N_("An organisation has at most ten webhook endpoints."), code="too_many_webhooks")
    webhook_id = uuid.uuid4().hex
    secret = "whsec_" + credentials.new_token()
    webhook = Webhook(webhook_id, organisation_id=organisation_id, url=data["url"],
                      events=rules.events(data["events"]), secret=secret, status=rules.ACTIVE,
                      created=f"{now.isoformat()}#{webhook_id}", created_at=now)
    with base.transaction() as tx:
        tx.save(webhook, condition=Webhook.id.does_not_exist())
        tx.save(audit.record(f"organisation#{organisation_id}", current.account.id, "webhook_added",
                             now, webhook=webhook_id, url=webhook.url))
    return {**listed(webhook), "secret": secret}


def endpoints(current: Current, organisation_id: str, cursor: str | None) -> dict:
    return administered_page(current, organisation_id, cursor, store.of_organisation, listed, PAGE)


def _endpoint(current: Current, organisation_id: str, webhook_id: str) -> Webhook:
    administered(current, organisation_id)
    webhook = store.get(webhook_id) if 0 < len(webhook_id) <= 64 else None
    if webhook is None or webhook.organisation_id != organisation_id:
        raise NotFound(N_("There is no such webhook endpoint."))
    return webhook


def _attempt_view(attempt: Delivery) -> dict:
    return {"at": attempt.at_id.split("#", 1)[0], "event_id": attempt.event_id, "type": attempt.type,
            "attempt": int(attempt.attempt),
            "status": int(attempt.status) if attempt.status is not None else None,
            "error": attempt.error, "duration_ms": int(attempt.duration_ms)}


def deliveries(current: Current, organisation_id: str, webhook_id: str, cursor: str | None) -> dict:
    """The endpoint's recent attempts, newest first, paged."""
    webhook = _endpoint(current, organisation_id, webhook_id)
    below = _position(cursor) if cursor else None
    found, last = store.deliveries(webhook.id, below, PAGE)
    return {"items": [_attempt_view(a) for a in found], "cursor": to_cursor(last) if last else None}


def _position(cursor: str) -> str:
    """The position a cursor of a delivery log holds (an attempt's sort key); 400 otherwise."""
    try:
        position = from_cursor(cursor)
    except ValueError:
        position = None
    if not isinstance(position, str) or not 0 < len(position) <= 200:
        raise Invalid({"cursor": BAD_CURSOR})
    return position


def ping(current: Current, organisation_id: str, webhook_id: str, now: datetime) -> dict:
    """Queues a `ping` event for the endpoint (one attempt, shown in its delivery log)."""
    webhook = _endpoint(current, organisation_id, webhook_id)
    event = rules.payload(uuid.uuid4().hex, rules.PING, now, None)
    queue.send(_delivery(webhook, event, 1, now))
    return {"event_id": event["id"]}


def reenable(current: Current, organisation_id: str, webhook_id: str, now: datetime) -> dict:
    webhook = _endpoint(current, organisation_id, webhook_id)
    if not store.set_status(webhook, rules.ACTIVE, rules.DISABLED, now):
        raise Conflict(N_("This endpoint is not disabled."), code="not_disabled")
    webhook.status, webhook.disabled_at = rules.ACTIVE, None
    return listed(webhook)


# --- events and their delivery -------------------------------------------------------------

def event(action: str, coi: dict, organisations, now: datetime) -> dict | None:
    """The webhook event of a COI's change, for the organisations party to it: the payload of
    an outbox item (services/outbox.py), saved with the change and published once it commits.
    None for an action without an event."""
    event_type = rules.ACTION_EVENTS.get(action)
    if event_type is None or not organisations:
        return None
    return {"event": rules.payload(uuid.uuid4().hex, event_type, now, coi),
            "organisations": sorted(organisations)}


def publish(payload: dict, now: datetime) -> None:
    """From the outbox, after the commit: the event to the queue (a failure leaves the outbox
    item for its job, so the event is never lost)."""
    queue.send({"kind": "event", **payload})


def handle(message: dict, now: datetime) -> None:
    """One message of the queue: an event to fan out to the endpoints that want it, or one
    delivery attempt."""
    if message.get("kind") == "event":
        _fan_out(message["event"], message["organisations"], now)
    elif message.get("kind") == "delivery":
        webhook = store.get(message["webhook"])
        if webhook is not None and webhook.status == rules.ACTIVE:
            _try(webhook, message["event"], int(message["attempt"]),
                 datetime.fromisoformat(message["first_try"]), now)


def _fan_out(event: dict, organisations: list, now: datetime) -> None:
    for organisation_id in organisations:
        for webhook in store.all_of(organisation_id, MOST_PER_ORGANISATION):
            if webhook.status == rules.ACTIVE and event["type"] in webhook.events:
                queue.send(_delivery(webhook, event, 1, now))


def _delivery(webhook: Webhook, event: dict, attempt: int, first_try: datetime) -> dict:
    return {"kind": "delivery", "webhook": webhook.id, "event": event, "attempt": attempt,
            "first_try": first_try.isoformat()}


def _send(webhook: Webhook, event: dict, attempt: int, now: datetime) -> Delivery:
    """One signed POST, logged (the log is what the endpoint's page shows)."""
    body = json.dumps(event, sort_keys=True, separators=(",", ":")).encode()
    signature = rules.signature(webhook.secret, int(now.timestamp()), body)
    status, error, duration = post.send(webhook.url, body, {rules.SIGNATURE_HEADER: signature},
                                        settings.webhook_loopback)
    attempt_log = Delivery(webhook.id, f"{now.isoformat()}#{event['id']}#{attempt}", event_id=event["id"],
                           type=event["type"], attempt=attempt, status=status, error=error,
                           duration_ms=duration, expires_at=now + KEPT)
    attempt_log.save()
    return attempt_log


def _try(webhook: Webhook, event: dict, attempt: int, first_try: datetime, now: datetime) -> None:
    """An attempt; after a failure, the next one later through the queue, or past 24 hours the
    endpoint disabled and its administrators told. A ping is tried once."""
    if rules.delivered(_send(webhook, event, attempt, now).status) or event["type"] == rules.PING:
        return
    if not rules.given_up(first_try, now):
        queue.send(_delivery(webhook, event, attempt + 1, first_try), rules.retry_in(attempt))
    elif store.set_status(webhook, rules.DISABLED, rules.ACTIVE, now):
        _tell_administrators(webhook)


def _tell_administrators(webhook: Webhook) -> None:
    ids = sorted({a.account_id for a in holders(webhook.organisation_id)})
    for person in Account.batch_get(ids) if ids else []:
        if person.status == "valid" and webhook.organisation_id in person.administered:
            mailer.send(person.email, "webhook_disabled", person.language, person.notification_format,
                        name=person.first_name, url=webhook.url)
