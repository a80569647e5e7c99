"""Customs (SPEC 3.3): who may look at a COI by its number, whether it may be released for free
circulation, and the write-offs of its quantities against declarations (MRN). Weights are
counted in thousandths (coi_values.milli) so that sums are exact. Plain Python: the write-offs
are handed in as the COI keeps them, the clock is passed in."""
import re
from datetime import datetime

from . import iso6346
from .coi_values import from_milli, milli, weight
from .errors import Conflict, Invalid, N_, NotFound
from .normalise import FieldError
from .extracts import quantity_exceeded, requested_lines
from .vocabulary import CHECKED, CUSTOMS, DEPLETED, RELEASED_CONVENTIONAL, SIGNED

# --- who looks -------------------------------------------------------------------------------
# A customs organisation's code (its id) is `<CC>-CUSTOMS`, one per member state (SPEC 9).
CODE = re.compile(r"^([A-Z]{2})-CUSTOMS$")
NO_SUCH = N_("There is no such certificate.")


def code_of(country: str) -> str:
    return f"{country}-CUSTOMS"


def member_states(roles: dict[str, str]) -> set[str]:
    """The member states whose customs a person (or API key) acts for: their valid roles
    (organisation id -> kind) in customs organisations."""
    return {found.group(1) for org, kind in roles.items()
            if kind == CUSTOMS and (found := CODE.match(org))}


def organisation_for(roles: dict[str, str], member_state: str) -> str | None:
    """The customs organisation through which the caller acts on a COI of `member_state`."""
    wanted = code_of(member_state)
    return wanted if roles.get(wanted) == CUSTOMS else None


# --- releasable ------------------------------------------------------------------------------
# (is an extract, status) of the COIs customs may release: verified as released (checked, or
# signed by its first consignee since) or released as conventional; an extract once endorsed
# and signed. Nothing else: a draft, a base for extracts, an irregularity, depleted, replaced,
# deleted...
RELEASABLE = frozenset({(False, CHECKED), (False, SIGNED), (False, RELEASED_CONVENTIONAL),
                        (True, SIGNED)})


def releasable(status: str, is_extract: bool) -> bool:
    return (bool(is_extract), status) in RELEASABLE


def not_releasable() -> Conflict:
    return Conflict(N_("This certificate may not be released for free circulation."),
                    code="not_releasable")


# --- the MRN ---------------------------------------------------------------------------------
# The movement reference number of a declaration: 2-digit year, 2-letter country, 13 letters or
# digits, and a check character computed as ISO 6346 (iso6346.py).
MRN = re.compile(r"^\d{2}[A-Z]{2}[A-Z0-9]{13}[A-Z0-9]$")


