"""The directory facts that roles, accounts and certificates share: the derived keys of an
organisation and its competent validator (SPEC 1.3, 2.2), and an organisation as the COI rules see
it. One home, so that the services depending on them import it and not each other."""
from .. import reference
from ..domain import organisations as rules
from ..domain.coi_parties import OrgFacts
from ..store import organisations as orgs
from ..store.organisations import Organisation


INDEXED = ("kind_name", "search_text", "place", "place_name")


def index_fields(organisation: Organisation) -> list:
    """Sets the derived attributes that the indexes and the free-text search read; returns the
    update actions that write them."""
    organisation.kind_name = orgs.sort_key(organisation.kind, organisation.name, organisation.id)
    organisation.search_text = rules.search_text({
        "name": organisation.name, "code": organisation.code,
        "identifiers": orgs.identifiers_of(organisation)})
    organisation.place = rules.place_key(organisation.country, organisation.city or "", organisation.name)
    organisation.place_name = orgs.place_name(organisation.kind, rules.name_key(organisation.name)) \
        if organisation.place else None
    return [getattr(Organisation, name).set(getattr(organisation, name)) if getattr(organisation, name)
            else getattr(Organisation, name).remove() for name in INDEXED]


def competent_of(organisation: Organisation) -> str:
    """The authority, control body or system administration that validates its roles when it has
    no administrator (SPEC 2.2)."""
    place = rules.Place(kind=organisation.kind, country=organisation.country,
                        postal_code=organisation.postal_code or "",
                        activities=frozenset(organisation.activities or ()),
                        sections=frozenset(organisation.sections or ()),
                        control_body_id=organisation.control_body_id)
    return rules.competent_validator(place, reference.departement_authorities(),
                                     reference.authority_codes())


def facts(organisation: Organisation) -> OrgFacts:
    """What the COI rules need of an organisation."""
    return OrgFacts(id=organisation.id, kind=organisation.kind, status=organisation.status,
                    country=organisation.country, name=organisation.name,
                    activities=frozenset(organisation.activities or ()),
                    identifiers=tuple(i["type"] for i in orgs.identifiers_of(organisation)),
                    certifies_in=frozenset(organisation.certifies_in or ()),
                    role=organisation.role, competence=frozenset(organisation.competence or ()),
                    code=organisation.code,
                    procedure=reference.control_body_procedure(organisation.code)
                    if organisation.kind == rules.CONTROL_BODY else None)


def named(ids) -> dict[str, Organisation]:
    """The organisations of `ids` that exist (one BatchGet of at most 100 keys)."""
    ids = sorted({i for i in ids if i})
    return {o.id: o for o in Organisation.batch_get(ids)} if ids else {}
