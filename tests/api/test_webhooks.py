"""Signed webhooks (SPEC 5.1): registration with its URL and event rules, delivery through the
queue to the organisations party to a COI, signature, retries with backoff for 24 hours, then
the endpoint disabled and its administrators e-mailed; the delivery log, the ping, re-enabling."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.api.coi_world import act, advanced, world  # noqa: F401 - fixture
from tests.api.conftest import error_fields
from tests.webhook_receiver import Receiver


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setenv("TRACES_WEBHOOK_LOOPBACK", "1")
    found = Receiver()
    yield found
    found.close()


def hooks(world, who="importer"):
    return f"/api/organisations/{world.org[who]}/webhooks"


def register(world, url, events=("coi.submitted", "coi.issued"), who="importer"):
    response = world.person[who].post(hooks(world, who), {"url": url, "events": list(events)})
    assert response.status_code == 201, response.json_body
    return response.json_body


def deliver(now=None) -> int:
    from chalicelib.jobs import deliver_webhooks

    return deliver_webhooks.run(now or datetime.now(timezone.utc))


def test_a_party_receives_the_signed_events_it_subscribed_to(world, receiver):
    endpoint = register(world, receiver.url)
    receiver.secret = endpoint["secret"]
    assert endpoint["secret"].startswith("whsec_") and endpoint["status"] == "active"
    coi = advanced(world, "submit", "issue")
    deliver()
    assert [r["body"]["type"] for r in receiver.received] == ["coi.submitted", "coi.issued"]
    assert all(r["verified"] for r in receiver.received)
    event = receiver.received[1]["body"]
    assert event["data"]["coi"] == {"id": coi["id"], "number": coi["number"], "status": "issued",
                                    "version": coi["version"]}
    assert set(event) == {"id", "type", "created_at", "data"}
    receiver.secret = "whsec_another"
    act(world.person["authority"], coi, "verify", outcome="released")
    deliver()
    assert len(receiver.received) == 2          # not subscribed to coi.verified
    listed = world.person["importer"].get(hooks(world)).json_body["items"]
    assert "secret" not in listed[0] and endpoint["secret"] not in str(listed)


def test_only_the_parties_of_the_coi_receive_its_events(world, receiver):
    register(world, receiver.url, who="stranger")
    advanced(world, "submit")
    deliver()
    assert receiver.received == []


def status_of(endpoint) -> str:
    from chalicelib.store.webhooks import Webhook

    return Webhook.get(endpoint["id"]).status


def test_a_failing_endpoint_is_retried_with_backoff_then_disabled_after_24_hours(world, receiver, mailbox):
    endpoint = register(world, receiver.url)
    receiver.secret, receiver.answer = endpoint["secret"], 503
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        advanced(world, "submit")
        deliver()
        while datetime.now(timezone.utc) < start + timedelta(hours=25):
            clock.shift(timedelta(seconds=30))
            seen = len(receiver.received)
            deliver()
            if len(receiver.received) > seen and status_of(endpoint) == "disabled":
                break
    times = [r["at"] for r in receiver.received]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert status_of(endpoint) == "disabled"
    assert gaps[0] <= timedelta(minutes=1)                              # the first retry within a minute
    assert gaps[:6] == sorted(gaps[:6]) and gaps[5] >= 8 * gaps[0]      # then ever longer
    assert max(gaps) <= timedelta(minutes=15, seconds=30)
    assert timedelta(hours=24) <= times[-1] - times[0] <= timedelta(hours=24, minutes=16)
    assert len(times) < 120
    assert all(r["verified"] for r in receiver.received)
    assert len({r["body"]["id"] for r in receiver.received}) == 1       # the same event each time
    importer = world.person["importer"]
    assert "Un point de terminaison webhook a été désactivé" in [
        m["Subject"] for m in mailbox.messages("importer@coi.example.org")]
    attempts = importer.get(f"{hooks(world)}/{endpoint['id']}/deliveries").json_body["items"]
    assert attempts[0]["status"] == 503 and attempts[0]["attempt"] == len(receiver.received)
    # nothing more goes to a disabled endpoint, until an administrator enables it again
    count = len(receiver.received)
    advanced(world, "submit")
    deliver()
    assert len(receiver.received) == count
    receiver.answer = 204
    enabled = importer.post(f"{hooks(world)}/{endpoint['id']}/enable")
    assert enabled.status_code == 200 and enabled.json_body["status"] == "active"
    assert importer.post(f"{hooks(world)}/{endpoint['id']}/enable").status_code == 409
    advanced(world, "submit")
    deliver()
    assert receiver.received[-1]["body"]["type"] == "coi.submitted" and len(receiver.received) == count + 1


def test_ping_sends_a_test_event_and_logs_it(world, receiver):
    endpoint = register(world, receiver.url)
    receiver.secret = endpoint["secret"]
    response = world.person["importer"].post(f"{hooks(world)}/{endpoint['id']}/ping")
    assert response.status_code == 202
    deliver()
    assert receiver.received[0]["body"]["type"] == "ping" and receiver.received[0]["verified"]
    assert receiver.received[0]["body"]["id"] == response.json_body["event_id"]
    log = world.person["importer"].get(f"{hooks(world)}/{endpoint['id']}/deliveries").json_body["items"]
    assert [(a["type"], a["status"]) for a in log] == [("ping", 200)]


def last_attempt(world, endpoint) -> dict:
    return world.person["importer"].get(f"{hooks(world)}/{endpoint['id']}/deliveries").json_body["items"][0]


def test_a_redirect_is_a_failure_and_is_not_followed(world, receiver):
    endpoint = register(world, receiver.url)
    receiver.answer, receiver.headers = 302, {"Location": "http://169.254.169.254/latest/meta-data/"}
    world.person["importer"].post(f"{hooks(world)}/{endpoint['id']}/ping")
    deliver()
    assert last_attempt(world, endpoint)["status"] == 302 and len(receiver.received) == 1


@pytest.mark.parametrize("url", [
    "http://erp.example.com/hooks", "ftp://erp.example.com/", "https://user:pw@erp.example.com/",
    "https://10.0.0.8/hooks", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/", "https://[fe80::1]/", "https://127.0.0.1/", "https://localhost/",
    "https://private.example.com/", "https://nowhere.invalid/", "https://erp.example.com/" + "a" * 2000,
    "http://127.0.0.1:8080/hooks"])
def test_webhook_urls_must_be_https_to_public_addresses(world, monkeypatch, url):
    from chalicelib.delivery import post

    monkeypatch.setattr(post, "resolve", lambda host, port: {
        "erp.example.com": ["93.184.216.34"], "private.example.com": ["93.184.216.34", "10.1.2.3"],
        "localhost": ["127.0.0.1"], "nowhere.invalid": []}.get(host, [host.strip("[]")]))
    response = world.person["importer"].post(hooks(world), {"url": url, "events": ["coi.issued"]})
    assert response.status_code == 400 and "url" in error_fields(response), url
    assert world.person["importer"].post(hooks(world), {"url": "https://erp.example.com/hooks",
                                                       "events": ["coi.issued"]}).status_code == 201


def test_the_address_is_checked_again_at_delivery(world, monkeypatch):
    from chalicelib.delivery import post

    answers = {"erp.example.com": ["93.184.216.34"]}
    monkeypatch.setattr(post, "resolve", lambda host, port: answers[host])
    endpoint = register(world, "https://erp.example.com/hooks")
    answers["erp.example.com"] = ["10.0.0.5"]           # a rebinding DNS
    world.person["importer"].post(f"{hooks(world)}/{endpoint['id']}/ping")
    deliver()
    attempt = last_attempt(world, endpoint)
    assert attempt["status"] is None and attempt["error"] == "This address does not lead to a public server."


def test_unknown_events_and_strangers_are_refused(world, receiver):
    response = world.person["importer"].post(hooks(world), {"url": receiver.url, "events": ["coi.eaten"]})
    assert response.status_code == 400 and "events" in error_fields(response)
    assert world.person["importer"].post(hooks(world), {"url": receiver.url, "events": []}).status_code == 400
    response = world.person["exporter"].post(hooks(world), {"url": receiver.url, "events": ["coi.issued"]})
    assert response.status_code == 403
    endpoint = register(world, receiver.url)
    assert world.person["exporter"].get(f"{hooks(world)}/{endpoint['id']}/deliveries").status_code == 403
    assert world.person["importer"].post(f"{hooks(world)}/0123/ping").status_code == 404


def test_loopback_http_is_refused_unless_the_stage_allows_it(world, monkeypatch):
    monkeypatch.setenv("TRACES_WEBHOOK_LOOPBACK", "0")
    response = world.person["importer"].post(hooks(world), {"url": "http://127.0.0.1:9/x", "events": ["coi.issued"]})
    assert response.status_code == 400
    from chalicelib.config import load

    with pytest.raises(ValueError, match="TRACES_WEBHOOK_LOOPBACK"):
        load({"TRACES_STAGE": "prod", "TRACES_WEBHOOK_LOOPBACK": "1"})


def test_a_committed_change_stays_a_success_when_the_queue_fails(world, monkeypatch):
    from chalicelib.delivery import queue

    def broken(*args, **kwargs):
        raise ConnectionError("SQS is down")

    monkeypatch.setattr(queue, "send", broken)
    coi = advanced(world)
    response = act(world.person["importer"], coi, "submit")
    assert response.status_code == 200 and response.json_body["status"] == "new"
