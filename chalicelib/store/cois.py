"""Tables of the certificate of inspection: `cois` (the certificates), `coi_parties` (one item
per organisation named on a COI, for the lists), `coi_numbers` (the number sequence of each
member state and year) and `rate_limits` (the public verification's counter per client).

Access paths: a COI by id (GetItem, or with the session in one TransactGet); by number (the
`by_number` index); the COIs of an organisation newest first, all or in one status (a Query on
`coi_parties` or its `by_status` index, one page per request); the extracts of a base (listed on
the base). No Scan."""
from pynamodb.attributes import (BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute,
                                 TTLAttribute, UnicodeAttribute, UnicodeSetAttribute,
                                 UTCDateTimeAttribute)
from pynamodb.exceptions import UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .stage import meta


class ByNumber(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_number"
        projection = AllProjection()

    number = UnicodeAttribute(hash_key=True)


class Coi(Model):
    Meta = meta("cois")

    id = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    version = NumberAttribute()
    is_extract = BooleanAttribute(default=False)
    created_by_organisation = UnicodeAttribute()
    created_as = UnicodeAttribute()                  # the party the creator acted as
    created_by = UnicodeAttribute()                  # account id
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    issued_at = UTCDateTimeAttribute(null=True)
    boxes = JSONAttribute()                          # SPEC 3.1 boxes, derived ones included
    names = JSONAttribute(default=dict)              # organisation id -> name, country, code, city
    replaces = UnicodeAttribute(null=True)
    replaced_by = UnicodeAttribute(null=True)
    extract_of = UnicodeAttribute(null=True)
    extracts = ListAttribute(of=UnicodeAttribute, default=list)
    irregularity = UnicodeAttribute(null=True)
    # Organisations holding a `coi_parties` item for this COI (to update or remove them).
    listed_for = UnicodeSetAttribute(null=True)
    # A base for extracts: per line of box 13, the packages and thousandths of net weight that
    # extracts not deleted hold. Conditional updates keep each at most the line's quantity.
    reserved_packages = ListAttribute(of=NumberAttribute, null=True)
    reserved_weight = ListAttribute(of=NumberAttribute, null=True)
    # An extract: the base lines it takes (index in the base) and the base's line totals.
    base_lines = JSONAttribute(null=True)            # [{"line", "packages", "weight"}] (totals)
    expires_at = TTLAttribute(null=True)             # a forgotten draft goes (SPEC 6)
    # Customs (SPEC 3.3): the write-offs against declarations, cancelled ones included
    # ([{"mrn", "lines": [{"line", "net_weight"}], "status", "organisation", "at", "cancelled_at"}]),
    # and the status a COI written off in full had before it became `depleted`.
    write_offs = JSONAttribute(null=True)
    written_off_from = UnicodeAttribute(null=True)

    by_number = ByNumber()


class ByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    organisation_status = UnicodeAttribute(hash_key=True)    # "<organisation id>#<status>"
    sort = UnicodeAttribute(range_key=True)


class CoiParty(Model):
    """A COI as one organisation's list shows it: newest first by creation. Each organisation has
    one such item per COI (under its id), and one more per role it holds on it (under
    `list_key(id, role)`), so that a list filtered by role is a Query of its own key, never a
    filter that reads pages of other roles."""

    Meta = meta("coi_parties")

    organisation_id = UnicodeAttribute(hash_key=True)
    sort = UnicodeAttribute(range_key=True)                  # "<created at>#<coi id>"
    coi_id = UnicodeAttribute()
    status = UnicodeAttribute()
    organisation_status = UnicodeAttribute()
    roles = UnicodeSetAttribute(null=True)                   # the parties it is on this COI
    number = UnicodeAttribute(null=True)
    summary = JSONAttribute(default=dict)                    # parties' names, first product
    updated_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)                     # with its draft

    by_status = ByStatus()


class CoiNumber(Model):
    """The last number given per member state and year (`FR#2026`)."""

    Meta = meta("coi_numbers")

    key = UnicodeAttribute(hash_key=True)
    last = NumberAttribute(default=0)


class RateCounter(Model):
    """Requests of one client in one window (`public#<client>#<window>`), or a job's send taken
    once (`digest#<run>#<template>#<person>`), removed by TTL."""

    Meta = meta("rate_limits")

    key = UnicodeAttribute(hash_key=True)
    count = NumberAttribute(default=0)
    expires_at = TTLAttribute()


PAGE_SIZE = 50


def get(coi_id: str) -> Coi | None:
    try:
        return Coi.get(coi_id)
    except Coi.DoesNotExist:
        return None


def by_number(number: str) -> Coi | None:
    return next(iter(Coi.by_number.query(number, limit=1)), None)


def get_current(coi_id: str) -> Coi | None:
    """The COI as last written (a strongly consistent read), after a write found it changed."""
    try:
        return Coi.get(coi_id, consistent_read=True)
    except Coi.DoesNotExist:
        return None


def party_sort(coi: Coi) -> str:
    return f"{coi.created_at.isoformat()}#{coi.id}"


def next_number(member_state: str, year: int) -> int:
    """The next number of the sequence, by one atomic counter update (never given twice; a
    number burnt by a write that fails afterwards is a gap, never filled by a read)."""
    counter = CoiNumber(f"{member_state}#{year}")
    counter.update(actions=[CoiNumber.last.add(1)])
    return int(counter.last)


def list_key(organisation_id: str, role: str | None = None) -> str:
    """The hash key of an organisation's list items: all its COIs, or those where it holds `role`
    (a word of the list's role filter)."""
    return f"{organisation_id}|{role}" if role else organisation_id


def of_organisation(organisation_id: str, status: str | None, role: str | None, below: str | None,
                    limit: int):
    """One page of an organisation's COIs (where it holds `role`, if given), newest first, below
    the position `below`: ONE Query (the base table, or the `by_status` index with a status)
    reading at most `limit` items, every one of them shown. Returns (items, the last position read
    if there may be more)."""
    key = CoiParty.sort < below if below else None
    listed = list_key(organisation_id, role)
    if status:
        results = CoiParty.by_status.query(f"{listed}#{status}", range_key_condition=key,
                                           scan_index_forward=False, page_size=limit)
    else:
        results = CoiParty.query(listed, range_key_condition=key, scan_index_forward=False,
                                 page_size=limit)
    try:
        page = next(results.page_iter)
    except StopIteration:
        return [], None
    found = [CoiParty.from_raw_data(item) for item in page.get("Items", [])]
    last = results.page_iter.last_evaluated_key
    return found, last["sort"]["S"] if last else None


def claim(key: str, expires_at) -> bool:
    """Takes `key` once until it expires: False if it is already taken (a retried job's send)."""
    return count_request(key, expires_at, 1)


def release(key: str) -> None:
    """Gives `key` back (the work it claimed failed and will be retried)."""
    RateCounter(key).delete()


def count_request(key: str, expires_at, limit: int) -> bool:
    """Counts one request of a client in its window; False once the window holds `limit`."""
    counter = RateCounter(key)
    try:
        counter.update(actions=[RateCounter.count.add(1), RateCounter.expires_at.set(expires_at)],
                       condition=RateCounter.count.does_not_exist() | (RateCounter.count < limit))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
