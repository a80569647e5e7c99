"""What the API shows of a COI: its JSON view, what remains of a base, the list summary."""


from ...domain import coi as rules
from ...domain import coi_boxes as boxes_rules
from ...domain import extracts as quantities
from ...store.cois import Coi
from ..sessions import Current
from .access import load


def view(coi: Coi, allowed: rules.Allowed) -> dict:
    return {"id": coi.id, "number": coi.number, "status": coi.status, "version": int(coi.version),
            "created_by_organisation": coi.created_by_organisation,
            "created_at": coi.created_at.isoformat(), "updated_at": coi.updated_at.isoformat(),
            "issued_at": coi.issued_at.isoformat() if coi.issued_at else None,
            "replaces": coi.replaces, "replaced_by": coi.replaced_by,
            "extract_of": coi.extract_of, "extracts": list(coi.extracts or []),
            "irregularity": coi.irregularity, "allowed": allowed.as_json(),
            "boxes": coi.boxes, "organisations": coi.names or {},
            "warnings": ["several_origins_for_one_lot"]
            if boxes_rules.several_origins_for_one_lot(coi.boxes) else [],
            "remaining": remaining(coi)}


def remaining(coi: Coi) -> list | None:
    """For a base of extracts: what remains of each line of box 13."""
    if coi.reserved_weight is None:
        return None
    return quantities.remaining(coi.boxes.get("box13") or [], coi.reserved_packages, coi.reserved_weight)


def read(current: Current, coi: Coi | None) -> dict:
    access = load(current, coi)
    return view(access.coi, access.allowed)


def names(found: dict) -> dict:
    return {o.id: {"name": o.name, "country": o.country, "code": o.code, "city": o.city,
                   "kind": o.kind} for o in found.values()}


def summary(coi: Coi) -> dict:
    names = coi.names or {}
    named = rules.parties_of(coi.boxes)
    lines = coi.boxes.get("box13") or []
    first = lines[0] if lines else {}
    return {**{party: (names.get(org) or {}).get("name", org) for party, org in named.items()},
            "product": " ".join(filter(None, [first.get("cn_code"), first.get("trade_name")])) or None,
            "lines": len(lines)}
