"""Admin and test interface (SPEC 9): `python -m dev.admin init|demo|create-user|
create-organisation|job|seal-csr|seal-certificate`."""
import argparse
import os
import sys
from datetime import datetime, timezone

DEMO_PEOPLE = [
    # (e-mail, password, organisation code, first name, last name, language)
    ("ddpp69@demo.example.org", "Rhone-Valley-2026!", "FR-DDPP-69", "Claire", "Martin", "fr"),
    ("inao@demo.example.org", "Terroir-Bio-2026!", "FR-INAO", "Paul", "Durand", "fr"),
    ("admin@demo.example.org", "Brussels-Euro-2026!", "EU-COMMISSION", "Ana", "Silva", "en"),
    ("ecocert@demo.example.org", "Organic-Cert-2026!", "FR-BIO-01", "Marc", "Petit", "fr"),
    # The parties of a certificate of inspection (SPEC 3): Moroccan dates for Marseille.
    ("importer@demo.example.org", "Joliette-Import-2026!", "DEMO-FR-IMPORT", "Sophie", "Roux", "fr"),
    ("exporter@demo.example.org", "Agadir-Export-2026!", "DEMO-MA-EXPORT", "Youssef", "Alaoui", "fr"),
    ("producer@demo.example.org", "Souss-Palmeraie-2026!", "DEMO-MA-PRODUCER", "Fatima", "Haddad", "fr"),
    ("consignee@demo.example.org", "Croix-Rousse-2026!", "DEMO-FR-CONSIGNEE", "Julien", "Moreau", "fr"),
    ("ecocert-maroc@demo.example.org", "Atlas-Cert-2026!", "MA-BIO-154", "Karim", "Benali", "fr"),
    ("cca@demo.example.org", "Vaugirard-Paris-2026!", "FR-CCA", "Hélène", "Garnier", "fr"),
    ("bcp-marseille@demo.example.org", "Vieux-Port-2026!", "FR-BCP-MARSEILLE", "Nadia", "Fabre", "fr"),
    # French customs (SPEC 3.3): checks COIs cleared in France and writes them off (docs/customs.md).
    ("douane@demo.example.org", "Quai-Arenc-2026!", "FR-CUSTOMS", "Louis", "Bernard", "fr"),
]

# The demo operators, created by the same `create-organisation` command (arguments as typed).
DEMO_ORGANISATIONS = [
    ["DEMO-FR-IMPORT", "--kind", "operator", "--name", "Bio Import Méditerranée", "--country", "FR",
     "--city", "Marseille", "--postal-code", "13002", "--address", "4 quai de la Joliette",
     "--phone", "+33 4 91 00 00 01", "--activities", "organic_importer", "--eori", "FR44102938470012",
     "--control-body", "FR-BIO-01"],
    ["DEMO-MA-EXPORT", "--kind", "operator", "--name", "Atlas Bio Export", "--country", "MA",
     "--city", "Agadir", "--postal-code", "80000", "--address", "12 avenue Hassan II",
     "--phone", "+212 528 00 00 01", "--activities", "organic_exporter", "--control-body", "MA-BIO-154"],
    ["DEMO-MA-PRODUCER", "--kind", "operator", "--name", "Coopérative Souss Palmeraie", "--country", "MA",
     "--city", "Taroudant", "--postal-code", "83000", "--address", "Douar Tamaait",
     "--phone", "+212 528 00 00 02", "--activities", "organic_producer", "--control-body", "MA-BIO-154"],
    ["DEMO-FR-CONSIGNEE", "--kind", "operator", "--name", "Épicerie Verte", "--country", "FR",
     "--city", "Lyon", "--postal-code", "69004", "--address", "7 rue d'Austerlitz",
     "--phone", "+33 4 78 00 00 01", "--activities", "organic_first_consignee",
     "--control-body", "FR-BIO-01"],
]


def _now(value: str | None) -> datetime:
    if not value:
        return datetime.now(timezone.utc)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def init(now: datetime) -> None:
    from chalicelib.config import settings
    from chalicelib.services import provisioning
    from chalicelib.store import tables

    created = tables.create_all()
    if settings.stage in ("local", "test"):
        import boto3

        boto3.client("ses", region_name=settings.region).verify_email_identity(
            EmailAddress=settings.mail_sender)
        from chalicelib import keys

        keys.ensure_key()     # the second factors' key (SPEC 1.9); CloudFormation's on AWS
    added = provisioning.load_reference_organisations(now)
    print(f"tables created: {len(created)}; reference organisations added: {added}")
    if settings.stage in ("local", "test"):
        from dev import seal

        print(seal.init(now))


