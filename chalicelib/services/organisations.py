"""The organisation directory (SPEC 2.1): search, creation of an operator (with its duplicate
checks and, optionally, the person's authorisation request) and edits by administrators and
validators."""
import uuid
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from .. import reference
from ..domain import organisations as rules
from ..domain.errors import Conflict, Forbidden, Invalid, N_, NotFound
from ..store import audit, base
from ..store import organisations as orgs
from ..store.organisations import IdentifierClaim, Organisation
from . import authorisations
from .directory import competent_of, index_fields
from .sessions import Current

SEARCH_FIELDS = ("kind", "country", "section", "activity", "q", "cursor")
PAGE_SIZE = 50                # matches shown per page
EVALUATED_PER_PAGE = 300      # items one Query reads before its filters (one call a page)
DUPLICATE_READS = 50          # look-alike operators of a city the duplicate check reads at most
CREATE_FIELDS = rules.KIND_FIELDS[rules.OPERATOR] + ("request", "confirm_duplicate")
STATE_CHANGED = N_("This organisation changed meanwhile; reload it.")
_SETS = ("sections", "activities", "certifies_in", "competence", "jurisdiction_regions")


def editable_fields(kind: str) -> tuple:
    """What PATCH accepts for an organisation of `kind`: its fields but its code (its identity in
    the directory), plus the version the editor read."""
    return tuple(f for f in rules.KIND_FIELDS[kind] if f != "code") + ("version",)


def codes(organisation: Organisation) -> list[dict]:
    found = [{"type": "code", "value": organisation.code}] if organisation.code else []
    return found + orgs.identifiers_of(organisation)


def summary(organisation: Organisation) -> dict:
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind,
            "status": organisation.status, "address": organisation.address,
            "postal_code": organisation.postal_code, "city": organisation.city,
            "country": organisation.country, "activities": sorted(organisation.activities or ()),
            "codes": codes(organisation)}


def _fields(organisation: Organisation) -> dict:
    """The editable fields as the API shows them (and as the rules check them)."""
    coordinates = organisation.coordinates
    if coordinates is not None:
        plain = coordinates.as_dict() if hasattr(coordinates, "as_dict") else dict(coordinates)
        coordinates = {k: float(v) for k, v in plain.items()}
    contacts = organisation.contacts
    contacts = contacts.as_dict() if hasattr(contacts, "as_dict") else dict(contacts or {})
    fields = {"name": organisation.name, "country": organisation.country,
              "region": organisation.region, "city": organisation.city,
              "postal_code": organisation.postal_code, "address": organisation.address,
              "coordinates": coordinates, "contacts": contacts,
              "identifiers": orgs.identifiers_of(organisation),
              "valid_from": organisation.valid_from, "valid_to": organisation.valid_to,
              "control_body_id": organisation.control_body_id, "code": organisation.code,
              "role": organisation.role}
    for name in _SETS:
        fields[name] = sorted(getattr(organisation, name) or ())
    return {k: v for k, v in fields.items() if k in rules.KIND_FIELDS[organisation.kind]}


def details(organisation: Organisation, current: Current | None = None) -> dict:
    found = {**summary(organisation), **_fields(organisation),
             "version": int(organisation.version or 0),
             "administrator_count": organisation.administrators,
             "validator_id": competent_of(organisation),
             "created_at": organisation.created_at.isoformat() if organisation.created_at else None}
    if current is not None:
        found["may_edit"] = _may_edit(current, organisation)
    return found


def _may_edit(current: Current, organisation: Organisation) -> bool:
    return organisation.id in current.account.administered or \
        competent_of(organisation) in current.account.roles


# --- search ---------------------------------------------------------------------------------

