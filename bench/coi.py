"""(e) The COI: DynamoDB calls per operation (budget 4 including the session, no Scan), with what
follows the commit (the outbox's delivery: e-mail recipients, a base's depletion) counted apart,
and the list's cost with 200 then 5,000 COIs, filtered by status or by role."""
from datetime import datetime, timedelta, timezone

from bench.counting import counting

BUDGET = 4


def _world():
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import keys
    from chalicelib.delivery import queue
    from chalicelib.mail import mailer
    from chalicelib.store.tables import MODELS
    from dev import admin
    from tests.api.coi_world import World
    from tests.conftest import Api

    class Stack:
        def __enter__(self):
            self.mock = mock_aws()
            self.mock.start()
            for model in MODELS:
                model._connection = None
            mailer.reset_client()
            queue.reset_client()
            keys.reset_client()
            admin.main(["init"])
            self.client = Client(app, stage_name="test")
            self.client.__enter__()
            world = World(lambda language="fr": Api(self.client, language))
            world.new_api = lambda language="fr": Api(self.client, language)
            return world

        def __exit__(self, *exc):
            self.client.__exit__(*exc)
            self.mock.stop()

    return Stack()


def calls_per_operation() -> bool:
    from chalicelib.services import outbox

    rows, ok = [], True
    original = outbox.deliver
    mail_calls = []

    def counted_delivery(items, now):
        with counting() as inner:
            original(items, now)
        mail_calls.append(inner.total)

    outbox.deliver = counted_delivery
    try:
        with _world() as world:
            people = world.person

            def measure(name, call):
                nonlocal ok
                mail_calls.clear()
                with counting() as counter:
                    response = call()
                own = counter.total - sum(mail_calls)
                passed = own <= BUDGET and counter.calls.get("Scan", 0) == 0
                ok &= passed
                rows.append((name, response.status_code, own, sum(mail_calls), dict(counter.calls), passed))
                return response.json_body

            def post(who, coi, action, **fields):
                return lambda: people[who].post(f"/api/cois/{coi['id']}/{action}",
                                                {"version": coi["version"], **fields})

            coi = measure("create", lambda: people["importer"].post("/api/cois", {"boxes": world.boxes()}))
            measure("read", lambda: people["importer"].get(f"/api/cois/{coi['id']}"))
            coi = measure("patch", lambda: people["importer"].patch(f"/api/cois/{coi['id']}", {
                "version": coi["version"], "boxes": {"box3": {"national_reference": "B-1"}}}))
            coi = measure("submit", post("importer", coi, "submit"))
            coi = measure("issue", post("issuer", coi, "issue"))
            coi = measure("verify", post("authority", coi, "verify", outcome="released"))
            measure("sign", post("consignee", coi, "sign"))
            boxes = world.boxes(box12={"first_consignee": None, "release_by_batches": True})
            base = people["issuer"].post("/api/cois", {"boxes": boxes}).json_body
            base = people["issuer"].post(f"/api/cois/{base['id']}/issue", {"version": 1}).json_body
            base = people["authority"].post(f"/api/cois/{base['id']}/verify", {
                "version": base["version"], "outcome": "released_for_extracts"}).json_body
            measure("extract", post("importer", base, "extracts",
                                    lines=[{"line": 0, "packages": 10, "net_weight": "200"}]))
            measure("list", lambda: people["importer"].get("/api/cois"))
            measure("history", lambda: people["importer"].get(f"/api/cois/{coi['id']}/history"))
            measure("public verification", lambda: people["stranger"].get(f"/api/public/cois/{coi['number']}"))
            _customs(world, coi, measure)
            ok &= _bearer(world, rows, measure)
    finally:
        outbox.deliver = original
    print(f"\n(e) COI: DynamoDB calls per operation (budget {BUDGET} including the session, no Scan);"
          " after the commit, the outbox's delivery apart (e-mail recipients: one Query per party"
          " organisation + one BatchGet; the item's removal)")
    print(f"{'operation':22} {'http':>5} {'calls':>5} {'mail':>5}  detail")
    for name, status, own, mail, detail, passed in rows:
        print(f"{name:22} {status:>5} {own:>5} {mail:>5}  {detail}{'' if passed else '  OVER BUDGET'}")
    return ok


