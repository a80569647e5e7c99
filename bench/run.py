"""Benchmarks (`make bench`): (a) DynamoDB calls per API operation against budgets, (b) the
cold-start cost of importing app.py, (c) the inactivity job's reads as the table grows, (d) the
time and size of the PDF of a certificate of inspection, (e) the COI's calls and list cost
(bench/coi.py), (f) the reads per request of the paged lists at 500 and 2,000 items, (g)
logins under the API function's memory, (h) the cold start of the Lambda package (after
`make package`), (i) the AWS cost of a COI's life cycle and of registrations (bench/cost.py),
(j) the sealed COI PDF's extra time and size (bench/seal.py).

`python -m bench.run --quick` (run by `make test`, tests/unit/test_bench.py) runs every part on
small tables with one run each: it checks that the benchmarks still run and that the counts they
judge (calls, items read) hold; the timings are printed, not judged."""
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import time_machine

from bench.counting import counting

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SINGLE_ACCOUNT_BUDGET = 3


@dataclass(frozen=True)
class Scale:
    """How much each part does: the table sizes it compares and the runs it times."""

    runs: int = 15                          # timed runs of (b) and (d)
    accounts: tuple = (2_000, 20_000)       # (c) the inactivity job, 20 stale accounts in each
    listed: tuple = (500, 2_000)            # (f) roles, accounts and operators of the paged lists
    cois: tuple = (200, 5_000)              # (e) the COIs of one organisation (4 statuses: a page of each)
    full: bool = True                       # judge the timings, and the reads at every size alike


FULL = Scale()
QUICK = Scale(runs=1, accounts=(40, 400), listed=(60, 120), cois=(200, 300), full=False)


def _environment():
    import tests.conftest  # noqa: F401 - sets the test stage's environment


