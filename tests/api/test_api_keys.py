"""API keys (SPEC 5.1): an organisation's administrators create, list and revoke them; a bearer
key acts for the organisation with its role kind, within its scope and rate, without cookie or
CSRF token; the COI's history names the key."""
from datetime import timedelta

import time_machine

from tests.api.coi_world import advanced, world  # noqa: F401 - fixture
from tests.api.conftest import T0, error_code, error_fields
from tests.api.test_concurrency import at_once

NEXT_YEAR = "2027-03-01"


def new_key(admin, organisation_id, scope="write", name="ERP", expires_at=NEXT_YEAR):
    response = admin.post(f"/api/organisations/{organisation_id}/api-keys",
                          {"name": name, "scope": scope, "expires_at": expires_at})
    assert response.status_code == 201, response.json_body
    return response.json_body


class Machine:
    """A machine client: its key in the Authorization header, no cookie, no CSRF token."""

    def __init__(self, new_api, key: str):
        self.api, self.key = new_api("en"), key

    def call(self, method, path, body=None, **headers):
        return self.api.call(method, path, body, headers={"Authorization": f"Bearer {self.key}", **headers})

    def get(self, path, **headers):
        return self.call("GET", path, **headers)

    def post(self, path, body=None, **headers):
        return self.call("POST", path, body if body is not None else {}, **headers)


def test_an_administrator_creates_a_key_shown_once_and_stored_hashed(world, new_api):
    from chalicelib.store.machines import ApiKey

    importer = world.person["importer"]
    created = new_key(importer, world.org["importer"], name="SAP import")
    assert created["key"].startswith(f"trc_{world.org['importer']}.")
    assert created["key"].startswith(created["prefix"] + "_")
    listed = importer.get(f"/api/organisations/{world.org['importer']}/api-keys").json_body
    assert [k["name"] for k in listed["items"]] == ["SAP import"]
    assert "key" not in listed["items"][0] and created["key"] not in str(listed)
    stored = ApiKey.get(created["id"])
    assert created["key"].split("_", 2)[2] not in str(stored.attribute_values)


def test_only_administrators_of_the_organisation_manage_its_keys(world, new_api):
    from tests.conftest import staff

    colleague = staff(new_api, ("second@coi.example.org", "Argan-Coast-2026!", world.org["importer"]))
    for person in (colleague, world.person["exporter"]):
        response = person.post(f"/api/organisations/{world.org['importer']}/api-keys",
                               {"name": "ERP", "scope": "read", "expires_at": NEXT_YEAR})
        assert response.status_code == 403
        assert person.get(f"/api/organisations/{world.org['importer']}/api-keys").status_code == 403


def test_a_key_needs_a_name_a_scope_and_an_expiry_within_two_years(world):
    importer, org = world.person["importer"], world.org["importer"]
    response = importer.post(f"/api/organisations/{org}/api-keys", {"name": "", "scope": "admin",
                                                                     "expires_at": "2027-02-30"})
    assert response.status_code == 400
    assert set(error_fields(response)) == {"name", "scope", "expires_at"}
    for day in ("2020-01-01", "2031-01-01"):
        with time_machine.travel(T0, tick=False):
            response = importer.post(f"/api/organisations/{org}/api-keys",
                                     {"name": "ERP", "scope": "read", "expires_at": day})
        assert response.status_code == 400 and "expires_at" in error_fields(response)


def test_a_write_key_creates_and_submits_a_coi_without_cookie_or_csrf_and_history_names_it(world, new_api):
    key = new_key(world.person["importer"], world.org["importer"], name="SAP import")["key"]
    machine = Machine(new_api, key)
    response = machine.post("/api/cois", {"boxes": world.boxes()})
    assert response.status_code == 201, response.json_body
    coi = response.json_body
    submitted = machine.post(f"/api/cois/{coi['id']}/submit", {"version": coi["version"]})
    assert submitted.status_code == 200, submitted.json_body
    history = world.person["importer"].get(f"/api/cois/{coi['id']}/history").json_body["items"]
    assert {entry["person"] for entry in history} == {"API key: SAP import"}
    assert world.person["importer"].get(f"/api/cois/{coi['id']}").json_body["status"] == "new"


def test_a_key_acts_with_its_organisations_role_kind(world, new_api):
    coi = advanced(world, "submit")
    issuer_key = new_key(world.person["issuer"], world.org["issuer"])["key"]
    machine = Machine(new_api, issuer_key)
    assert machine.get(f"/api/cois/{coi['id']}").json_body["allowed"]["actions"] == ["issue"]
    issued = machine.post(f"/api/cois/{coi['id']}/issue", {"version": coi["version"]})
    assert issued.status_code == 200, issued.json_body
    assert issued.json_body["boxes"]["box18"]["signed_by"] == "API key: ERP"
    stranger = Machine(new_api, new_key(world.person["stranger"], world.org["stranger"])["key"])
    assert stranger.get(f"/api/cois/{coi['id']}").status_code == 404


def test_a_read_key_may_only_read(world, new_api):
    machine = Machine(new_api, new_key(world.person["importer"], world.org["importer"], scope="read")["key"])
    assert machine.get("/api/cois").status_code == 200
    response = machine.post("/api/cois", {"boxes": world.boxes()})
    assert response.status_code == 403 and error_code(response) == "read_only_key"