def mrn(value) -> str:
    """An MRN as customs type it (spaces ignored, any case): FieldError when it is not 18
    characters of the right kinds, or when its check character is wrong."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError(N_("Give the MRN of the declaration."))
    value = re.sub(r"\s+", "", value).upper()
    if not MRN.match(value):
        raise FieldError(N_("An MRN has 18 characters: 2 digits of the year, 2 letters of the "
                            "country, 13 letters or digits and a check character."))
    if iso6346.check_character(value[:17]) != value[17]:
        raise FieldError(N_("The check character of this MRN is wrong: check the number typed."))
    return value


def declaration(value) -> str:
    """The MRN of a request (400 naming `mrn`)."""
    try:
        return mrn(value)
    except FieldError as error:
        raise Invalid({"mrn": str(error)}) from None


# --- the lines of a write-off ----------------------------------------------------------------
LINE_FIELDS = {"line", "net_weight"}
ACTIVE, CANCELLED = "active", "cancelled"
# The write-offs of a COI are kept on it (one read answers the check, whole, without a cursor):
# at most this many, cancelled ones included. A consignment cleared in more parts is released
# by batches, through extracts (SPEC 3).
MOST_WRITE_OFFS = 100


def requested(lines_of_coi: list, lines) -> list[dict]:
    """The lines of a write-off: each a line of the COI, once, with a positive net weight of at
    most 3 decimals (400 naming each field)."""
    return [{"line": item["line"], "net_weight": item["net_weight"]}
            for item in requested_lines(lines_of_coi, lines, LINE_FIELDS, _net_weight)]


def _net_weight(item: dict, prefix: str) -> dict:
    try:
        item["net_weight"] = weight(item.get("net_weight"))
    except FieldError as error:
        return {f"{prefix}.net_weight": str(error)}
    return {} if item["net_weight"] is not None else {f"{prefix}.net_weight": N_("This field is required.")}


def written_off(line_count: int, write_offs: list) -> list[int]:
    """Thousandths written off each line by the write-offs not cancelled."""
    sums = [0] * line_count
    for found in write_offs:
        if found["status"] == ACTIVE:
            for item in found["lines"]:
                sums[item["line"]] += milli(item["net_weight"])
    return sums


def lines_view(lines_of_coi: list, write_offs: list) -> list[dict]:
    """Each line of box 13 with its net weight, what is written off and what remains."""
    sums = written_off(len(lines_of_coi), write_offs)
    return [{"line": i, "cn_code": line.get("cn_code"), "net_weight": line.get("net_weight"),
             "unit": line.get("unit") or "kg", "written_off": from_milli(sums[i]),
             "remaining": from_milli(milli(line.get("net_weight")) - sums[i])}
            for i, line in enumerate(lines_of_coi)]


def find(write_offs: list, mrn_value: str) -> dict | None:
    return next((w for w in write_offs if w["mrn"] == mrn_value), None)


def same_request(first: dict, lines: list[dict]) -> bool:
    key = sorted((item["line"], milli(item["net_weight"])) for item in lines)
    return first["status"] == ACTIVE and key == sorted(
        (item["line"], milli(item["net_weight"])) for item in first["lines"])


def mrn_reused() -> Conflict:
    return Conflict(N_("This MRN already wrote off other quantities of this certificate."),
                    code="mrn_reused")


def write_off(lines_of_coi: list, write_offs: list, mrn_value: str, lines: list[dict], organisation: str,
              now: datetime) -> dict:
    """The new write-off, within what remains of each line (409 quantity_exceeded naming each
    net weight over it)."""
    if len(write_offs) >= MOST_WRITE_OFFS:
        raise Conflict(N_("This certificate has as many write-offs as it may hold; a consignment cleared in "
                          "more parts is released by batches, through extracts."), code="too_many_write_offs")
    sums = written_off(len(lines_of_coi), write_offs)
    over = {f"lines.{i}.net_weight": N_("More weight than remains of this line.")
            for i, item in enumerate(lines)
            if milli(item["net_weight"]) > milli(lines_of_coi[item["line"]].get("net_weight")) - sums[item["line"]]}
    if over:
        raise quantity_exceeded(over)
    return {"mrn": mrn_value, "lines": lines, "status": ACTIVE, "organisation": organisation,
            "at": now.isoformat(), "cancelled_at": None}


def summary(write_offs: list, mrn_value: str) -> str:
    """The lines of a write-off as its history record shows them, in no language: `#1 200.000;
    #2 5.000` (lines counted from 1, as on the COI)."""
    found = find(write_offs, mrn_value)
    return "; ".join(f"#{item['line'] + 1} {item['net_weight']}" for item in found["lines"])


def all_written_off(lines_of_coi: list, write_offs: list) -> bool:
    sums = written_off(len(lines_of_coi), write_offs)
    return bool(lines_of_coi) and all(sums[i] >= milli(line.get("net_weight"))
                                      for i, line in enumerate(lines_of_coi))


def cancel(write_offs: list, mrn_value: str, now: datetime) -> tuple[list, dict, bool]:
    """(the write-offs with this MRN's cancelled, the write-off, whether it changed): an
    invalidated declaration gives its quantities back; cancelling it again changes nothing."""
    found = find(write_offs, mrn_value)
    if found is None:
        raise NotFound(N_("No write-off of this certificate has this MRN."))
    if found["status"] == CANCELLED:
        return write_offs, found, False
    cancelled = {**found, "status": CANCELLED, "cancelled_at": now.isoformat()}
    return [cancelled if w is found else w for w in write_offs], cancelled, True


# --- the status ------------------------------------------------------------------------------

def status_after(status: str, written_off_from: str | None, everything_written_off: bool) -> tuple[str, str | None]:
    """(status, the status to go back to) once the write-offs change: a COI whose every line
    is written off becomes `depleted`; one that gets quantities back returns to its status."""
    if everything_written_off and status != DEPLETED:
        return DEPLETED, status
    if not everything_written_off and status == DEPLETED and written_off_from:
        return written_off_from, None
    return status, written_off_from
