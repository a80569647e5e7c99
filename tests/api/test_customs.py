"""Customs (SPEC 3.3): a COI checked by its number by the customs of its member state (404 to
everyone else), its quantities written off against declarations (MRN with its check character),
never beyond what remains even when two declarations arrive at once, the same request again
answered alike, an invalidated declaration giving its quantities back, each write-off in the
history, e-mailed to the importer and sent as `coi.written_off`, a COI written off in full
`depleted`; bad input refused field by field with nothing written."""
from datetime import datetime, timezone

import pytest

from bench.counting import counting
from tests.api.coi_world import PASSWORD, act, advanced, created, world  # noqa: F401 - fixture
from tests.api.conftest import error_fields, session_cookie
from tests.api.test_concurrency import at_once
from tests.api.test_webhooks import deliver, receiver, register  # noqa: F401 - fixture
from tests.conftest import staff


def mrn(first_17: str) -> str:
    from chalicelib.domain.iso6346 import check_character

    return first_17 + check_character(first_17)


MRN_1, MRN_2, MRN_3 = mrn("26FR0000000000001"), mrn("26FR0000000000002"), mrn("26FR00000000000A3")


@pytest.fixture
def customs(world, new_api):
    return staff(new_api, ("agent@douane.example.fr", PASSWORD, "FR-CUSTOMS"))


def path(coi, *rest: str) -> str:
    return "/".join([f"/api/customs/cois/{coi['number']}", *rest])


def write_off(agent, coi, mrn_value=MRN_1, lines=({"line": 0, "net_weight": "200"},)):
    return agent.post(path(coi, "write-offs"), {"mrn": mrn_value, "lines": list(lines)})


def lines_of(agent, coi) -> list:
    return [(line["written_off"], line["remaining"]) for line in agent.get(path(coi)).json_body["lines"]]


def history(world, coi) -> list:
    listed = world.person["importer"].get(f"/api/cois/{coi['id']}/history").json_body["items"]
    return [entry["action"] for entry in listed]


def test_customs_of_the_member_state_sees_a_released_coi_with_its_lines(world, customs):
    coi = advanced(world, "submit", "issue", "verify")
    found = customs.get(path(coi))
    assert found.status_code == 200
    assert found.json_body["releasable"] is True and found.json_body["status"] == "checked"
    assert found.json_body["lines"][1] == {"line": 1, "cn_code": "0804 10 00", "net_weight": "500.500",
                                           "unit": "kg", "written_off": "0.000", "remaining": "500.500"}
    assert found.json_body["write_offs"] == []


def test_only_customs_of_the_member_state_may_look(world, customs, new_api):
    coi = advanced(world, "submit", "issue", "verify")
    german = staff(new_api, ("zoll@zoll.example.de", PASSWORD, "DE-CUSTOMS"))
    for who in (german, world.person["importer"], world.person["authority"], world.person["stranger"]):
        assert who.get(path(coi)).status_code == 404
        assert write_off(who, coi).status_code == 404
    assert customs.get("/api/customs/cois/COI.EU.FR.2026.9999999").status_code == 404
    assert customs.get("/api/customs/cois/not-a-number").status_code == 404
    assert new_api().get(path(coi)).status_code == 401


def test_a_write_off_is_recorded_in_the_history_and_told_to_the_importer(world, customs, mailbox, receiver):
    register(world, receiver.url, events=("coi.written_off",))
    coi = advanced(world, "submit", "issue", "verify")
    made = write_off(customs, coi, MRN_1.lower(), [{"line": 0, "net_weight": "200.5"}])
    assert made.status_code == 201
    assert made.json_body["mrn"] == MRN_1 and made.json_body["status"] == "active"
    assert made.json_body["lines"] == [{"line": 0, "net_weight": "200.500"}]
    assert lines_of(customs, coi) == [("200.500", "2199.500"), ("0.000", "500.500")]
    assert history(world, coi)[-1] == "write_off"
    told = mailbox.last("importer@coi.example.org")
    assert MRN_1 in told["Subject"] and coi["number"] in mailbox.text(told)
    for other in ("consignee", "issuer", "authority"):            # the importer alone is told
        assert not [m for m in mailbox.messages(f"{other}@coi.example.org") if MRN_1 in m["Subject"]]
    deliver()
    assert [r["body"]["type"] for r in receiver.received] == ["coi.written_off"]
    assert receiver.received[0]["body"]["data"]["coi"]["number"] == coi["number"]


def test_the_same_request_again_gives_the_first_answer_and_other_lines_are_refused(world, customs):
    coi = advanced(world, "submit", "issue", "verify")
    first = write_off(customs, coi)
    again = write_off(customs, coi, lines=[{"line": 0, "net_weight": "200.000"}])
    assert again.status_code == 201 and again.json_body == first.json_body
    other = write_off(customs, coi, lines=[{"line": 1, "net_weight": "10"}])
    assert other.status_code == 409 and other.json_body["error"]["code"] == "mrn_reused"
    assert lines_of(customs, coi) == [("200.000", "2200.000"), ("0.000", "500.500")]
    assert history(world, coi).count("write_off") == 1


