"""Idempotency keys (SPEC 5.1): a POST with an Idempotency-Key acts once for its caller; the same
key and body within 24 hours give the first answer again, another body a 409, and two identical
requests at once act once."""
from datetime import datetime, timedelta, timezone

import time_machine

from tests.api.coi_world import world  # noqa: F401 - fixture
from tests.api.conftest import error_code, error_fields
from tests.api.test_api_keys import Machine, new_key
from tests.api.test_concurrency import at_once


def cois_of(person) -> list:
    return person.get("/api/cois").json_body["items"]


def test_the_same_key_and_body_give_the_first_answer_without_acting_again(world, new_api):
    machine = Machine(new_api, new_key(world.person["importer"], world.org["importer"])["key"])
    first = machine.post("/api/cois", {"boxes": world.boxes()}, **{"Idempotency-Key": "order-4711"})
    again = machine.post("/api/cois", {"boxes": world.boxes()}, **{"Idempotency-Key": "order-4711"})
    assert first.status_code == again.status_code == 201
    assert again.json_body == first.json_body and again.headers["Idempotent-Replayed"] == "true"
    assert len(cois_of(world.person["importer"])) == 1
    other = machine.post("/api/cois", {"boxes": world.boxes()}, **{"Idempotency-Key": "order-4712"})
    assert other.status_code == 201 and len(cois_of(world.person["importer"])) == 2


def test_the_same_key_with_another_body_is_a_conflict(world, new_api):
    importer = world.person["importer"]
    assert importer.post("/api/cois", {"boxes": world.boxes()},
                         headers={"Idempotency-Key": "k1"}).status_code == 201
    response = importer.post("/api/cois", {"boxes": world.boxes(box16={"gross_weight": "1", "unit": "kg"})},
                             headers={"Idempotency-Key": "k1"})
    assert response.status_code == 409 and error_code(response) == "idempotency_key_reused"
    assert len(cois_of(importer)) == 1


def test_an_error_answer_is_given_again_too(world, new_api):
    importer = world.person["importer"]
    coi = importer.post("/api/cois", {"boxes": world.boxes()}).json_body
    stale = {"version": coi["version"] + 5}
    first = importer.post(f"/api/cois/{coi['id']}/submit", stale, headers={"Idempotency-Key": "s"})
    again = importer.post(f"/api/cois/{coi['id']}/submit", stale, headers={"Idempotency-Key": "s"})
    assert first.status_code == again.status_code == 409 and again.json_body == first.json_body


def test_keys_are_per_caller_and_last_24_hours(world, new_api):
    importer, exporter = world.person["importer"], world.person["exporter"]
    now = datetime.now(timezone.utc)
    key = {"Idempotency-Key": "daily-import"}
    assert importer.post("/api/cois", {"boxes": world.boxes()}, headers=key).status_code == 201
    assert exporter.post("/api/cois", {"boxes": world.boxes()}, headers=key).status_code == 201
    assert len(cois_of(importer)) == len(cois_of(exporter)) == 1     # each acted once
    machine = Machine(new_api, new_key(importer, world.org["importer"])["key"])
    with time_machine.travel(now, tick=False):
        assert machine.post("/api/cois", {"boxes": world.boxes()}, **key).status_code == 201
    with time_machine.travel(now + timedelta(hours=23), tick=False):
        assert machine.post("/api/cois", {"boxes": world.boxes()}, **key).headers.get("Idempotent-Replayed")
    with time_machine.travel(now + timedelta(hours=24, seconds=1), tick=False):
        # DynamoDB's TTL removes the record within a day or two: a record past its time is none.
        later = machine.post("/api/cois", {"boxes": world.boxes()}, **key)
        assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert len(cois_of(importer)) == 3


def test_oversized_or_unprintable_keys_are_refused(world, new_api):
    importer = world.person["importer"]
    for bad in ("x" * 65, "tab\there", "é-accent", ""):
        response = importer.post("/api/cois", {"boxes": world.boxes()}, headers={"Idempotency-Key": bad})
        assert response.status_code == 400 and "Idempotency-Key" in error_fields(response), bad
    assert cois_of(importer) == []
    assert importer.post("/api/cois", {"boxes": world.boxes()},
                         headers={"Idempotency-Key": "~" * 64}).status_code == 201


def test_two_identical_requests_at_once_act_once(world, new_api, atomic_dynamodb):
    """Two deliveries of the same request reach two instances at once: one acts, the other is
    told to retry (409 idempotency_in_progress) and then gets the first answer."""
    from chalicelib.domain.errors import Conflict
    from chalicelib.domain.machines import fingerprint
    from chalicelib.services import machines

    scope = machines.idempotency_scope("key:0123456789abcdef", "order-1")
    body = fingerprint("POST", "/api/cois", b'{"boxes": {}}')
    now = datetime.now(timezone.utc)
    results = at_once(*[lambda: machines.begin(scope, body, now) for _ in range(4)])
    assert results.count(None) == 1
    assert all(isinstance(r, Conflict) and r.code == "idempotency_in_progress" for r in results if r is not None)
    machines.finish(scope, 201, {"id": "x"}, "application/json")
    assert machines.begin(scope, body, now) == (201, {"id": "x"}, "application/json")


def test_an_answer_of_our_own_failure_is_forgotten_so_the_retry_acts(world, new_api, monkeypatch):
    from chalicelib.services import certificates

    importer = world.person["importer"]
    real = certificates.create

    def failing(*args, **kwargs):
        raise RuntimeError("a backend fault")

    monkeypatch.setattr(certificates, "create", failing)
    assert importer.post("/api/cois", {"boxes": world.boxes()},
                         headers={"Idempotency-Key": "retry-me"}).status_code == 500
    monkeypatch.setattr(certificates, "create", real)
    assert importer.post("/api/cois", {"boxes": world.boxes()},
                         headers={"Idempotency-Key": "retry-me"}).status_code == 201