def demo(now: datetime) -> None:
    from chalicelib.domain.errors import Conflict
    from chalicelib.services import provisioning

    for arguments in DEMO_ORGANISATIONS:
        create_organisation(_parser().parse_args(["create-organisation", *arguments]), now)
    print("Demo accounts (e-mail / password / organisation):")
    for email, password, code, first, last, language in DEMO_PEOPLE:
        try:
            account = provisioning.create_person(email, password, code, now, first, last, language)
        except Conflict:
            account = None  # already there: `demo` is idempotent
        second = give_authenticator_app(account, now) if account else _has_authenticator_app(email)
        print(f"  {email} / {password} / {code}" + (f" / code: python -m dev.admin totp {email}" if second else ""))
    from dev import demo_cois

    made = demo_cois.create(now)
    print(f"Demo certificates of inspection: {made} made" if made else
          "Demo certificates of inspection: already there")


def create_user(args, now: datetime) -> None:
    from chalicelib.services import provisioning

    account = provisioning.create_person(args.email, args.password, args.organisation, now)
    print(f"created {account.email} ({account.id}) in {args.organisation}")
    if give_authenticator_app(account, now):
        print(f"second factor: an authenticator app; its current code: python -m dev.admin totp {account.email}")


# The local system's stand-in for a phone (SPEC 1.9): there, people who must have a second factor
# get an authenticator app whose codes `totp` prints (also in the test stage; refused elsewhere).
AUTHENTICATOR_STAGES = ("local", "test")


def give_authenticator_app(account, now: datetime) -> bool:
    """In the local stage, an authenticator app for a person who must have a second factor and has
    none; True if given."""
    from chalicelib.config import settings
    from chalicelib.services import second_factor

    if settings.stage != "local" or not second_factor.needs_enrolment(account):
        return False
    second_factor.enrol_authenticator_app(account, "dev.admin", now)
    return True


def _has_authenticator_app(email: str) -> bool:
    from chalicelib.domain.normalise import email as normalised, email_key
    from chalicelib.store.accounts import find_by_email

    account = find_by_email(email_key(normalised(email)))
    return bool(account and any(v["kind"] == "totp" for v in account.factors.values()))


