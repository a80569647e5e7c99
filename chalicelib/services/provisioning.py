"""Set-up work done by the admin command: reference organisations, organisations known by their
code (SPEC 9 `create-organisation`), and people who do not self-register (authorities,
back-office staff, demo accounts)."""
import dataclasses
import re
import uuid
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from .. import reference
from ..domain import accounts as rules
from ..domain import customs as customs_rules
from ..domain import normalise, passwords
from ..domain import organisations as organisation_rules
from ..domain.errors import Conflict, Invalid, N_, NotFound
from ..store import audit, base
from ..store import authorisations as auth
from ..store import organisations as orgs
from ..store.accounts import ACTIVE, Account, EmailClaim, search_text
from . import credentials
from .directory import competent_of, index_fields


def load_reference_organisations(now: datetime) -> int:
    """Creates the reference organisations that are missing; existing ones are left as they are
    (their administrators and edits survive a second `init`)."""
    wanted = {o["id"]: o for o in reference.organisations()}
    existing = {o.id for o in orgs.Organisation.batch_get(list(wanted))}
    with orgs.Organisation.batch_write() as batch:
        for organisation_id, fields in wanted.items():
            if organisation_id in existing:
                continue
            values = {k: v for k, v in fields.items() if v is not None and k != "id"}
            organisation = orgs.Organisation(organisation_id, status=orgs.VALID, created_at=now,
                                             **values)
            index_fields(organisation)
            batch.save(organisation)
    return len(set(wanted) - existing)


_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,63}")
_SETS = ("sections", "activities", "certifies_in", "competence", "jurisdiction_regions")
# The role of an authority, from the shape of its code (SPEC 9 "Organisation codes").
_AUTHORITY_ROLES = ((re.compile(r"[A-Z]{2}-CCA"), "CCA"), (re.compile(r"[A-Z]{2}-BCP-.+"), "BCP"),
                    (re.compile(r"FR-DDPP-.+"), "DDPP"), (re.compile(r"FR-INAO"), "organic_authority"),
                    (re.compile(r"EU-COMMISSION"), "commission"))


def authority_role(code: str) -> str:
    return next((role for shape, role in _AUTHORITY_ROLES if shape.fullmatch(code)), "other")