def search(params: dict) -> dict:
    """SPEC 2.1 search: country mandatory; kind, section, activity, free text; one Query a page."""
    ref = reference.organisation_rules()
    problems = {}
    country = (params.get("country") or "").strip().upper()
    if not country:
        problems["country"] = N_("This field is required.")
    elif country not in ref.countries:
        problems["country"] = N_("Choose a country from the list.")
    kind = params.get("kind") or None
    if kind and kind not in rules.KINDS:
        problems["kind"] = N_("This value is not one of the choices.")
    section = params.get("section") or None
    if section and section not in ref.sections:
        problems["section"] = N_("This value is not one of the choices.")
    activity = params.get("activity") or None
    if activity and activity not in ref.activities:
        problems["activity"] = N_("This value is not one of the choices.")
    if len(params.get("q") or "") > 100:
        problems["q"] = N_("This value is too long.")
    if problems:
        raise Invalid(problems)
    try:
        page = orgs.search(country, kind, section, activity, rules.search_words(params.get("q")),
                           params.get("cursor") or None, EVALUATED_PER_PAGE, PAGE_SIZE)
    except ValueError:
        raise Invalid({"cursor": N_("This value is not valid.")}) from None
    return {"items": [summary(o) for o in page.items], "cursor": page.cursor}


# --- creation -------------------------------------------------------------------------------

def possible_duplicates(fields: dict) -> list[Organisation]:
    """Operators of the same city whose name looks the same: among those whose name starts with
    the same significant word (by_place, at most DUPLICATE_READS read: a crowded city costs
    the same as an empty one)."""
    place = rules.place_key(fields["country"], fields["city"], fields["name"])
    if place is None:
        return []
    candidates = orgs.similar_candidates(place, rules.OPERATOR, rules.name_key(fields["name"]),
                                         DUPLICATE_READS)
    return [o for o in candidates if rules.similar_names(o.name, fields["name"])]


def _claims(organisation_id: str, identifiers: list[dict]) -> list[IdentifierClaim]:
    return [IdentifierClaim(rules.identifier_key(i["type"], i["value"]), organisation_id=organisation_id)
            for i in identifiers]


def _duplicate_identifier() -> Conflict:
    return Conflict(N_("An organisation with this identifier is already in the directory."),
                    code="duplicate_identifier")


def check_new(data: dict) -> tuple[dict, dict | None, bool]:
    """Every rule of a new operator at once (Invalid), without reading or writing anything:
    (its fields, the contact of the authorisation request if any, confirm_duplicate)."""
    data = dict(data)
    confirm = data.pop("confirm_duplicate", False)
    contact = data.pop("request", None)
    problems = {}
    if not isinstance(confirm, bool):
        problems["confirm_duplicate"] = N_("This value is not valid.")
    try:
        contact = authorisations.contact_fields(contact) if contact is not None else None
    except Invalid as error:
        problems.update({f"request.{k}": v for k, v in error.fields.items()})
    try:
        fields = rules.check(rules.OPERATOR, data, reference.organisation_rules())
    except Invalid as error:
        raise Invalid({**error.fields, **problems}) from None
    if problems:
        raise Invalid(problems)
    return fields, contact, confirm


def check_changes(organisation: Organisation, data: dict) -> dict:
    """The whole organisation as it would be after an edit, checked by every rule (Invalid)."""
    changes = {k: v for k, v in data.items() if k != "version"}
    return rules.check(organisation.kind, {**_fields(organisation), **changes}, reference.organisation_rules())


def create(current: Current, data: dict, now: datetime) -> dict:
    """A new operator, status `requested`, created by a logged-in person; with `request`, that
    person's authorisation request in the same transaction. Refused when an identifier is already
    taken (the uniqueness items decide, in the same transaction); a similar name in the same city
    is answered with the candidates unless `confirm_duplicate` is true."""
    fields, contact, confirm = check_new(data)
    account = current.account
    if contact is not None:
        authorisations.check_kind(account, rules.OPERATOR)
    if not confirm:
        candidates = possible_duplicates(fields)
        if candidates:
            error = Conflict(N_("This organisation may already be in the directory."),
                             code="possible_duplicate")
            error.extra = {"candidates": [summary(o) for o in candidates]}
            raise error
    organisation_id = uuid.uuid4().hex
    values = {k: (set(v) if k in _SETS and v else v) for k, v in fields.items() if v not in (None, [], {})}
    organisation = Organisation(organisation_id, kind=rules.OPERATOR, status=rules.REQUESTED,
                                created_at=now, created_by=account.id, updated_at=now, version=1,
                                administrator_count=0, **values)
    index_fields(organisation)
    organisation.authority_id = competent_of(organisation)
    claims = _claims(organisation_id, fields["identifiers"])
    request = None
    if contact is not None:
        request, request_writes = authorisations.new_request(account, organisation, contact, now)
    try:
        with base.transaction() as tx:
            for claim in claims:
                tx.save(claim, condition=IdentifierClaim.key.does_not_exist())
            tx.save(organisation, condition=Organisation.id.does_not_exist())
            tx.save(audit.record(f"organisation#{organisation_id}", account.id, "create", now,
                                 after=rules.REQUESTED))
            if request is not None:
                request_writes(tx)
    except TransactWriteError as error:
        if base.cancelled_at(error) & set(range(len(claims))):
            raise _duplicate_identifier() from None
        raise Conflict(N_("Your account changed meanwhile; reload the page."), code="stale") from error
    if request is not None:
        authorisations.acknowledge(account, request)
    found = details(organisation)
    if request is not None:
        found["authorisation"] = {"id": request.id, "status": request.status}
    return found


