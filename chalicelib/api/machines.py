"""Machine clients (SPEC 5.1): an organisation's API keys and webhook endpoints, managed by its
administrators."""
from chalice import Blueprint

from ..domain.webhooks import EVENTS
from . import security
from .http import body, lazy, now, query, route
from .schema import EMPTY, array, choice, obj, string
from .shapes import CURSOR, NAME, OPTIONAL_TEXT, TEXT, page

bp = Blueprint(__name__)
machines, webhooks = lazy("chalicelib.services.machines"), lazy("chalicelib.services.webhooks")

NEW_KEY = obj({"name": NAME, "scope": choice("read", "write", description="read: GET only"),
               "expires_at": string(10, min_length=1, format="date",
                                    description="the last day it works (UTC), within two years")},
              required=["name", "scope", "expires_at"])
KEY = {"type": "object", "required": ["id", "name", "prefix", "scope", "created_at", "expires_at"],
       "properties": {"id": TEXT, "name": TEXT, "prefix": TEXT, "scope": TEXT, "created_at": TEXT,
                      "expires_at": TEXT, "last_used_at": OPTIONAL_TEXT, "revoked_at": OPTIONAL_TEXT}}
NEW_SECRET = {**KEY, "required": [*KEY["required"], "key"], "properties": {
    **KEY["properties"], "key": {**TEXT, "description": "the secret, shown this once: "
                                 "send it as `Authorization: Bearer <key>`"}}}


@route(bp, "/organisations/{organisation_id}/api-keys", methods=["POST"], status=201, body=NEW_KEY,
       login=True, returns=NEW_SECRET)
def create_key(organisation_id):
    """Create an API key of the organisation (its administrators); the secret is shown once."""
    request = bp.current_request
    current = security.current(request)
    return machines.create(current, organisation_id, body(request), now())


@route(bp, "/organisations/{organisation_id}/api-keys", query=obj({"cursor": CURSOR}), login=True,
       returns=page(KEY))
def list_keys(organisation_id):
    """The organisation's API keys, newest first (never their secret)."""
    request = bp.current_request
    params = query(request)
    return machines.keys(security.current(request), organisation_id, params.get("cursor"))


@route(bp, "/organisations/{organisation_id}/api-keys/{key_id}", methods=["DELETE"], status=204,
       login=True)
def revoke_key(organisation_id, key_id):
    """Revoke an API key: refused from the next request on."""
    current = security.current(bp.current_request)
    machines.revoke(current, organisation_id, key_id, now())


# --- webhooks ---------------------------------------------------------------------------------

NEW_WEBHOOK = obj({"url": string(2000, min_length=1, description="https://, resolving to public addresses"),
                   "events": {**array(string(40), max_items=len(EVENTS)),
                              "description": "some of: " + ", ".join(EVENTS)}},
                  required=["url", "events"])
WEBHOOK = {"type": "object", "required": ["id", "url", "events", "status", "created_at"],
           "properties": {"id": TEXT, "url": TEXT, "events": {"type": "array", "items": TEXT},
                          "status": choice("active", "disabled"), "created_at": TEXT,
                          "disabled_at": OPTIONAL_TEXT}}
NEW_WEBHOOK_SECRET = {**WEBHOOK, "required": [*WEBHOOK["required"], "secret"], "properties": {
    **WEBHOOK["properties"], "secret": {**TEXT, "description": "the signing secret, shown this once"}}}
ATTEMPT = {"type": "object", "required": ["at", "event_id", "type", "attempt", "duration_ms"],
           "properties": {"at": TEXT, "event_id": TEXT, "type": TEXT, "attempt": {"type": "integer"},
                          "status": {"type": ["integer", "null"], "description": "the endpoint's HTTP status"},
                          "error": OPTIONAL_TEXT, "duration_ms": {"type": "integer"}}}
WEBHOOKS = "/organisations/{organisation_id}/webhooks"


@route(bp, WEBHOOKS, methods=["POST"], status=201, body=NEW_WEBHOOK, login=True, errors=(409,),
       returns=NEW_WEBHOOK_SECRET)
def add_webhook(organisation_id):
    """Register a webhook endpoint (its administrators); the signing secret is shown once."""
    request = bp.current_request
    current = security.current(request)
    return webhooks.register(current, organisation_id, body(request), now())


@route(bp, WEBHOOKS, query=obj({"cursor": CURSOR}), login=True, returns=page(WEBHOOK))
def list_webhooks(organisation_id):
    """The organisation's webhook endpoints, newest first."""
    request = bp.current_request
    params = query(request)
    return webhooks.endpoints(security.current(request), organisation_id, params.get("cursor"))


@route(bp, WEBHOOKS + "/{webhook_id}/deliveries", query=obj({"cursor": CURSOR}), login=True,
       returns=page(ATTEMPT))
def webhook_deliveries(organisation_id, webhook_id):
    """The endpoint's recent delivery attempts (status, duration), newest first."""
    request = bp.current_request
    params = query(request)
    return webhooks.deliveries(security.current(request), organisation_id, webhook_id,
                               params.get("cursor"))


@route(bp, WEBHOOKS + "/{webhook_id}/ping", methods=["POST"], status=202, body=EMPTY, login=True,
       returns={"type": "object", "required": ["event_id"], "properties": {"event_id": TEXT}})
def ping_webhook(organisation_id, webhook_id):
    """Send a `ping` event to the endpoint (tried once, through the queue: see its deliveries)."""
    request = bp.current_request
    current = security.current(request)
    body(request)
    return webhooks.ping(current, organisation_id, webhook_id, now())


@route(bp, WEBHOOKS + "/{webhook_id}/enable", methods=["POST"], body=EMPTY, login=True, errors=(409,),
       returns=WEBHOOK)
def enable_webhook(organisation_id, webhook_id):
    """Enable again an endpoint disabled after 24 hours of failures."""
    request = bp.current_request
    current = security.current(request)
    body(request)
    return webhooks.reenable(current, organisation_id, webhook_id, now())
