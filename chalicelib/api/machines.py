"""Machine clients (SPEC 5.1): an organisation's API keys, managed by its administrators."""
from chalice import Blueprint

from . import security
from .http import body, lazy, now, query, route
from .schema import choice, obj, string
from .shapes import CURSOR, NAME, OPTIONAL_TEXT, TEXT, page

bp = Blueprint(__name__)
machines = lazy("chalicelib.services.machines")

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
