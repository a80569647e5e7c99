"""Table `organisations`: operators, control bodies and authorities (SPEC 2.1). Reference
organisations use their official code as id (`FR-DDPP-69`, `FR-BIO-01`); those that users create
get a random id."""
from pynamodb.attributes import (ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute,
                                 UnicodeSetAttribute, UTCDateTimeAttribute)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from . import paging
from .stage import meta

OPERATOR, CONTROL_BODY, AUTHORITY = "operator", "control_body", "authority"
REQUESTED, VALID = "requested", "valid"


class ByCountry(GlobalSecondaryIndex):
    """Directory search: country is mandatory, then kind and name through the sort key."""

    class Meta:
        index_name = "by_country"
        projection = AllProjection()

    country = UnicodeAttribute(hash_key=True)
    kind_name = UnicodeAttribute(range_key=True)


class ByPlace(GlobalSecondaryIndex):
    """The duplicate check: the organisations of one city whose name starts with the same
    significant word (`<country>#<folded city>#<word>`), by kind then significant name."""

    class Meta:
        index_name = "by_place"
        projection = AllProjection()

    place = UnicodeAttribute(hash_key=True)
    place_name = UnicodeAttribute(range_key=True)


class Organisation(Model):
    Meta = meta("organisations")

    id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    status = UnicodeAttribute(default=VALID)
    code = UnicodeAttribute(null=True)
    name = UnicodeAttribute()
    country = UnicodeAttribute()
    region = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    contacts = MapAttribute(default=dict)
    identifiers = ListAttribute(of=MapAttribute, default=list)
    sections = UnicodeSetAttribute(null=True)
    activities = UnicodeSetAttribute(null=True)
    control_body_id = UnicodeAttribute(null=True)
    certifies_in = UnicodeSetAttribute(null=True)
    role = UnicodeAttribute(null=True)
    competence = UnicodeSetAttribute(null=True)
    authority_id = UnicodeAttribute(null=True)       # who validates its operators' roles
    administrator_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    kind_name = UnicodeAttribute()                   # "<kind>#<lower-cased name>#<id>"
    coordinates = MapAttribute(null=True)            # {"latitude", "longitude"} as strings
    valid_from = UnicodeAttribute(null=True)         # ISO dates
    valid_to = UnicodeAttribute(null=True)
    jurisdiction_regions = UnicodeSetAttribute(null=True)
    # Folded name, identifiers and codes: the directory's free-text search filters on it.
    search_text = UnicodeAttribute(null=True)
    place = UnicodeAttribute(null=True)              # "<country>#<folded city>#<word>" (by_place)
    place_name = UnicodeAttribute(null=True)         # "<kind>#<significant name>" (by_place)
    version = NumberAttribute(default=0)             # optimistic concurrency of edits
    updated_at = UTCDateTimeAttribute(null=True)

    by_country = ByCountry()
    by_place = ByPlace()

    @property
    def administrators(self) -> int:
        return int(self.administrator_count or 0)


class IdentifierClaim(Model):
    """One item per identifier held by an organisation (`<type>#<value>`), written conditionally
    in the transaction that gives the identifier, so two operators never share an EORI."""

    Meta = meta("organisation_identifiers")

    key = UnicodeAttribute(hash_key=True)
    organisation_id = UnicodeAttribute()


def sort_key(kind: str, name: str, organisation_id: str) -> str:
    return f"{kind}#{name.casefold()}#{organisation_id}"


def _plain(identifiers) -> list[dict]:
    return [i.as_dict() if isinstance(i, MapAttribute) else dict(i) for i in identifiers or []]


def identifiers_of(organisation: Organisation) -> list[dict]:
    return _plain(organisation.identifiers)


def search(country: str, kind: str | None, section: str | None, activity: str | None,
           words: list[str], cursor: str | None, evaluated: int, shown: int) -> paging.Page:
    """A page of the directory: ONE Query on by_country (key: country, kind prefix), narrowed by
    filters, at most `evaluated` organisations read. A page may hold fewer matches than
    `shown`; its cursor says whether there is more."""
    condition = None
    clauses = ([Organisation.sections.contains(section)] if section else []) + \
        ([Organisation.activities.contains(activity)] if activity else []) + \
        [Organisation.search_text.contains(word) for word in words]
    for clause in clauses:
        condition = clause if condition is None else condition & clause
    key = Organisation.kind_name.startswith(f"{kind}#") if kind else None
    return paging.read([paging.Source(Organisation.by_country, country, key)], cursor, evaluated,
                       shown, filter_condition=condition)


def place_name(kind: str, name_key: str) -> str:
    """No id at the end (index keys need not be unique): a name sorts before the longer names
    that start with it, as "bio import" before "bio import lyon"."""
    return f"{kind}#{name_key}"


def similar_candidates(place: str, kind: str, name_key: str, limit: int) -> list[Organisation]:
    """The organisations of a kind in one city whose significant name starts with the same word
    (`place` is "<country>#<folded city>#<word>") and sorts nearest to `name_key`: those that
    start with it, then those just before it (where the names it starts with are). Two Queries,
    at most `limit` read."""
    after = Organisation.place_name.between(f"{kind}#{name_key}", f"{kind}#{name_key}\U0010ffff")
    before = Organisation.place_name.between(f"{kind}#", f"{kind}#{name_key}")
    found = list(Organisation.by_place.query(place, after, limit=limit // 2)) + \
        list(Organisation.by_place.query(place, before, scan_index_forward=False, limit=limit - limit // 2))
    return list({o.id: o for o in found}.values())   # the same name is in both


def get(organisation_id: str) -> Organisation | None:
    try:
        return Organisation.get(organisation_id)
    except Organisation.DoesNotExist:
        return None
