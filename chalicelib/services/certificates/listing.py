"""The lists: the COIs of the caller's organisations (GET /api/cois) and a COI's history,
a page at a time with a cursor."""
import json
import re


from ...domain import coi as rules
from ...domain.errors import Invalid, N_, NotFound
from ...store import audit, paging
from ...store import cois as store
from ...store.cois import Coi, CoiParty
from ..sessions import Current
from .access import Access, load
from .views import summary


LIST_FIELDS = ("status", "role", "number", "cursor")


def _cursor_in(value: str, pattern: str) -> str:
    """The sort key a cursor of a list holds (a string matching `pattern`); 400 for any other."""
    try:
        sort = paging.from_cursor(value)
    except ValueError:
        sort = None
    if not isinstance(sort, str) or not re.fullmatch(pattern, sort):
        raise Invalid({"cursor": N_("This value is not valid.")})
    return sort


def _cursor_out(sort: str | None) -> str | None:
    return paging.to_cursor(sort) if sort else None


LISTED_SORT = r"\d{4}-\d\d-\d\dT[\d:.+]+#[0-9a-f]{32}"     # created#coi of coi_parties


HISTORY_SORT = r"\d{4}-\d\d-\d\dT[\d:.+]+#[0-9a-f]{1,64}"  # at#id of the audit trail


HISTORY_PAGE = 100


def _list_item(item: CoiParty) -> dict:
    return {"id": item.coi_id, "number": item.number, "status": item.status,
            "created_at": item.sort.split("#")[0], "updated_at": item.updated_at.isoformat(),
            "roles": sorted(item.roles or ()), "parties": {
                k: v for k, v in (item.summary or {}).items() if k in rules.PARTIES},
            "product": (item.summary or {}).get("product"),
            "lines": (item.summary or {}).get("lines", 0)}


def search(current: Current, params: dict) -> dict:
    """GET /api/cois: the COIs where the caller's organisations are parties (drafts: those of
    their organisation), newest first, at most 50 a page. One Query per organisation of the
    caller (usually one), on its list key for the role asked (every item read is shown); the
    cursor is the last position shown."""
    status, role, number = _filters(params)
    if number:
        found = _by_number(current, number, status, role)
        return {"items": [_list_item(found)] if found else [], "next": None}
    below = _cursor_in(params["cursor"], LISTED_SORT) if params.get("cursor") else None
    items, frontier = [], None
    for org in sorted(current.account.roles)[:MAX_ORGANISATIONS]:
        page, last = store.of_organisation(org, status, role, below, store.PAGE_SIZE)
        items += page
        if last:
            frontier = max(frontier or "", last)
    shown, frontier = _newest_first(items, frontier)
    return {"items": [_list_item(i) for i in shown], "next": _cursor_out(frontier)}


MAX_ORGANISATIONS = 20      # organisations of one person whose lists are read


def _filters(params: dict) -> tuple[str | None, str | None, str]:
    """(status, role, number) the list is asked for; 400 naming each one that is not valid."""
    status, role = params.get("status") or None, params.get("role") or None
    number = (params.get("number") or "").strip().upper()
    problems = {}
    if status and status not in rules.STATUSES:
        problems["status"] = N_("This value is not one of the choices.")
    if role and role not in rules.LIST_ROLES:
        problems["role"] = N_("This value is not one of the choices.")
    if number and len(number) > 40:
        problems["number"] = N_("This value is too long.")
    if problems:
        raise Invalid(problems)
    return status, role, number


def _by_number(current: Current, number: str, status: str | None, role: str | None) -> CoiParty | None:
    """The list item of the COI of this number, if the caller sees it and it passes the filters."""
    found = store.by_number(number) if rules.is_number(number) else None
    if found is None:
        return None
    try:
        access = Access(current, found)
    except NotFound:
        return None
    if (status and found.status != status) or (role and not set(rules.LIST_ROLES[role]) & access.acting):
        return None
    return CoiParty(access.acting_organisation() if access.acting else found.created_by_organisation,
                    store.party_sort(found), coi_id=found.id, status=found.status,
                    roles=access.acting or {found.created_as}, number=found.number,
                    summary=summary(found), updated_at=found.updated_at)


def _newest_first(items: list, frontier: str | None) -> tuple[list, str | None]:
    """The pages of several organisations merged: newest first, each COI once, none past the
    frontier (what every page read reached), a page at most; and where the next page starts."""
    seen, shown = set(), []
    for item in sorted(items, key=lambda i: i.sort, reverse=True):
        if frontier and item.sort < frontier:
            break
        if item.coi_id not in seen:
            seen.add(item.coi_id)
            shown.append(item)
    if len(shown) > store.PAGE_SIZE:
        shown = shown[:store.PAGE_SIZE]
        frontier = shown[-1].sort
    return shown, frontier


def history(current: Current, coi: Coi | None, params: dict) -> dict:
    """GET /api/cois/{id}/history: who, organisation, when, action, and each box's old and new
    value; oldest first, 100 a page."""
    access = load(current, coi)
    start = None
    if params.get("cursor"):
        start = {"subject": {"S": f"coi#{coi.id}"},
                 "at_id": {"S": _cursor_in(params["cursor"], HISTORY_SORT)}}
    records, last = audit.page(f"coi#{access.coi.id}", start, HISTORY_PAGE)
    items = []
    for record in records:
        details = record.details.as_dict() if hasattr(record.details, "as_dict") \
            else dict(record.details or {})
        items.append({"at": record.at_id.split("#")[0], "person": details.pop("person", None),
                      "organisation": details.pop("organisation", None), "action": record.action,
                      "status": {"old": record.before, "new": record.after},
                      "changes": json.loads(details.pop("changes", None) or "{}"),
                      "details": details})
    return {"items": items, "next": _cursor_out(last["at_id"]["S"] if last else None)}