def calls_per_operation() -> bool:
    """(a) Each operation on a fresh mocked AWS, following the real path."""
    _environment()
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib.delivery import queue
    from chalicelib.mail import mailer
    from chalicelib.store.tables import MODELS
    from dev import admin
    from tests.conftest import AUTHORITY, PASSWORD, Api, Mailbox, account_id, registration

    rows, ok = [], True
    with mock_aws(), Client(app, stage_name="test", project_dir=ROOT) as client, \
            time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=timezone.utc), tick=False) as clock:
        for model in MODELS:
            model._connection = None
        mailer.reset_client()
        queue.reset_client()
        admin.main(["init"])
        admin.main(["create-user", AUTHORITY[0], "--password", AUTHORITY[1], "--organisation", AUTHORITY[2]])
        person, agent, box = Api(client), Api(client), Mailbox()
        agent.log_in(AUTHORITY[0], AUTHORITY[1])
        email = "bench@bio-lyon.fr"

        def measure(name, action, budget=SINGLE_ACCOUNT_BUDGET):
            nonlocal ok
            with counting() as counter:
                status = action()
            scans = counter.calls.get("Scan", 0)
            passed = (budget is None or counter.total <= budget) and scans == 0
            ok &= passed
            rows.append((name, status, counter.total, budget, scans, dict(counter.calls), passed))

        measure("register", lambda: person.post("/api/accounts", registration(email)).status_code)
        token = box.token(email)
        measure("confirm", lambda: person.post("/api/accounts/confirm", {"token": token}).status_code)
        measure("authority search", lambda: agent.get(f"/api/authority/accounts?email={email}").status_code)
        ident = account_id(agent, email)
        measure("authority open", lambda: agent.get(f"/api/authority/accounts/{ident}").status_code)
        measure("activate", lambda: agent.post(f"/api/authority/accounts/{ident}/activate").status_code)
        measure("login failed", lambda: person.log_in(email, "Wrong-Password-1!").status_code)
        measure("login ok", lambda: person.log_in(email, PASSWORD).status_code)
        measure("me", lambda: person.get("/api/me").status_code)
        measure("forgot", lambda: person.post("/api/password/forgot", {"email": email}).status_code)
        measure("change (voluntary)", lambda: person.post("/api/password/change", {
            "current_password": PASSWORD, "new_password": "Another-Lyon-2027!",
            "new_password_confirmation": "Another-Lyon-2027!", "secret_answer": "mont blanc"}).status_code)
        measure("logout", lambda: person.delete("/api/session").status_code)
        person.log_in(email, "Another-Lyon-2027!")
        measure("organisation search", lambda: person.get(
            "/api/organisations?country=FR&kind=control_body&q=ecocert").status_code)
        operator = {"name": "Bench Import", "country": "FR", "city": "Toulouse",
                    "postal_code": "31300", "address": "1 rue du Banc",
                    "contacts": {"phone": "+33 5 61 00 00 00"},
                    "identifiers": [{"type": "eori", "value": "FR555"}],
                    "activities": ["organic_importer"], "control_body_id": "FR-BIO-01"}
        created = person.post("/api/organisations", operator).json_body
        measure("authorisation request", lambda: person.post(
            "/api/authorisations", {"organisation_id": created["id"]}).status_code)
        admin.main(["create-user", "agent@inao.gouv.fr", "--password", "Montreuil-Bio-2026!",
                    "--organisation", "FR-INAO"])
        inao = Api(client)
        inao.log_in("agent@inao.gouv.fr", "Montreuil-Bio-2026!")
        request_id = inao.get("/api/authorisations/pending").json_body[0]["id"]
        measure("authorisation validate", lambda: inao.post(
            f"/api/authorisations/{request_id}/validate").status_code)
        second_factor_operations(person, email, clock, measure)
        person.post("/api/accounts", registration("pending@bio-lyon.fr"))
        person.post("/api/accounts/confirm", {"token": box.token("pending@bio-lyon.fr")})
        measure("job authority_digest", lambda: admin.main(["job", "authority_digest"]), budget=None)
        clock.shift(timedelta(days=120))
        measure("job lock_inactive", lambda: admin.main(["job", "lock_inactive"]), budget=None)

    print("\n(a) DynamoDB calls per operation (budget: at most 3 for a single-account operation, no Scan)")
    print(f"{'operation':24} {'http':>5} {'calls':>5} {'budget':>6} {'scans':>5}  detail")
    for name, status, total, budget, scans, detail, passed in rows:
        print(f"{name:24} {status!s:>5} {total:>5} {budget if budget else '-':>6} {scans:>5}  "
              f"{detail}{'' if passed else '  OVER BUDGET'}")
    return ok


def second_factor_operations(person, email: str, clock, measure) -> None:
    """SPEC 1.9: enrolment, the login's two steps, the passkey sign-in's start (a logged-in
    `person` whose password is Another-Lyon-2027!)."""
    import time

    import pyotp

    secret = person.post("/api/me/second-factors/totp").json_body["secret"]   # (not measured)
    measure("2FA totp confirm", lambda: person.post("/api/me/second-factors/totp/confirm", {
        "code": pyotp.TOTP(secret).at(time.time()), "name": "Phone"}).status_code)
    measure("2FA list", lambda: person.get("/api/me/second-factors").status_code)
    measure("2FA recovery codes", lambda: person.post("/api/me/recovery-codes").status_code)
    measure("2FA passkey options", lambda: person.post("/api/me/second-factors/passkeys/options").status_code)
    measure("2FA fresh proof",
            lambda: person.post("/api/session/proof", {"password": "Another-Lyon-2027!"}).status_code)
    clock.shift(timedelta(seconds=30))
    measure("login: password step", lambda: person.post(
        "/api/session", {"email": email, "password": "Another-Lyon-2027!"}).status_code)
    measure("login: wrong code", lambda: person.post(
        "/api/session/second-factor", {"method": "totp", "code": "000000"}).status_code)
    measure("login: second step", lambda: person.post(
        "/api/session/second-factor", {"method": "totp", "code": pyotp.TOTP(secret).at(time.time())}).status_code)
    measure("passkey sign-in options", lambda: person.post("/api/session/passkey/options").status_code)


