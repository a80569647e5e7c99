"""Concurrent actions on a COI (SPEC 10: conditional writes, never two winners). Each request is
read first (both see the same COI and version), then both write at once through the service, as
two Lambda invocations would; `atomic_dynamodb` gives moto DynamoDB's per-request atomicity."""
from datetime import datetime, timezone

from tests.api.coi_world import advanced, world  # noqa: F401 - fixture
from tests.api.conftest import session_cookie
from tests.api.test_concurrency import at_once


def now():
    return datetime.now(timezone.utc)


def facing(person, coi_id):
    """What a request handler holds after its one read: the caller and the COI."""
    from chalicelib.services import sessions
    from chalicelib.store.cois import Coi

    current = sessions.authenticate(session_cookie(person), now(), items=((Coi, coi_id),))
    return current, current.items[0]


def act(person, coi, action, **data):
    from chalicelib.services import certificates

    current, found = facing(person, coi["id"])
    return lambda: certificates.act(certificates.permitted(current, found, action), action,
                                    {"version": coi["version"], **data}, now())


def outcomes(results):
    from chalicelib.domain.errors import Conflict

    wins = [r for r in results if isinstance(r, tuple)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) + len(losses) == len(results), results
    return wins, losses


def history(coi_id):
    from chalicelib.store import audit

    return [r.action for r in audit.trail(f"coi#{coi_id}")]


def test_two_issues_at_once_one_wins(world, atomic_dynamodb):
    coi = advanced(world, "submit")
    issuer = world.person["issuer"]
    wins, losses = outcomes(at_once(act(issuer, coi, "issue"), act(issuer, coi, "issue")))
    assert len(wins) == 1 and len(losses) == 1
    assert history(coi["id"]).count("issue") == 1
    assert issuer.get(f"/api/cois/{coi['id']}").json_body["version"] == coi["version"] + 1


def test_two_submissions_of_a_draft_give_one_number(world, atomic_dynamodb):
    coi = advanced(world)
    importer = world.person["importer"]
    wins, losses = outcomes(at_once(act(importer, coi, "submit"), act(importer, coi, "submit")))
    assert len(wins) == 1
    assert importer.get(f"/api/cois/{coi['id']}").json_body["number"] == wins[0][0]["number"]


def test_two_verifications_at_once_one_wins(world, atomic_dynamodb):
    coi = advanced(world, "submit", "issue")
    wins, losses = outcomes(at_once(
        act(world.person["authority"], coi, "verify", outcome="released"),
        act(world.person["bcp"], coi, "verify", outcome="not_released", reason="Scellé rompu")))
    assert len(wins) == 1 and len(losses) == 1
    final = world.person["importer"].get(f"/api/cois/{coi['id']}").json_body
    assert final["status"] == wins[0][0]["status"]
    assert history(coi["id"]).count("verify") == 1


def test_two_extracts_over_the_base_one_wins(world, atomic_dynamodb):
    base = advanced(world, "submit", "issue", "verify", batches=True)
    line = [{"line": 0, "packages": 70, "net_weight": "1400"}]     # 2 x 1400 > 2400
    wins, losses = outcomes(at_once(act(world.person["importer"], base, "extracts", lines=line),
                                    act(world.person["authority"], base, "extracts", lines=line)))
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].code == "quantity_exceeded"
    found = world.person["importer"].get(f"/api/cois/{base['id']}").json_body
    assert found["remaining"][0]["net_weight"] == "1000.000" and len(found["extracts"]) == 1


def test_two_extracts_taking_the_rest_together_deplete_the_base(world, atomic_dynamodb):
    base = advanced(world, "submit", "issue", "verify", batches=True)
    first = [{"line": 0, "packages": 60, "net_weight": "1200"},
             {"line": 1, "packages": 50, "net_weight": "500.5"}]
    second = [{"line": 0, "packages": 60, "net_weight": "1200"}]
    wins, losses = outcomes(at_once(act(world.person["importer"], base, "extracts", lines=first),
                                    act(world.person["authority"], base, "extracts", lines=second)))
    assert len(wins) == 2
    found = world.person["importer"].get(f"/api/cois/{base['id']}").json_body
    assert found["status"] == "depleted"
    assert [r["net_weight"] for r in found["remaining"]] == ["0.000", "0.000"]