# --- reading and editing --------------------------------------------------------------------

def get(organisation_id: str) -> Organisation:
    organisation = orgs.get(organisation_id) if 0 < len(organisation_id or "") <= 64 else None
    if organisation is None:
        raise NotFound(N_("This organisation is not in the directory."))
    return organisation


def update(current: Current, organisation: Organisation, data: dict, now: datetime) -> dict:
    """Edits by the organisation's administrators and its validators. The whole organisation is
    checked again (an organic importer keeps its EORI...). The seeds let a validated
    administrator add activities to the company directly (seed 003, 2.3), so an edit keeps the
    status; every edit is in the audit trail with the fields it changed."""
    if not _may_edit(current, organisation):
        raise Forbidden(N_("Only the administrators and validators of this organisation may "
                           "change it."))
    data = dict(data)
    version = data.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid({"version": N_("This field is required.")})
    if version != int(organisation.version or 0):
        raise Conflict(STATE_CHANGED, code="stale")
    before = _fields(organisation)
    fields = check_changes(organisation, data)
    fields["code"] = organisation.code
    comparable = {k: (sorted(v) if isinstance(v, set) else v) for k, v in fields.items()}
    if comparable.get("coordinates"):
        comparable["coordinates"] = {k: float(v) for k, v in comparable["coordinates"].items()}
    changed = sorted(k for k in data if comparable.get(k) != before.get(k)
                     and (comparable.get(k) or before.get(k)))
    if not changed:
        return details(organisation, current)
    actions = []
    for name in changed:
        value = fields[name]
        attribute = getattr(Organisation, name)
        if value in (None, "", [], {}) or (isinstance(value, set) and not value):
            actions.append(attribute.remove())
        else:
            actions.append(attribute.set(value))
        setattr(organisation, name, value or None if name != "contacts" else value)
    actions += index_fields(organisation)
    organisation.authority_id = competent_of(organisation)
    actions += [Organisation.authority_id.set(organisation.authority_id),
                Organisation.version.set(version + 1), Organisation.updated_at.set(now)]
    old_keys = {rules.identifier_key(i["type"], i["value"]) for i in before.get("identifiers", [])}
    new_claims = [c for c in _claims(organisation.id, fields.get("identifiers") or [])
                  if c.key not in old_keys]
    kept = {c.key for c in _claims(organisation.id, fields.get("identifiers") or [])}
    try:
        with base.transaction() as tx:
            for claim in new_claims:
                tx.save(claim, condition=IdentifierClaim.key.does_not_exist())
            tx.update(organisation, actions=actions, condition=Organisation.version == version)
            for key in old_keys - kept:
                tx.delete(IdentifierClaim(key), condition=IdentifierClaim.organisation_id == organisation.id)
            tx.save(audit.record(f"organisation#{organisation.id}", current.account.id, "update",
                                 now, before=organisation.status, after=organisation.status,
                                 fields=",".join(changed)))
    except TransactWriteError as error:
        if base.cancelled_at(error) & set(range(len(new_claims))):
            raise _duplicate_identifier() from None
        raise Conflict(STATE_CHANGED, code="stale") from error
    organisation.version = version + 1
    return details(organisation, current)