def _import_seconds(statement: str) -> float:
    """Seconds `statement` takes in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"})
    return float(out.stdout.strip().splitlines()[-1])


APP = "import app"
LIBRARIES = "import chalice, pynamodb.models, boto3"
COLD_START_TARGET = 1.10


def import_ratio(runs: int = 15) -> tuple[float, float, float]:
    """(app, libraries, ratio): the fastest of `runs` imports of each, interleaved so that the load
    of the machine weighs on both alike (the minimum is the figure least disturbed by it)."""
    _import_seconds(APP)  # warm the bytecode caches
    application, libraries = [], []
    for _ in range(runs):
        application.append(_import_seconds(APP))
        libraries.append(_import_seconds(LIBRARIES))
    return min(application), min(libraries), min(application) / min(libraries)


def cold_start(scale: Scale = FULL) -> bool:
    """(b) Importing app.py versus importing its libraries alone, each in a fresh interpreter."""
    runs = scale.runs
    application, libraries, ratio = import_ratio(runs)
    print(f"\n(b) cold start: import app {application * 1000:.0f} ms, libraries alone "
          f"{libraries * 1000:.0f} ms, ratio {ratio:.2f} (target at most {COLD_START_TARGET:.2f}; "
          f"fastest of {runs} interleaved runs each)")
    return ratio <= COLD_START_TARGET or not scale.full


def inactivity_reads(scale: Scale = FULL) -> bool:
    """(c) Items the inactivity job reads with 2,000 and 20,000 accounts, 20 of them stale."""
    _environment()
    from moto import mock_aws

    from chalicelib.jobs import lock_inactive
    from chalicelib.delivery import queue
    from chalicelib.mail import mailer
    from chalicelib.store.accounts import ACTIVE, Account
    from chalicelib.store.tables import MODELS
    from dev import admin

    now = datetime(2026, 11, 23, 2, 15, tzinfo=timezone.utc)
    results = {}
    for total in scale.accounts:
        with mock_aws():
            for model in MODELS:
                model._connection = None
            mailer.reset_client()
            queue.reset_client()
            admin.main(["init"])
            with Account.batch_write() as batch:
                for n in range(total):
                    stale = n < 20
                    since = now - timedelta(days=120 if stale else 10)
                    batch.save(Account(
                        f"{n:032x}", email=f"p{n}@bio.fr", status="valid", first_name="P",
                        last_name=str(n), secret_question_id=1, secret_answer_hash="x",
                        password_hash="x", created_at=since, organisation_id="o",
                        organisation_name="o", registration_authorisation_id="r", postal_code="69002",
                        city="Lyon", country="FR", authority_id="FR-DDPP-69",
                        status_created=f"valid#{since.isoformat()}", search_text="p",
                        activity=ACTIVE, active_since=since.isoformat()))
            with counting() as counter:
                locked = lock_inactive.run(now)
            results[total] = (locked, counter.items_read, dict(counter.calls))
    print("\n(c) inactivity job: accounts, stale, locked, items read, calls")
    for total, (locked, read, calls) in results.items():
        print(f"   {total:>6} accounts, 20 stale: locked {locked}, items read {read}, {calls}")
    small, large = (results[total] for total in scale.accounts)
    return small[0] == large[0] == 20 and large[1] <= small[1] * 1.1


PDF_SECONDS, PDF_BYTES = 0.150, 60_000


def coi_pdf(scale: Scale = FULL, lines: int = 10) -> bool:
    """(d) The PDF of a COI of 10 product lines: median time of a render in a warm process (the
    first render, which imports fpdf2 and segno and reads the font, is shown apart) and size."""
    import time

    from chalicelib.documents import coi_pdf as pdf
    from tests import coi_sample

    coi, names = coi_sample.coi(lines=lines), coi_sample.names()
    started = time.perf_counter()
    pdf.render(coi, names, "fr", coi_sample.VERIFY_URL)
    first = time.perf_counter() - started
    times, processor, size, runs = [], [], 0, scale.runs
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        size = len(pdf.render(coi, names, "fr", coi_sample.VERIFY_URL))
        times.append(time.perf_counter() - started)
        processor.append(time.process_time() - cpu)
    median = statistics.median(times)
    print(f"\n(d) COI PDF, {lines} lines: {median * 1000:.0f} ms a render (median of {runs}; "
          f"{statistics.median(processor) * 1000:.0f} ms of CPU, which a busy machine inflates less; "
          f"first render with imports {first * 1000:.0f} ms), {size / 1000:.1f} KB (targets: under "
          f"{PDF_SECONDS * 1000:.0f} ms and {PDF_BYTES // 1000} KB)")
    return (median < PDF_SECONDS or not scale.full) and size < PDF_BYTES


def _fresh_tables():
    from chalicelib import keys
    from chalicelib.delivery import queue
    from chalicelib.mail import mailer
    from chalicelib.store.tables import MODELS
    from dev import admin

    for model in MODELS:
        model._connection = None
    mailer.reset_client()
    queue.reset_client()
    keys.reset_client()
    admin.main(["init"])


def _seed(total: int, now: datetime) -> None:
    """`total` valid roles routed to the Rhône's authority, `total` of its accounts (one with a
    rare name, the oldest) and `total` operators of Lyon whose name starts with "Bio", one of
    them "SARL Bio Import"."""
    from chalicelib.services.directory import index_fields
    from chalicelib.store.accounts import Account
    from chalicelib.store.authorisations import Authorisation
    from chalicelib.store.organisations import Organisation

    with Authorisation.batch_write() as roles, Account.batch_write() as people, \
            Organisation.batch_write() as operators:
        for n in range(total):
            created = now - timedelta(minutes=n)
            roles.save(Authorisation(f"{n:032x}", account_id=f"{n + 1:032x}", organisation_id=f"o{n}",
                                     role_kind="operator", status="valid", created_at=created.isoformat(),
                                     status_created=f"valid#{created.isoformat()}", validator_id="FR-DDPP-69",
                                     competent_id="FR-DDPP-69", organisation_name=f"Ferme {n}",
                                     requester_name=f"P {n}", requester_email=f"p{n}@bio.fr"))
            name = "Zygomatique" if n == total - 1 else "Dupont"
            people.save(Account(f"{n + 10**6:032x}", email=f"p{n}@bio.fr", status="valid", first_name="P",
                                last_name=name, secret_question_id=1, secret_answer_hash="x",
                                password_hash="x", created_at=created, organisation_id="o",
                                organisation_name="o", registration_authorisation_id="r",
                                postal_code="69002", city="Lyon", country="FR", authority_id="FR-DDPP-69",
                                status_created=f"valid#{created.isoformat()}",
                                search_text=f"p{n}@bio.fr p {name} o 69002 lyon".casefold()))
            operator = Organisation(f"{n + 2 * 10**6:032x}", kind="operator", status="valid",
                                    name=f"Bio {n:04d}", country="FR", city="Lyon", postal_code="69002")
            index_fields(operator)
            operators.save(operator)
        look_alike = Organisation("f" * 32, kind="operator", status="valid", name="SARL Bio Import",
                                  country="FR", city="Lyon", postal_code="69003")
        index_fields(look_alike)
        operators.save(look_alike)


def paged_reads(scale: Scale = FULL) -> bool:
    """(f) Items each request reads, following every page: the validator's valid roles, the back
    office search for a rare name, the duplicate check of a new operator of a crowded city."""
    _environment()
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib.services import authorisations, organisations, user_admin
    from dev import admin
    from tests.conftest import AUTHORITY, Api

    now = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
    results = {}
    for total in scale.listed:
        with mock_aws(), Client(app, stage_name="test", project_dir=ROOT) as client:
            _fresh_tables()
            admin.main(["create-user", AUTHORITY[0], "--password", AUTHORITY[1], "--organisation", AUTHORITY[2]])
            agent = Api(client)
            agent.log_in(*AUTHORITY[:2])
            _seed(total, now)

            def follow(path, agent=agent):
                reads, shown = [], 0
                while path:
                    with counting() as counter:
                        response = agent.get(path)
                    reads.append(counter.items_read)
                    shown += len(response.json_body)
                    link = re.match(r"<(/api/[^>]+)>", response.headers.get("Link", ""))
                    path = link.group(1) if link else None
                return reads, shown

            roles = follow("/api/authorisations/pending?status=valid")
            search = follow("/api/authority/accounts?name=zygomatique")
            with counting() as counter:
                duplicate = agent.post("/api/organisations", {
                    "name": "Bio Import", "country": "FR", "city": "Lyon", "postal_code": "69002",
                    "address": "1 quai", "contacts": {"phone": "+33 4 72 00 00 00"}})
            results[total] = (roles, search, (duplicate.status_code, counter.items_read))
    print("\n(f) paged lists: items read per request (session and account included), following every page")
    ok = True
    for total, (roles, search, duplicate) in results.items():
        print(f"   {total:>5} items: validator's valid roles: {len(roles[0])} requests, "
              f"at most {max(roles[0])} read each ({roles[1]} shown); rare name in the back office: "
              f"{len(search[0])} requests, at most {max(search[0])} read each ({search[1]} found); "
              f"duplicate check: HTTP {duplicate[0]}, {duplicate[1]} read")
        ok &= max(roles[0]) <= authorisations.PAGE_SIZE + 2 and roles[1] == total
        ok &= max(search[0]) <= user_admin.EVALUATED_PER_PAGE + 2 and search[1] == 1
        ok &= duplicate[0] == 409 and duplicate[1] <= organisations.DUPLICATE_READS + 2
    small, large = (results[total] for total in scale.listed)
    # Below a page (300 accounts evaluated) a request reads what there is: compare full tables.
    return ok and (max(small[0][0]) == max(large[0][0]) and max(small[1][0]) == max(large[1][0])
                   or not scale.full)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _local_aws(profile: str | None = None):
    """A moto server with the tables, reference data and the Rhône's agent (whose password is
    hashed with `profile`); yields the environment that points the package at it."""
    _environment()
    from moto.server import ThreadedMotoServer

    from dev import admin
    from tests.conftest import AUTHORITY

    import boto3

    from chalicelib.store.tables import MODELS

    port = _free_port()
    server = ThreadedMotoServer(port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # botocore sessions keep the endpoint they first read: name it, and start a new session;
    # the models read it as their host (store/base.py) once they connect again.
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    boto3.DEFAULT_SESSION = None
    for model in MODELS:
        model._connection = None
    try:
        _fresh_tables()
        if profile:     # settings are read from the environment of the job being run
            with mock.patch.dict(os.environ, TRACES_PASSWORD_HASH_PROFILE=profile):
                admin.main(["create-user", AUTHORITY[0], "--password", AUTHORITY[1],
                            "--organisation", AUTHORITY[2]])
        environment = {k: v for k, v in os.environ.items() if k.startswith("TRACES_")}
        environment.update(AWS_ENDPOINT_URL=endpoint, TRACES_ORIGIN_SECRET="")
        if profile:
            environment["TRACES_PASSWORD_HASH_PROFILE"] = profile
        yield environment
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        boto3.DEFAULT_SESSION = None
        for model in MODELS:
            model._connection = None
        server.stop()


@contextmanager
def _code(zip_path: Path):
    """The unpacked Lambda package if `make package` built it, else the source tree (with the
    development packages: more imports and memory than on Lambda)."""
    from deploy import package

    if zip_path.exists():
        with package.unpacked(zip_path) as task:
            yield task, True
    else:
        yield Path(ROOT), False


# The twin of the package that runs on this machine (same lock, this architecture: deploy/package.py).
PACKAGE = Path(ROOT) / "build" / "prod" / f"deployment-{platform.machine()}.zip"


LOGIN_TARGET = 0.3    # seconds of one login on Lambda at the API function's memory


def login_under_memory(zip_path: Path = PACKAGE, scale: Scale = FULL) -> bool:
    """(g) Logins (one argon2id verification each, whatever the outcome; target LOGIN_TARGET s on
    Lambda) in a fresh process limited to the API
    function's memory, with the deployed stages' hash profile, against a local DynamoDB. Lambda
    gives 1,024 MB about 0.58 vCPU (a full one at 1,769 MB): the expected duration there is the
    CPU time / 0.58."""
    from deploy import package, template
    from tests.conftest import AUTHORITY

    memory = template.chalice_config()["lambda_functions"]["api_handler"]["lambda_memory_size"]
    profile = template.stage_environment("prod")["TRACES_PASSWORD_HASH_PROFILE"]
    login = package.request("POST", "/api/session", {"email": AUTHORITY[0], "password": AUTHORITY[1]})
    with _local_aws(profile) as environment, _code(zip_path) as (task, alone):
        found = package.run_requests(task, environment, [login, login, login], memory, alone)
    share = min(memory / 1769, 1)
    first, *others = found["responses"]
    steady = statistics.median(r["cpu"] for r in others)
    print(f"\n(g) logins at {memory} MB ({profile}, {'the Lambda package' if alone else 'the source tree'}): "
          f"HTTP {[r['status'] for r in found['responses']]}; first in a fresh process "
          f"{first['cpu'] * 1000:.0f} ms of CPU, then {steady * 1000:.0f} ms each, so about "
          f"{first['cpu'] / share * 1000:.0f} ms then {steady / share * 1000:.0f} ms on Lambda "
          f"({share:.2f} vCPU); peak memory of the process {found['peak'] / 2**20:.0f} MiB "
          f"(address space limited to {memory} MB)")
    return all(r["status"] == 200 for r in found["responses"]) and found["peak"] < memory * 2**20 \
        and (steady / share <= LOGIN_TARGET or not scale.full)


def package_cold_start(zip_path: Path = PACKAGE, runs: int = 5) -> bool:
    """(h) The Lambda package alone (no site-packages), read-only as /var/task is: importing
    app.py, then a first request (GET /api/me with an unknown session: one TransactGetItems to a
    local DynamoDB, the site's first call on every page) in a fresh interpreter, median of runs."""
    from deploy import package

    if not zip_path.exists():
        print(f"\n(h) Lambda package cold start: no {zip_path}; run `make package` first")
        return True
    me = package.request("GET", "/api/me", headers={"cookie": f"traces_session={'0' * 32}.{'A' * 43}"})
    with _local_aws() as environment, package.unpacked(zip_path) as task:
        found = [package.run_requests(task, environment, [me]) for _ in range(runs)]
    imports = statistics.median(f["import"] for f in found)
    first = statistics.median(f["responses"][0]["seconds"] for f in found)
    zipped, unzipped = package.sizes(zip_path)
    print(f"\n(h) Lambda package {zip_path.name} ({zipped / 1e6:.1f} MB, {unzipped / 1e6:.1f} MB unpacked), "
          f"cold start: import {imports * 1000:.0f} ms + first request {first * 1000:.0f} ms "
          f"(HTTP {found[0]['responses'][0]['status']}; median of {runs}, this machine's CPU)")
    return all(f["responses"][0]["status"] == 401 for f in found)


def main() -> int:
    sys.path.insert(0, ROOT)
    if sys.argv[1:2] == ["package"]:   # python -m bench.run package [ZIP]: (g) and (h) alone
        zip_path = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else PACKAGE
        return 0 if login_under_memory(zip_path) & package_cold_start(zip_path) else 1
    from bench import coi, cost, seal

    scale = QUICK if sys.argv[1:] == ["--quick"] else FULL
    _environment()
    outcomes = {"a": calls_per_operation(), "b": cold_start(scale), "c": inactivity_reads(scale),
                "d": coi_pdf(scale), "e calls": coi.calls_per_operation(), "e list": coi.list_cost(scale.cois),
                "f": paged_reads(scale), "g": login_under_memory(scale=scale), "h": package_cold_start(),
                "i": cost.report(), "j": seal.sealed_pdf(scale.runs, scale.full)}
    over = [part for part, ok in outcomes.items() if not ok]
    print(f"\nSOME FIGURES ARE OVER BUDGET: {', '.join(over)}" if over else "\nall within budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
