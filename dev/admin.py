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
    run = commands.add_parser("job")
    run.add_argument("name", choices=["lock_inactive", "authority_digest"])
    run.add_argument("--now")
    args = parser.parse_args(argv)
    now = _now(args.now)
    from chalicelib.domain.errors import DomainError

    try:
        if args.command == "init":
            init(now)
        elif args.command == "demo":
            demo(now)
        elif args.command == "create-user":
            create_user(args, now)
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
