"""Admin and test interface (SPEC 9): `python -m dev.admin init|demo|create-user|job`."""
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
    added = provisioning.load_reference_organisations(now)
    print(f"tables created: {len(created)}; reference organisations added: {added}")


def demo(now: datetime) -> None:
    from chalicelib.domain.errors import Conflict
    from chalicelib.services import provisioning

    print("Demo accounts (e-mail / password / organisation):")
    for email, password, code, first, last, language in DEMO_PEOPLE:
        try:
            provisioning.create_person(email, password, code, now, first, last, language)
        except Conflict:
            pass  # already there: `demo` is idempotent
        print(f"  {email} / {password} / {code}")


def create_user(args, now: datetime) -> None:
    from chalicelib.services import provisioning

    account = provisioning.create_person(args.email, args.password, args.organisation, now)
    print(f"created {account.email} ({account.id}) in {args.organisation}")


def migrate_email_keys() -> None:
    """After upgrading a stack made before e-mails were compared case-insensitively (README)."""
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


def job(args, now: datetime) -> None:
    from chalicelib.jobs import authority_digest, lock_inactive

    jobs = {"lock_inactive": lock_inactive.run, "authority_digest": authority_digest.run}
    print(f"{args.name}: {jobs[args.name](now)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dev.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("init", "demo"):
        commands.add_parser(name).add_argument("--now")
    user = commands.add_parser("create-user")
    user.add_argument("email")
    user.add_argument("--password", required=True)
    user.add_argument("--organisation", required=True)
    user.add_argument("--now")
    commands.add_parser("migrate-email-keys")
    run = commands.add_parser("job")
    run.add_argument("name", choices=["lock_inactive", "authority_digest"])
    run.add_argument("--now")
    args = parser.parse_args(argv)
    now = _now(getattr(args, "now", None))
    from chalicelib.domain.errors import DomainError

    try:
        if args.command == "init":
            init(now)
        elif args.command == "demo":
            demo(now)
        elif args.command == "create-user":
            create_user(args, now)
        elif args.command == "migrate-email-keys":
            migrate_email_keys()
        else:
            job(args, now)
    except DomainError as error:
        fields = getattr(error, "fields", {})
        print(f"error: {error.message} {fields or ''}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    sys.exit(main())
