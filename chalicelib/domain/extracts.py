"""The quantities of extracts (SPEC 3): an extract takes packages and net weight from lines of
its base; what extracts hold on each line never passes the line. Weights are counted in
thousandths (coi_values.milli) so that sums are exact. The store holds, per line of a base, what
its extracts hold (reserved packages and thousandths); these rules say what that allows."""
from . import normalise
from .coi_values import count, from_milli, milli, weight
from .errors import Conflict, Invalid, N_

LINE_FIELDS = {"line", "packages", "net_weight"}


def quantity_exceeded(fields: dict | None = None) -> Conflict:
    """`fields`: each quantity of the request (lines.<i>.packages or .net_weight) over what
    remains of its line, when known before the write."""
    error = Conflict(N_("The quantities asked for are more than what remains of the consignment."),
                     code="quantity_exceeded")
    error.fields = fields or {}
    return error


def remaining(lines: list, reserved_packages: list, reserved_weight: list) -> list[dict]:
    """What remains of each line of a base once its extracts took theirs."""
    return [{"line": i, "packages": int(line.get("packages") or 0) - int(reserved_packages[i]),
             "net_weight": from_milli(milli(line.get("net_weight")) - int(reserved_weight[i])),
             "unit": line.get("unit")}
            for i, line in enumerate(lines)]


def totals(base_lines: list, lines: list[dict]) -> list[dict]:
    """For each line an extract takes from: the line, its packages and thousandths (what the
    extracts of the base may hold of it at most)."""
    return [{"line": item["line"], "packages": int(base_lines[item["line"]].get("packages") or 0),
             "weight": milli(base_lines[item["line"]].get("net_weight"))} for item in lines]


def requested(base_lines: list, lines) -> list[dict]:
    """The lines of an extract request: each a line of the base, once, with its packages (or
    none) and net weight, within what remains (400 naming each field; 409 quantity_exceeded)."""
    return requested_lines(base_lines, lines, LINE_FIELDS, _quantities)


def requested_lines(lines_of_coi: list, lines, fields: set, quantities) -> list[dict]:
    """The lines a request takes from a COI (an extract, a customs write-off): each a line of the
    COI, once, with no field but `fields`; `quantities(item, prefix)` normalises the item's
    quantities in place and returns their problems. 400 naming each field."""
    if not isinstance(lines, list) or not lines or len(lines) > len(lines_of_coi):
        raise Invalid({"lines": N_("Choose at least one line of the certificate.")})
    errors, out, seen = {}, [], set()
    for i, item in enumerate(lines):
        if not isinstance(item, dict) or set(item) - fields:
            errors[f"lines.{i}"] = N_("This value is not valid.")
            continue
        line = item.get("line")
        if not isinstance(line, int) or isinstance(line, bool) or not 0 <= line < len(lines_of_coi) \
                or line in seen:
            errors[f"lines.{i}.line"] = N_("Choose a line of the certificate.")
            continue
        seen.add(line)
        errors.update(quantities(item, f"lines.{i}"))
        out.append(item)
    if errors:
        raise Invalid(errors)
    return out


def _quantities(item: dict, prefix: str) -> dict:
    errors = {}
    for name, rule in (("packages", count), ("net_weight", weight)):
        try:
            item[name] = rule(item.get(name))
        except normalise.FieldError as error:
            errors[f"{prefix}.{name}"] = str(error)
    if item.get("net_weight") is None and f"{prefix}.net_weight" not in errors:
        errors[f"{prefix}.net_weight"] = N_("This field is required.")
    return errors


def check_within(lines: list[dict], left: list[dict]) -> None:
    """409 quantity_exceeded naming each quantity of the request over what remains of its line."""
    by_line = {r["line"]: r for r in left}
    over = {}
    for i, item in enumerate(lines):
        rest = by_line[item["line"]]
        if (item.get("packages") or 0) > rest["packages"]:
            over[f"lines.{i}.packages"] = N_("More packages than remain of this line.")
        if milli(item["net_weight"]) > milli(rest["net_weight"]):
            over[f"lines.{i}.net_weight"] = N_("More weight than remains of this line.")
    if over:
        raise quantity_exceeded(over)


def taken(lines: list[dict]) -> list[tuple[int, int, int]]:
    """(base line, packages, thousandths) a new extract holds."""
    return [(item["line"], int(item.get("packages") or 0), milli(item["net_weight"])) for item in lines]


def changed(base_lines: list, before: list, after: list) -> list[tuple[int, int, int]]:
    """(base line, packages, thousandths) by which an edited extract's quantities move."""
    deltas = []
    for position, held_line in enumerate(base_lines):
        old, new = before[position], after[position]
        packages = int(new.get("packages") or 0) - int(old.get("packages") or 0)
        grams = milli(new.get("net_weight")) - milli(old.get("net_weight"))
        if packages or grams:
            deltas.append((held_line["line"], packages, grams))
    return deltas


def released(base_lines: list, lines: list) -> list[tuple[int, int, int]]:
    """(base line, packages, thousandths) a deleted extract gives back to its base."""
    return [(held_line["line"], -int(lines[i].get("packages") or 0), -milli(lines[i].get("net_weight")))
            for i, held_line in enumerate(base_lines)]


def gross_share(base_boxes: dict, lines: list[dict]) -> str | None:
    """Box 16 of an extract: the base's gross weight in the share of the net weight it takes."""
    base_lines = base_boxes.get("box13") or []
    share = sum(milli(t["net_weight"]) for t in lines) / max(
        1, sum(milli(line.get("net_weight")) for line in base_lines))
    gross = milli((base_boxes.get("box16") or {}).get("gross_weight"))
    return from_milli(round(gross * share)) if gross else None