def _customs(world, coi: dict, measure) -> None:
    """SPEC 3.3: a customs person checks the signed COI by number, writes 200 kg off, sends the
    same declaration again and cancels it."""
    from tests.api.coi_world import PASSWORD
    from tests.conftest import staff

    agent = staff(world.new_api, ("agent@douane.example.fr", PASSWORD, "FR-CUSTOMS"))
    checked = f"/api/customs/cois/{coi['number']}"
    declaration = {"mrn": "26FR00000000000010", "lines": [{"line": 0, "net_weight": "200"}]}
    measure("customs check", lambda: agent.get(checked))
    measure("write-off", lambda: agent.post(f"{checked}/write-offs", declaration))
    measure("write-off again", lambda: agent.post(f"{checked}/write-offs", declaration))
    measure("write-off cancelled", lambda: agent.delete(f"{checked}/write-offs/{declaration['mrn']}"))


def _bearer(world, rows: list, measure) -> bool:
    """The same operations with an API key instead of the cookie (SPEC 5.1): no more calls. A
    key's instance leases a tenth of the key's minute at a time (one write, which also notes the
    key as used): the lease is taken first and its cost shown apart, as the session's refresh
    every five minutes is left out of the cookie's rows (the clock is still)."""
    from chalicelib.domain.machines import lease_size
    from chalicelib.config import settings

    people, org = world.person, world.org["importer"]
    expires = (datetime.now(timezone.utc) + timedelta(days=365)).date().isoformat()
    key = people["importer"].post(f"/api/organisations/{org}/api-keys", {
        "name": "bench", "scope": "write", "expires_at": expires}).json_body["key"]
    headers = {"Authorization": f"Bearer {key}"}
    machine = type(people["importer"])(people["importer"].client)
    with counting() as lease:
        machine.get("/api/cois", headers=headers)
    cookie = {name: own for name, _, own, _, _, _ in rows}
    coi = measure("create (bearer)", lambda: machine.post("/api/cois", {"boxes": world.boxes()}, headers=headers))
    measure("read (bearer)", lambda: machine.get(f"/api/cois/{coi['id']}", headers=headers))
    measure("submit (bearer)", lambda: machine.post(f"/api/cois/{coi['id']}/submit",
                                                    {"version": coi["version"]}, headers=headers))
    measure("list (bearer)", lambda: machine.get("/api/cois", headers=headers))
    measure("history (bearer)", lambda: machine.get(f"/api/cois/{coi['id']}/history", headers=headers))
    ok = True
    for name, _, own, _, _, _ in rows:
        if name.endswith(" (bearer)"):
            ok &= own <= cookie[name.removesuffix(" (bearer)")]
    print(f"\n(e) bearer: the rows cost {'no more than' if ok else 'MORE THAN'} the cookie's; the first "
          f"request of a key's lease ({lease_size(settings.api_key_per_minute)} requests) costs one "
          f"call more: a list with the lease took {lease.total} ({dict(lease.calls)})")
    return ok


def list_cost(sizes: tuple = (200, 5_000)) -> bool:
    """GET /api/cois reads one page whatever the number of COIs of the organisation."""
    from chalicelib.store.cois import CoiParty, list_key

    results = {}
    for total in sizes:
        with _world() as world:
            org = world.org["importer"]
            start = datetime(2026, 1, 1, tzinfo=timezone.utc)
            with CoiParty.batch_write() as batch:
                for n in range(total):
                    at = start + timedelta(minutes=n)
                    status = ("draft", "new", "issued", "signed")[n % 4]
                    role, party = (("importer", "importer"), ("consignee", "first_consignee"))[n % 3 == 0]
                    for key in (org, list_key(org, role)):   # as the service lists a COI
                        batch.save(CoiParty(key, f"{at.isoformat()}#{n:032x}", coi_id=f"{n:032x}",
                                            status=status, organisation_status=f"{key}#{status}",
                                            roles={party}, summary={"product": "0804 40 00"},
                                            updated_at=at))
            for query in ("", "?status=issued", "?role=importer", "?role=consignee"):
                with counting() as counter:
                    page = world.person["importer"].get(f"/api/cois{query}").json_body
                results[(total, query)] = (len(page["items"]), counter.items_read, counter.total)
    print("\n(e) COI list: COIs of the organisation, filter, items shown, items read, calls")
    for (total, query), (shown, read, calls) in results.items():
        print(f"   {total:>5} COIs {query or '(all)':16} shown {shown:>3}, read {read:>4}, calls {calls}")
    small, large = sizes
    return all(results[(large, q)][1] <= results[(small, q)][1] + 1 and results[(large, q)][0] == 50
               for q in ("", "?status=issued", "?role=importer", "?role=consignee"))