def _comparable(value):
    """A stored or new attribute value in one plain form (None for every kind of empty)."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, (list, tuple)):
        value = [_comparable(v) for v in value]
    elif isinstance(value, (set, frozenset)):
        value = sorted(value)
    elif isinstance(value, dict):
        value = {k: _comparable(v) for k, v in value.items() if _comparable(v) is not None}
    return value if value not in (None, "", [], {}) else None


def _rules_knowing(control_body) -> organisation_rules.Reference:
    """The reference data of the rules, plus the control body `control_body` when it is not in
    the reference files but the directory holds it as a valid control body (one created by this
    command before)."""
    ref = reference.organisation_rules()
    if not isinstance(control_body, str) or control_body in ref.control_bodies or \
            not _CODE.fullmatch(control_body):
        return ref
    found = orgs.get(control_body)
    if found is None or found.kind != orgs.CONTROL_BODY or found.status != orgs.VALID:
        return ref
    return dataclasses.replace(ref, control_bodies={**ref.control_bodies,
                                                    found.id: frozenset(found.certifies_in or ())})


def create_organisation(code: str, kind: str, data: dict, now: datetime) -> tuple[orgs.Organisation, bool]:
    """A valid organisation whose id is `code` (SPEC 9 `create-organisation`; for an operator, its
    TRACES number), checked by the rules of the directory except that its address, city, postal
    code and contacts may be unknown. Idempotent: the same fields again change nothing (returns
    the organisation and False); other fields for an existing code are refused (Conflict
    "exists"), and so is an identifier (EORI) that another organisation holds."""
    code = code.strip().upper() if isinstance(code, str) else ""
    if not _CODE.fullmatch(code):
        raise Invalid({"code": N_("This value is not valid.")})
    if kind not in organisation_rules.KINDS:
        raise Invalid({"kind": N_("This value is not one of the choices.")})
    data = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    unexpected = sorted(set(data) - set(organisation_rules.KIND_FIELDS[kind]))
    if unexpected:
        raise Invalid({name: N_("This field is not expected.") for name in unexpected})
    if kind != organisation_rules.OPERATOR:
        data["code"] = code
    if kind == organisation_rules.AUTHORITY:
        data.setdefault("role", authority_role(code))
    if kind == organisation_rules.CUSTOMS and customs_rules.code_of(str(data.get("country") or "").upper()) != code:
        raise Invalid({"code": N_("The code of the customs of a member state is <CC>-CUSTOMS, with its country.")})
    if kind == organisation_rules.CONTROL_BODY:
        data.setdefault("sections", [organisation_rules.ORGANIC])
    fields = organisation_rules.check(kind, data, _rules_knowing(data.get("control_body_id")),
                                      unknown=organisation_rules.MAY_BE_UNKNOWN)
    fields["code"] = code
    values = {k: (set(v) if k in _SETS else v) for k, v in fields.items()
              if k in organisation_rules.KIND_FIELDS[kind] + ("code",) and _comparable(v) is not None}
    existing = orgs.get(code)
    if existing is None:
        organisation = orgs.Organisation(code, kind=kind, status=orgs.VALID, created_at=now,
                                         created_by="system", updated_at=now, version=1,
                                         administrator_count=0, **values)
        index_fields(organisation)
        organisation.authority_id = competent_of(organisation)
        claims = [orgs.IdentifierClaim(organisation_rules.identifier_key(i["type"], i["value"]),
                                       organisation_id=code) for i in fields["identifiers"]]
        try:
            with base.transaction() as tx:
                for claim in claims:
                    tx.save(claim, condition=orgs.IdentifierClaim.key.does_not_exist())
                tx.save(organisation, condition=orgs.Organisation.id.does_not_exist())
                tx.save(audit.record(f"organisation#{code}", "system", "create", now, after=orgs.VALID))
            return organisation, True
        except TransactWriteError as error:
            if base.cancelled_at(error) & set(range(len(claims))):
                raise Conflict(N_("An organisation with this identifier is already in the directory."),
                               code="duplicate_identifier") from None
            existing = orgs.get(code)  # created meanwhile: the same, or a conflict
            if existing is None:
                raise
    compared = set(organisation_rules.KIND_FIELDS[kind]) | {"code"}
    different = sorted(name for name in compared
                       if _comparable(getattr(existing, name, None)) != _comparable(values.get(name)))
    if existing.kind != kind:
        different.insert(0, "kind")
    if different:
        error = Conflict(N_("An organisation with this code already exists, with other fields."),
                         code="exists")
        error.fields = {name: N_("This value differs from the existing organisation.") for name in different}
        raise error
    return existing, False


def create_person(email: str, password: str, organisation_id: str, now: datetime,
                  first_name: str = "", last_name: str = "", language: str = "fr") -> Account:
    """A valid person with a valid role in the organisation (administrator if it has none)."""
    try:
        email = normalise.email(email)
    except normalise.FieldError as error:
        raise Invalid({"email": str(error)}) from None
    problems = passwords.violations(password, email)
    if problems:
        raise Invalid({"password": problems[0]})
    organisation = orgs.get(organisation_id)
    if organisation is None:
        raise NotFound(N_("This organisation is not in the directory."))
    account_id, request_id = uuid.uuid4().hex, uuid.uuid4().hex
    administrator = not organisation.administrator_count
    password_hash = credentials.hash_password(password)
    key = normalise.email_key(email)
    account = Account(
        account_id, email=email, email_key=key, status=rules.VALID, first_name=first_name or email.split("@")[0],
        last_name=last_name or organisation.name[:100], language=language,
        notification_format="html", secret_question_id=min(reference.secret_question_ids()),
        secret_answer_hash=credentials.hash_answer(credentials.new_token()),
        password_hash=password_hash, password_history=[password_hash], created_at=now,
        validated_at=now, organisation_id=organisation.id, organisation_name=organisation.name,
        registration_authorisation_id=request_id, postal_code=organisation.postal_code or "",
        city=organisation.city or "", country=organisation.country,
        authority_id=organisation.id if organisation.kind == orgs.AUTHORITY else "EU-COMMISSION",
        role_kind=organisation.kind, valid_roles={organisation.id: organisation.kind},
        administers={organisation.id} if administrator else None,
        status_created=f"{rules.VALID}#{now.isoformat()}", activity=ACTIVE,
        active_since=now.isoformat())
    account.search_text = search_text(account)
    Org = orgs.Organisation
    try:
        with base.transaction() as tx:
            tx.save(EmailClaim(key, account_id=account_id), condition=EmailClaim.email.does_not_exist())
            tx.save(account)
            tx.save(auth.Authorisation(request_id, account_id=account_id, organisation_id=organisation.id,
                                       role_kind=organisation.kind, status=auth.VALID,
                                       administrator=administrator, created_at=now.isoformat(),
                                       decided_at=now, decided_by="system",
                                       status_created=f"{auth.VALID}#{now.isoformat()}",
                                       competent_id=competent_of(organisation)))
            tx.update(organisation, actions=[Org.administrator_count.add(1 if administrator else 0)],
                      condition=Org.administrator_count == organisation.administrator_count)
            tx.save(audit.record(f"account#{account_id}", "system", "create", now, after=rules.VALID))
    except TransactWriteError:
        raise Conflict(N_("This e-mail address already has an account."), code="exists") from None
    return account


def backfill_email_keys() -> dict:
    """One-off migration (docs/deploying.md, "Migrations"): gives every account stored before e-mail
    addresses were compared case-insensitively its `email_key`, and claims each key in the
    `emails` table. Idempotent. Two accounts whose addresses differ only in case cannot share one
    identity: the older one keeps the claim and both are listed for a person to settle. Reads
    the whole accounts table once (a Scan: an admin command, never a request or a job)."""
    from pynamodb.exceptions import PutError

    groups: dict[str, list[Account]] = {}
    for account in Account.scan(attributes_to_get=["id", "email", "email_key", "created_at"]):
        groups.setdefault(normalise.email_key(account.email), []).append(account)
    keyed = claimed = 0
    collisions = []
    for key, accounts in sorted(groups.items()):
        accounts.sort(key=lambda a: a.created_at)
        for account in accounts:
            if account.email_key != key:
                account.update(actions=[Account.email_key.set(key)], condition=Account.id.exists())
                keyed += 1
        try:
            EmailClaim(key, account_id=accounts[0].id).save(condition=EmailClaim.email.does_not_exist())
            claimed += 1
        except PutError:
            pass  # claimed already, by the oldest account or by one registered since
        owner = EmailClaim.get(key).account_id
        if len(accounts) > 1 or owner != accounts[0].id:
            collisions.append([a.email for a in accounts])
    return {"accounts_keyed": keyed, "claims_added": claimed, "collisions": collisions}
