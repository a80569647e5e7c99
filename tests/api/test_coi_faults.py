"""Backend faults (SPEC 5): each DynamoDB call of each COI request, creation and reads included,
fails in turn with a throttle that outlasted the SDK's retries (botocore's one entry point raises
it in place of the call). Before the commit the answer is 503 `unavailable` with Retry-After and
nothing in the tables changed; after it, the answer is the success, and the e-mails still reach
the parties, later, through the outbox and its job."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from tests.api.coi_world import act, advanced, created, world  # noqa: F401 - fixture
from tests.api.conftest import error_code

# One code per fault, in turn; a transaction is cancelled with a throttle as its reason.
CODES = ("ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
         "InternalServerError")
TRANSACTIONS = ("TransactWriteItems", "TransactGetItems")
# Tables whose change a fault before the commit may leave: a number drawn and never given (a gap,
# by design: store.cois.next_number).
MAY_MOVE = ("coi_numbers",)


def fault(operation: str, params: dict, turn: int) -> ClientError:
    if operation in TRANSACTIONS:
        reasons = [{"Code": "None"} for _ in params["TransactItems"]]
        code = ("ThrottlingError", "ProvisionedThroughputExceeded")[turn % 2]
        reasons[turn % len(reasons)] = {"Code": code, "Message": "injected"}
        return ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "injected"},
                            "CancellationReasons": reasons,
                            "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)
    return ClientError({"Error": {"Code": CODES[turn % len(CODES)], "Message": "injected"},
                        "ResponseMetadata": {"HTTPStatusCode": 400 if turn % 4 != 3 else 500}}, operation)


class Calls:
    """Records the DynamoDB calls made inside `watch`, and fails the one numbered `failing`."""

    def __init__(self, monkeypatch, failing: int | None = None):
        self.made, self.failing, self.watching = [], failing, False
        original = BaseClient._make_api_call

        def call(client, operation, params):
            if self.watching and client.meta.service_model.service_name == "dynamodb":
                self.made.append((operation, params))
                if len(self.made) - 1 == self.failing:
                    raise fault(operation, params, self.failing)
            return original(client, operation, params)

        monkeypatch.setattr(BaseClient, "_make_api_call", call)

    def watch(self, request):
        self.watching = True
        try:
            return request()
        finally:
            self.watching = False


def commit_of(made: list) -> int | None:
    """The position of the call that commits the request's change: its first write."""
    writes = ("TransactWriteItems", "PutItem", "DeleteItem")
    return next((i for i, (operation, params) in enumerate(made) if operation in writes
                 and "coi_numbers" not in json.dumps(params)), None)