def test_malformed_unknown_wrong_revoked_and_expired_keys_are_refused(world, new_api):
    from datetime import datetime, timezone

    importer, org = world.person["importer"], world.org["importer"]
    last_day = (datetime.now(timezone.utc) + timedelta(days=2)).date()
    created = new_key(importer, org, expires_at=last_day.isoformat())
    key = created["key"]
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    for header in ("Bearer", "Basic dXNlcjpwYXNz", f"Bearer {key} extra", "Bearer trc_x",
                   f"Bearer {forged}", f"Bearer {key.replace(org, world.org['stranger'])}"):
        response = new_api("en").call("GET", "/api/cois", headers={"Authorization": header})
        assert response.status_code == 401 and error_code(response) == "invalid_api_key", header
    with time_machine.travel(datetime.combine(last_day + timedelta(days=1), datetime.min.time(),
                                              tzinfo=timezone.utc), tick=False):
        assert Machine(new_api, key).get("/api/cois").status_code == 401
    assert Machine(new_api, key).get("/api/cois").status_code == 200
    assert importer.delete(f"/api/organisations/{org}/api-keys/{created['id']}").status_code == 204
    assert Machine(new_api, key).get("/api/cois").status_code == 401
    listed = importer.get(f"/api/organisations/{org}/api-keys").json_body["items"]
    assert listed[0]["revoked_at"] is not None
    assert importer.delete(f"/api/organisations/{world.org['stranger']}/api-keys/{created['id']}").status_code == 403
    assert importer.delete(f"/api/organisations/{org}/api-keys/0000000000000000").status_code == 404


def test_a_key_of_an_organisation_no_longer_valid_is_refused(world, new_api):
    from chalicelib.store.organisations import Organisation

    key = new_key(world.person["importer"], world.org["importer"])["key"]
    assert Machine(new_api, key).get("/api/cois").status_code == 200
    Organisation(world.org["importer"]).update(actions=[Organisation.status.set("suspended")])
    assert Machine(new_api, key).get("/api/cois").status_code == 401


def test_a_key_cannot_use_what_is_for_people(world, new_api):
    machine = Machine(new_api, new_key(world.person["importer"], world.org["importer"])["key"])
    for method, path in (("GET", "/api/me"), ("GET", "/api/authorisations"),
                         ("GET", f"/api/organisations/{world.org['importer']}/api-keys")):
        response = machine.call(method, path)
        assert response.status_code == 403 and error_code(response) == "people_only", path
    assert machine.get(f"/api/organisations/{world.org['importer']}").status_code == 200


def test_each_key_has_its_rate_limit(world, new_api, monkeypatch):
    monkeypatch.setenv("TRACES_API_KEY_PER_MINUTE", "20")
    importer, org = world.person["importer"], world.org["importer"]
    first, second = (Machine(new_api, new_key(importer, org, name=n)["key"]) for n in ("one", "two"))
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        assert [first.get("/api/cois").status_code for _ in range(20)] == [200] * 20
        refused = first.get("/api/cois")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
        assert second.get("/api/cois").status_code == 200
    with time_machine.travel(T0 + timedelta(days=1, minutes=1), tick=False):
        assert first.get("/api/cois").status_code == 200
    used = importer.get(f"/api/organisations/{org}/api-keys").json_body["items"]
    assert {k["name"]: k["last_used_at"] is not None for k in used} == {"one": True, "two": True}


def test_a_revocation_racing_requests_leaves_no_request_accepted_after_it(world, new_api, atomic_dynamodb):
    """Requests in flight while the key is revoked may finish; none read after it succeeds."""
    from datetime import datetime, timezone

    from chalicelib.domain.errors import NotAuthenticated
    from chalicelib.services import machines, sessions
    from tests.api.conftest import session_cookie

    importer, org = world.person["importer"], world.org["importer"]
    created = new_key(importer, org)
    now = datetime.now(timezone.utc)
    admin = sessions.authenticate(session_cookie(importer), now)
    header = f"Bearer {created['key']}"
    results = at_once(lambda: machines.revoke(admin, org, created["id"], now),
                      lambda: machines.revoke(admin, org, created["id"], now),
                      *[lambda: machines.authenticate(header, "GET", now) for _ in range(4)])
    assert results[0] is None and results[1] is None       # revoking twice: the same outcome
    assert all(r.account.roles == {org: "operator"} or isinstance(r, NotAuthenticated) for r in results[2:])
    for _ in range(3):
        try:
            machines.authenticate(header, "GET", now)
            raise AssertionError("a revoked key was accepted")
        except NotAuthenticated:
            pass
    from chalicelib.store import audit

    assert [r.action for r in audit.trail(f"organisation#{org}")].count("api_key_revoked") == 1


def test_a_key_revoked_between_its_read_and_its_lease_is_refused_not_rate_limited(world, new_api, monkeypatch):
    """The lease's write is conditional on the key not being revoked: a revocation landing
    between the request's read and its lease is a 401, never a 429."""
    from datetime import datetime, timezone

    from chalicelib.store import machines as store

    created = new_key(world.person["importer"], world.org["importer"])
    real = store.lease

    def revoked_meanwhile(key_id, *args):
        store.ApiKey(key_id).update(actions=[store.ApiKey.revoked_at.set(datetime.now(timezone.utc))])
        return real(key_id, *args)

    monkeypatch.setattr(store, "lease", revoked_meanwhile)
    response = Machine(new_api, created["key"]).get("/api/cois")
    assert response.status_code == 401 and error_code(response) == "invalid_api_key"