def _beside_the_local_system() -> None:
    """The environment of the local system `make run` started (its moto endpoint and its stage's
    settings), when one runs and this process has no AWS endpoint of its own."""
    from dev import run

    state = None if os.environ.get("AWS_ENDPOINT_URL") else run.already_running(run.ROOT / "var")
    if state:
        os.environ.update({**run.stage_environment(state["stage"]), "AWS_ENDPOINT_URL": state["moto"],
                           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_SESSION_TOKEN": "testing"})


def totp(args, now: datetime) -> None:
    """Prints a code of the person's authenticator app that the login accepts: the current one,
    or the next if the current one was used (waiting for it if both were). Run beside `make
    run` without an AWS endpoint of its own, it reads that local system's data."""
    import time

    _beside_the_local_system()

    from chalicelib.config import settings
    from chalicelib.domain.errors import Invalid
    from chalicelib.domain.normalise import email as normalised, email_key
    from chalicelib.services import second_factor
    from chalicelib.store.accounts import Account, find_by_email

    if settings.stage not in AUTHENTICATOR_STAGES:
        raise Invalid({"stage": "totp is for the local system and the tests only"})
    account = find_by_email(email_key(normalised(args.email)))
    code = account and second_factor.usable_code(account, now)
    while account and code is None and not args.now:
        time.sleep(1)
        code = second_factor.usable_code(Account.get(account.id, consistent_read=True), _now(None))
    if not code:
        raise Invalid({"email": "this person has no authenticator app"})
    print(code)


def migrate_email_keys() -> None:
    """After upgrading a stack made before e-mails were compared case-insensitively (docs/deploying.md)."""
    from chalicelib.services import provisioning
    from chalicelib.store import tables

    added = tables.create_all()
    print(f"tables and indexes created: {', '.join(added) or 'none'}")
    done = provisioning.backfill_email_keys()
    print(f"accounts given their e-mail key: {done['accounts_keyed']}; "
          f"e-mail keys claimed: {done['claims_added']}")
    for addresses in done["collisions"]:
        print(f"to settle by hand, one person or several? {' / '.join(addresses)} "
              f"(the oldest account keeps the address)", file=sys.stderr)


def migrate_coi_lists() -> None:
    """After upgrading data made before the COI lists by role (README, Migrations)."""
    from chalicelib.services import certificates
    from chalicelib.store.cois import Coi

    relisted = sum(certificates.relist(coi) for coi in Coi.scan())
    print(f"COIs listed again: {relisted}")


def _list(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def create_organisation(args, now: datetime) -> None:
    from chalicelib.services import provisioning

    contacts = {k: v for k, v in (("phone", args.phone), ("email", args.email)) if v}
    data = {"name": args.name, "country": args.country, "city": args.city,
            "postal_code": args.postal_code, "address": args.address, "contacts": contacts,
            "activities": _list(args.activities), "control_body_id": args.control_body,
            "identifiers": [{"type": "eori", "value": args.eori}] if args.eori else None,
            "certifies_in": _list(args.certifies_in), "role": args.role,
            "competence": _list(args.competence)}
    organisation, created = provisioning.create_organisation(args.code, args.kind, data, now)
    print(f"{'created' if created else 'unchanged'}: {organisation.id} ({organisation.kind}, "
          f"{organisation.name})")


def job(args, now: datetime) -> None:
    from chalicelib.jobs import authority_digest, deliver_outbox, deliver_webhooks, lock_inactive

    jobs = {"lock_inactive": lock_inactive.run, "authority_digest": authority_digest.run,
            "deliver_outbox": deliver_outbox.run, "deliver_webhooks": deliver_webhooks.run}
    print(f"{args.name}: {jobs[args.name](now)}")


def seal_command(args) -> int:
    from dev import seal

    if args.command == "seal-csr":
        print(seal.csr(args.organisation, args.common_name, args.country.upper()), end="")
        return 0
    with open(args.file, encoding="ascii") as given:
        try:
            print(seal.install(given.read()))
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    return 0
def deliver_webhooks_every(seconds: float) -> None:
    """The local system's webhook delivery (dev.run starts it): the queue read every few
    seconds, as the deliver_webhooks function does every minute on AWS. Ctrl-C stops it."""
    import time

    from chalicelib.jobs import deliver_webhooks

    try:
        while True:
            handled = deliver_webhooks.run(datetime.now(timezone.utc))
            if handled:
                print(f"deliver_webhooks: {handled}", flush=True)
            time.sleep(seconds)
    except KeyboardInterrupt:
        pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dev.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("init", "demo"):
        commands.add_parser(name).add_argument("--now")
    user = commands.add_parser("create-user")
    user.add_argument("email")
    user.add_argument("--password", required=True)
    user.add_argument("--organisation", required=True)
    user.add_argument("--now")
    organisation = commands.add_parser(
        "create-organisation", help="a valid organisation whose id is CODE (an operator's TRACES number)")
    organisation.add_argument("code", metavar="CODE")
    organisation.add_argument("--kind", required=True, choices=["operator", "control_body", "authority", "customs"])
    organisation.add_argument("--name", required=True)
    organisation.add_argument("--country", required=True)
    organisation.add_argument("--city")
    organisation.add_argument("--postal-code")
    organisation.add_argument("--activities", help="comma-separated: organic_importer,organic_exporter,...")
    organisation.add_argument("--eori")
    organisation.add_argument("--control-body", help="code of the control body of an operator")
    organisation.add_argument("--certifies-in", help="comma-separated countries of a control body")
    # Beyond SPEC 9, optional: what the directory shows when it is known.
    organisation.add_argument("--address")
    organisation.add_argument("--phone")
    organisation.add_argument("--email")
    organisation.add_argument("--role", help="of an authority; by default from its code (CCA, BCP...)")
    organisation.add_argument("--competence", help="comma-separated sections of an authority: organic,...")
    organisation.add_argument("--now")
    commands.add_parser("migrate-email-keys")
    request = commands.add_parser("seal-csr", help="a certificate request for the seal's KMS key (PEM, stdout)")
    request.add_argument("--organisation", required=True, help="the organisation named in the certificate")
    request.add_argument("--common-name", default="TRACES electronic seal")
    request.add_argument("--country", required=True, help="ISO 3166-1 alpha-2")
    chain = commands.add_parser("seal-certificate", help="install the seal's certificate chain")
    chain.add_argument("file", metavar="FILE", help="PEM: the seal certificate first, the root last")
    commands.add_parser("migrate-coi-lists")
    code = commands.add_parser("totp", help="a current code of a person's authenticator app (local and test)")
    code.add_argument("email")
    code.add_argument("--now")
    run = commands.add_parser("job")
    run.add_argument("name", choices=["lock_inactive", "authority_digest", "deliver_outbox",
                                      "deliver_webhooks"])
    webhooks = commands.add_parser("deliver-webhooks")
    webhooks.add_argument("--every", type=float, default=2.0, help="seconds between readings of the queue")
    run.add_argument("--now")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    now = _now(getattr(args, "now", None))
    from chalicelib.domain.errors import DomainError

    try:
        outcome = COMMANDS.get(args.command, job)(args, now)
    except DomainError as error:
        fields = getattr(error, "fields", {})
        print(f"error: {error.message} {fields or ''}", file=sys.stderr)
        return 2
    return outcome or 0


# Each command as (arguments, now) -> None, or an exit status; any other command is a job's name.
COMMANDS = {
    "init": lambda args, now: init(now),
    "demo": lambda args, now: demo(now),
    "create-user": create_user,
    "migrate-email-keys": lambda args, now: migrate_email_keys(),
    "migrate-coi-lists": lambda args, now: migrate_coi_lists(),
    "create-organisation": create_organisation,
    "seal-csr": lambda args, now: seal_command(args),
    "seal-certificate": lambda args, now: seal_command(args),
    "totp": totp,
    "deliver-webhooks": lambda args, now: deliver_webhooks_every(args.every),
}


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    sys.exit(main())