def tables() -> dict:
    """Every item of every table, as stored (moto's backend), but those that MAY_MOVE."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.config import settings

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region]
    return {name: sorted(json.dumps(item.to_json(), sort_keys=True, default=str)
                         for item in table.all_items())
            for name, table in backend.tables.items() if not name.endswith(MAY_MOVE)}


def waiting() -> list:
    from chalicelib.store import outbox

    return outbox.due(datetime.now(timezone.utc) + timedelta(days=1), 100)


def sent() -> int:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from chalicelib.config import settings

    return len(ses_backends[DEFAULT_ACCOUNT_ID][settings.region].sent_messages)


def run_outbox_job():
    from chalicelib.jobs import deliver_outbox

    return deliver_outbox.run(datetime.now(timezone.utc) + timedelta(minutes=2))


# name -> (the COI it starts from: steps of `advanced`, or None; who acts; the request; success)
def _post(action, **fields):
    return lambda person, coi: act(person, coi, action, **fields)


SCENARIOS = {
    "create": (None, "importer", lambda person, coi: person.post("/api/cois", {"boxes": coi}), 201),
    "read": ((), "importer", lambda person, coi: person.get(f"/api/cois/{coi['id']}"), 200),
    "list": ((), "importer", lambda person, coi: person.get("/api/cois?role=importer"), 200),
    "history": ((), "importer", lambda person, coi: person.get(f"/api/cois/{coi['id']}/history"), 200),
    "patch": ((), "importer", lambda person, coi: person.patch(f"/api/cois/{coi['id']}", {
        "version": coi["version"], "boxes": {"box3": {"national_reference": "REF-9"}}}), 200),
    "submit": ((), "importer", _post("submit"), 200),
    "issue": (("submit",), "issuer", _post("issue"), 200),
    "edit after issue": (("submit", "issue"), "importer", lambda person, coi: person.patch(
        f"/api/cois/{coi['id']}", {"version": coi["version"], "boxes": {
            "box12": {"first_consignee": None, "release_by_batches": True}}}), 200),
    "verify": (("submit", "issue"), "authority", _post("verify", outcome="released"), 200),
    "sign": (("submit", "issue", "verify"), "consignee", _post("sign"), 200),
    "replace": (("submit", "issue"), "issuer", _post("replace"), 201),
    "irregularity": (("submit", "issue", "verify"), "bcp",
                     _post("irregularity", description="Sceau brisé"), 200),
    "delete": ((), "importer", _post("delete"), 200),
    "extract": ("batches", "importer", _post("extracts", lines=[
        {"line": 0, "packages": 120, "net_weight": "2400"},
        {"line": 1, "packages": 50, "net_weight": "500.5"}]), 201),
    "deplete": ("batches", "authority", _post("deplete"), 200),
}


def starting_point(world, steps):
    if steps is None:
        return world.boxes()
    if steps == "batches":
        return advanced(world, "submit", "issue", "verify", batches=True)
    return advanced(world, *steps)


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_fault_at_any_call_is_a_503_before_the_commit_and_the_success_after(world, monkeypatch, name):
    steps, who, request, success = SCENARIOS[name]
    person = world.person[who]
    clean, start = Calls(monkeypatch), starting_point(world, steps)
    answer = clean.watch(lambda: request(person, start))
    assert answer.status_code == success, answer.json_body
    made = [operation for operation, _ in clean.made]
    commit = commit_of(clean.made)
    run_outbox_job()
    assert not waiting()

    for failing in range(len(made)):
        coi = starting_point(world, steps)
        run_outbox_job()
        before, mails = tables(), sent()
        calls = Calls(monkeypatch, failing)
        answer = calls.watch(lambda coi=coi: request(person, coi))
        where = (name, failing, made[failing])
        if commit is None or failing <= commit:
            assert answer.status_code == 503, (where, answer.status_code, answer.json_body)
            assert error_code(answer) == "unavailable" and int(answer.headers["Retry-After"]) > 0, where
            assert tables() == before, (where, "changed something")
            again = request(person, coi)            # the same request, once the fault is over
            assert again.status_code == success, (where, again.json_body)
        else:
            assert answer.status_code == success, (where, answer.status_code, answer.json_body)
            left = waiting()
            assert left, (where, "nothing left to deliver after the failed delivery")
            run_outbox_job()
            assert not waiting(), where
            if any(item.kind == "coi_event" for item in left):
                assert sent() > mails, (where, "the e-mails were not delivered later")


def test_a_fault_of_the_mail_service_after_the_commit_leaves_the_e_mails_to_the_job(world, monkeypatch):
    coi = advanced(world)
    original = BaseClient._make_api_call

    def no_mail(client, operation, params):
        if client.meta.service_model.service_name == "ses":
            raise ClientError({"Error": {"Code": "Throttling", "Message": "injected"}}, operation)
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", no_mail)
    submitted = act(world.person["importer"], coi, "submit")
    assert submitted.status_code == 200 and submitted.json_body["status"] == "new"
    monkeypatch.setattr(BaseClient, "_make_api_call", original)
    assert [item.kind for item in waiting()] == ["coi_event"]
    mails = sent()
    assert run_outbox_job() == 1
    assert sent() == mails + 1 and not waiting()


def test_the_job_retries_a_failing_delivery_later_and_never_drops_it(world, monkeypatch):
    from chalicelib.services import coi_notices

    coi = advanced(world)
    original = coi_notices.send
    monkeypatch.setattr(coi_notices, "send", lambda payload, now: (_ for _ in ()).throw(RuntimeError("down")))
    assert act(world.person["importer"], coi, "submit").status_code == 200
    assert run_outbox_job() == 0
    (item,) = waiting()
    assert item.attempts == 1
    assert run_outbox_job() == 0             # not due yet: it waits longer after each failure
    monkeypatch.setattr(coi_notices, "send", original)
    from chalicelib.jobs import deliver_outbox

    assert deliver_outbox.run(datetime.now(timezone.utc) + timedelta(hours=2)) == 1
    assert not waiting()


@pytest.mark.parametrize("path", ["/api/me", "/api/authorisations"])
def test_a_fault_on_the_session_read_is_no_lost_session(world, monkeypatch, path):
    calls = Calls(monkeypatch, 0)
    answer = calls.watch(lambda: world.person["importer"].get(path))
    assert calls.made[0][0] == "TransactGetItems"
    assert answer.status_code == 503 and error_code(answer) == "unavailable"
    assert answer.headers["Retry-After"]
    assert world.person["importer"].get(path).status_code == 200      # still logged in


def test_a_refused_condition_is_still_a_conflict_not_a_fault(world):
    coi = advanced(world)
    importer = world.person["importer"]
    assert importer.patch(f"/api/cois/{coi['id']}", {"version": 1, "boxes": {
        "box3": {"national_reference": "A"}}}).status_code == 200
    stale = importer.patch(f"/api/cois/{coi['id']}", {"version": 1, "boxes": {
        "box3": {"national_reference": "B"}}})
    assert stale.status_code == 409 and error_code(stale) == "stale_version"
