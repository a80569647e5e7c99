"""Benchmarks (`make bench`): (a) DynamoDB calls per API operation against budgets, (b) the
cold-start cost of importing app.py, (c) the inactivity job's reads as the table grows, (d) the
time and size of the PDF of a certificate of inspection."""
import os
import statistics
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import time_machine

from bench.counting import counting

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SINGLE_ACCOUNT_BUDGET = 3


def _environment():
    import tests.conftest  # noqa: F401 - sets the test stage's environment


def calls_per_operation() -> bool:
    """(a) Each operation on a fresh mocked AWS, following the real path."""
    _environment()
    from chalice.test import Client
    from moto import mock_aws

    from app import app
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


def cold_start(runs: int = 15) -> bool:
    """(b) Importing app.py versus importing its libraries alone, each in a fresh interpreter."""
    application, libraries, ratio = import_ratio(runs)
    print(f"\n(b) cold start: import app {application * 1000:.0f} ms, libraries alone "
          f"{libraries * 1000:.0f} ms, ratio {ratio:.2f} (target at most {COLD_START_TARGET:.2f}; "
          f"fastest of {runs} interleaved runs each)")
    return ratio <= COLD_START_TARGET


def inactivity_reads() -> bool:
    """(c) Items the inactivity job reads with 2,000 and 20,000 accounts, 20 of them stale."""
    _environment()
    from moto import mock_aws

    from chalicelib.jobs import lock_inactive
    from chalicelib.mail import mailer
    from chalicelib.store.accounts import ACTIVE, Account
    from chalicelib.store.tables import MODELS
    from dev import admin

    now = datetime(2026, 11, 23, 2, 15, tzinfo=timezone.utc)
    results = {}
    for total in (2_000, 20_000):
        with mock_aws():
            for model in MODELS:
                model._connection = None
            mailer.reset_client()
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
    small, large = results[2_000][1], results[20_000][1]
    return results[2_000][0] == results[20_000][0] == 20 and large <= small * 1.1


PDF_SECONDS, PDF_BYTES = 0.150, 60_000


def coi_pdf(lines: int = 10, runs: int = 15) -> bool:
    """(d) The PDF of a COI of 10 product lines: median time of a render in a warm process (the
    first render, which imports fpdf2 and segno and reads the font, is shown apart) and size."""
    import time

    from chalicelib.documents import coi_pdf as pdf
    from tests import coi_sample

    coi, names = coi_sample.coi(lines=lines), coi_sample.names()
    started = time.perf_counter()
    pdf.render(coi, names, "fr", coi_sample.VERIFY_URL)
    first = time.perf_counter() - started
    times, processor, size = [], [], 0
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
    return median < PDF_SECONDS and size < PDF_BYTES


def main() -> int:
    sys.path.insert(0, ROOT)
    from bench import coi

    _environment()
    outcomes = [calls_per_operation(), cold_start(), inactivity_reads(), coi_pdf(),
                coi.calls_per_operation(), coi.list_cost()]
    print("\nall within budget" if all(outcomes) else "\nSOME FIGURES ARE OVER BUDGET")
    return 0 if all(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