def test_a_write_off_never_goes_beyond_what_remains(world, customs):
    coi = advanced(world, "submit", "issue", "verify")
    assert write_off(customs, coi, MRN_1, [{"line": 0, "net_weight": "2000"}]).status_code == 201
    over = write_off(customs, coi, MRN_2, [{"line": 1, "net_weight": "1"}, {"line": 0, "net_weight": "400.001"}])
    assert over.status_code == 409 and over.json_body["error"]["code"] == "quantity_exceeded"
    assert set(error_fields(over)) == {"lines.1.net_weight"}
    assert lines_of(customs, coi) == [("2000.000", "400.000"), ("0.000", "500.500")]


@pytest.mark.parametrize("body, field", [
    ({"mrn": "26FR000000000000", "lines": [{"line": 0, "net_weight": "1"}]}, "mrn"),
    ({"mrn": MRN_1[:17] + str((int(MRN_1[17]) + 1) % 10), "lines": [{"line": 0, "net_weight": "1"}]}, "mrn"),
    ({"mrn": MRN_1, "lines": [{"line": 0, "net_weight": "-5"}]}, "lines.0.net_weight"),
    ({"mrn": MRN_1, "lines": [{"line": 0, "net_weight": "1.0001"}]}, "lines.0.net_weight"),
    ({"mrn": MRN_1, "lines": [{"line": 0, "net_weight": 12.5}]}, "lines.0.net_weight"),
    ({"mrn": MRN_1, "lines": [{"line": 7, "net_weight": "1"}]}, "lines.0.line"),
    ({"mrn": MRN_1, "lines": [{"line": 0, "net_weight": "1"}, {"line": 0, "net_weight": "1"}]}, "lines.1.line"),
    ({"mrn": MRN_1, "lines": []}, "lines"),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(world, customs, body, field):
    coi = advanced(world, "submit", "issue", "verify")
    refused = customs.post(path(coi, "write-offs"), body)
    assert refused.status_code == 400, refused.json_body
    assert field in error_fields(refused), error_fields(refused)
    assert lines_of(customs, coi) == [("0.000", "2400.000"), ("0.000", "500.500")]
    assert "write_off" not in history(world, coi)


def test_a_coi_that_is_not_releasable_is_not_written_off(world, customs):
    issued = advanced(world, "submit", "issue")
    base = advanced(world, "submit", "issue", "verify", batches=True)
    for coi in (issued, base):
        assert customs.get(path(coi)).json_body["releasable"] is False
        refused = write_off(customs, coi)
        assert refused.status_code == 409 and refused.json_body["error"]["code"] == "not_releasable"
        assert "write_off" not in history(world, coi)


def test_a_signed_extract_is_releasable(world, customs):
    base = advanced(world, "submit", "issue", "verify", batches=True)
    extract = act(world.person["importer"], base, "extracts",
                  lines=[{"line": 0, "packages": 10, "net_weight": "200"}],
                  box12={"first_consignee": world.org["consignee"], "release_by_batches": False}).json_body
    extract = act(world.person["importer"], extract, "submit").json_body
    assert customs.get(path(extract)).json_body["releasable"] is False
    extract = act(world.person["authority"], extract, "verify", outcome="released").json_body
    extract = act(world.person["consignee"], extract, "sign").json_body
    assert customs.get(path(extract)).json_body["releasable"] is True
    assert write_off(customs, extract, lines=[{"line": 0, "net_weight": "200"}]).status_code == 201


def test_an_invalidated_declaration_gives_its_quantities_back(world, customs):
    coi = advanced(world, "submit", "issue", "verify")
    write_off(customs, coi, MRN_1, [{"line": 0, "net_weight": "300"}])
    cancelled = customs.delete(path(coi, "write-offs", MRN_1))
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"
    assert lines_of(customs, coi) == [("0.000", "2400.000"), ("0.000", "500.500")]
    assert customs.delete(path(coi, "write-offs", MRN_1)).json_body == cancelled.json_body
    reused = write_off(customs, coi, MRN_1, [{"line": 0, "net_weight": "300"}])
    assert reused.status_code == 409 and reused.json_body["error"]["code"] == "mrn_reused"
    assert customs.delete(path(coi, "write-offs", MRN_2)).status_code == 404
    assert customs.delete(path(coi, "write-offs", "26FR1")).status_code == 400
    assert history(world, coi)[-2:] == ["write_off", "write_off_cancelled"]
    listed = customs.get(path(coi)).json_body["write_offs"]
    assert [(w["mrn"], w["status"]) for w in listed] == [(MRN_1, "cancelled")]


def test_a_coi_written_off_in_full_is_depleted_until_a_declaration_is_invalidated(world, customs, mailbox):
    coi = advanced(world, "submit", "issue", "verify", "sign")
    write_off(customs, coi, MRN_1, [{"line": 0, "net_weight": "2400"}])
    assert customs.get(path(coi)).json_body["status"] == "signed"
    write_off(customs, coi, MRN_2, [{"line": 1, "net_weight": "500.5"}])
    found = customs.get(path(coi)).json_body
    assert found["status"] == "depleted" and found["releasable"] is False
    assert world.person["importer"].get(f"/api/cois/{coi['id']}").json_body["status"] == "depleted"
    assert world.person["consignee"].get("/api/cois?status=depleted").json_body["items"][0]["id"] == coi["id"]
    assert any("depleted" in m["Subject"] or "épuisé" in m["Subject"]
               for m in mailbox.messages("consignee@coi.example.org"))
    refused = write_off(customs, coi, MRN_3, [{"line": 0, "net_weight": "1"}])
    assert refused.json_body["error"]["code"] == "not_releasable"
    assert customs.delete(path(coi, "write-offs", MRN_2)).status_code == 200
    assert customs.get(path(coi)).json_body["status"] == "signed"


def _service_write_off(agent, coi, mrn_value, weight):
    from chalicelib.services import sessions
    from chalicelib.services.certificates import customs as service

    current = sessions.authenticate(session_cookie(agent), datetime.now(timezone.utc))
    return lambda: service.write_off(current, coi["number"], {"mrn": mrn_value, "lines": [
        {"line": 0, "net_weight": weight}]}, datetime.now(timezone.utc))


def test_two_declarations_at_once_never_write_off_more_than_remains(world, customs, atomic_dynamodb):
    from chalicelib.domain.errors import Conflict

    coi = advanced(world, "submit", "issue", "verify")
    results = at_once(_service_write_off(customs, coi, MRN_1, "1500"), _service_write_off(customs, coi, MRN_2, "1500"))
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1 and losses[0].code == "quantity_exceeded", results
    assert lines_of(customs, coi)[0] == ("1500.000", "900.000")
    results = at_once(_service_write_off(customs, coi, MRN_3, "400"),
                      _service_write_off(customs, coi, mrn("26FR00000000000B4"), "400"))
    assert all(isinstance(r, dict) for r in results), results        # both fit: both are written off
    assert lines_of(customs, coi)[0] == ("2300.000", "100.000")
    assert history(world, coi).count("write_off") == 3


def test_the_same_declaration_twice_at_once_is_written_off_once(world, customs, atomic_dynamodb):
    coi = advanced(world, "submit", "issue", "verify")
    results = at_once(_service_write_off(customs, coi, MRN_1, "100"), _service_write_off(customs, coi, MRN_1, "100"))
    assert results[0] == results[1] and isinstance(results[0], dict), results
    assert lines_of(customs, coi)[0] == ("100.000", "2300.000")


def test_check_and_write_off_hold_the_dynamodb_budget_of_a_coi_operation(world, customs, monkeypatch):
    """At most bench.coi.BUDGET calls including the session, no Scan; what follows the commit (the
    outbox's e-mails and events) is counted apart, as the benchmark does."""
    from bench.coi import BUDGET
    from chalicelib.services import outbox

    after_commit = []
    original = outbox.deliver

    def counted(items, now):
        with counting() as inner:
            original(items, now)
        after_commit.append(inner.total)

    monkeypatch.setattr(outbox, "deliver", counted)
    coi = advanced(world, "submit", "issue", "verify")
    for call in (lambda: customs.get(path(coi)), lambda: write_off(customs, coi),
                 lambda: write_off(customs, coi), lambda: customs.delete(path(coi, "write-offs", MRN_1))):
        after_commit.clear()
        with counting() as counter:
            response = call()
        assert response.status_code in (200, 201), response.json_body
        assert counter.total - sum(after_commit) <= BUDGET and counter.calls.get("Scan", 0) == 0, dict(counter.calls)


def test_a_customs_system_checks_and_writes_off_with_an_api_key(world, customs, new_api):
    from tests.api.test_api_keys import Machine, new_key

    coi = advanced(world, "submit", "issue", "verify")
    system = Machine(new_api, new_key(customs, "FR-CUSTOMS")["key"])
    assert system.get(path(coi)).json_body["releasable"] is True
    made = system.post(path(coi, "write-offs"), {"mrn": MRN_1, "lines": [{"line": 1, "net_weight": "0.5"}]},
                       **{"Idempotency-Key": "declaration-1"})
    assert made.status_code == 201
    reader = Machine(new_api, new_key(customs, "FR-CUSTOMS", scope="read", name="reader")["key"])
    refused = reader.post(path(coi, "write-offs"), {"mrn": MRN_2, "lines": [{"line": 1, "net_weight": "1"}]})
    assert refused.status_code == 403
    assert lines_of(customs, coi)[1] == ("0.500", "500.000")
