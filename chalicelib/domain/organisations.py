"""Organisations of the directory (SPEC 2.1): every field's rule, the duplicate rules and who
validates the roles of an organisation. Plain Python: the reference data is passed in."""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from . import jurisdiction, normalise
from .errors import N_
from .normalise import FieldError
from .registration import FieldCollector
from .vocabulary import AUTHORITY, AUTHORITY_ROLES, CONTROL_BODY, CUSTOMS, IDENTIFIER_TYPES, KINDS, OPERATOR  # noqa: F401 - re-exported

REQUESTED, VALID = "requested", "valid"

EU_MEMBER_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
ORGANIC = "organic"
ORGANIC_IMPORTER = "organic_importer"
EORI = "eori"
CONTACTS = ("phone", "fax", "email", "web_site")
ADMINISTRATORS = "admins:{organisation_id}"

_EORI = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,15}$")
_CONTROL_BODY_CODE = re.compile(r"^([A-Z]{2})-([A-Z]{3})-(\d{1,3})$")
_WEB_SITE = re.compile(r"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/\S*)?$")

# Fields a caller may send for an organisation of each kind (POST creates operators only).
COMMON_FIELDS = ("name", "country", "region", "city", "postal_code", "address", "coordinates",
                 "contacts", "identifiers", "sections", "activities", "valid_from", "valid_to")
KIND_FIELDS = {
    OPERATOR: COMMON_FIELDS + ("control_body_id",),
    CONTROL_BODY: COMMON_FIELDS + ("code", "certifies_in"),
    AUTHORITY: COMMON_FIELDS + ("code", "role", "competence", "jurisdiction_regions"),
    CUSTOMS: COMMON_FIELDS + ("code",),
}
# Changing these changes who the competent validator is (recomputed on every change).
PLACE_FIELDS = ("country", "postal_code", "activities", "sections", "control_body_id")


@dataclass(frozen=True)
class Reference:
    """The reference data the rules need."""

    countries: frozenset
    sections: frozenset
    activities: dict                 # activity id -> its section id
    control_bodies: dict             # control body code -> countries it certifies in


def eori(value) -> str:
    """An EORI number: two-letter country code then 1 to 15 letters or digits (spaces ignored)."""
    if not isinstance(value, str):
        raise FieldError(N_("This value is not valid."))
    value = re.sub(r"\s+", "", value).upper()
    if not _EORI.match(value):
        raise FieldError(N_("An EORI number is a two-letter country code followed by 1 to 15 "
                            "letters or digits."))
    return value


def control_body_code(value) -> str:
    """CC-TTT-NNN: ISO country, organic term (BIO, ORG, ECO...), number (FR-BIO-01, MA-BIO-154)."""
    value = value.strip().upper() if isinstance(value, str) else ""
    if not _CONTROL_BODY_CODE.match(value):
        raise FieldError(N_("A control body code looks like FR-BIO-01 (country, organic term, "
                            "number)."))
    return value


def folded(value: str) -> str:
    """Case-folded, accents removed, punctuation as spaces, spaces collapsed: for comparisons."""
    text = unicodedata.normalize("NFKD", value or "").casefold()
    text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def identifier_key(kind: str, value: str) -> str:
    """The key of the uniqueness item of one identifier."""
    return f"{kind}#{re.sub(r'[^A-Z0-9]', '', value.upper())}"


def search_text(fields: dict) -> str:
    """What free-text search looks in: name, identifiers and codes, folded."""
    parts = [fields.get("name") or "", fields.get("code") or ""]
    parts += [i["value"] for i in fields.get("identifiers") or []]
    return folded(" ".join(parts))


def search_words(q) -> list[str]:
    return folded(q if isinstance(q, str) else "").split()[:5]


_NAME_NOISE = {"sa", "sas", "sarl", "sasu", "eurl", "gmbh", "ltd", "bv", "nv", "spa", "srl", "sl",
               "the", "le", "la", "les"}


def name_key(name: str) -> str:
    """A name reduced for the duplicate check: folded, legal forms and articles dropped."""
    return " ".join(w for w in folded(name).split() if w not in _NAME_NOISE)


def similar_names(a: str, b: str) -> bool:
    """Normalised names equal, or one containing the other (SPEC 2.1 duplicate warning)."""
    a, b = name_key(a), name_key(b)
    if not a or not b:
        return False
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} "


def place_key(country: str, city: str, name: str) -> str | None:
    """The duplicate check's key: country, city and the name's first significant word, so that
    the check reads the few look-alikes, not every operator of the city. Names that are alike
    (equal, or one the other's beginning) share it; None for a name with no significant word."""
    words = name_key(name).split()
    return f"{country}#{folded(city)}#{words[0]}" if words else None


def _choices(value, allowed, form: FieldCollector, name: str) -> set:
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        form.fail(name, N_("This value is not valid."))
        return set()
    unknown = [v for v in value if v not in allowed]
    if unknown:
        form.fail(name, N_("This value is not one of the choices."))
    return {v for v in value if v in allowed}


def _contacts(value, form: FieldCollector, required: bool = True) -> dict:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        form.fail("contacts", N_("This value is not valid."))
        return {}
    for unknown in sorted(set(value) - set(CONTACTS)):
        form.fail(f"contacts.{unknown}", N_("This field is not expected."))
    checks = {
        "phone": normalise.phone, "fax": normalise.phone,
        "email": lambda v: "" if v is None or (isinstance(v, str) and not v.strip()) else normalise.email(v),
        "web_site": _web_site,
    }
    found = {name: form.check(f"contacts.{name}", checks[name], value.get(name)) for name in CONTACTS}
    found = {name: v for name, v in found.items() if v}
    if required and not found and not any(k.startswith("contacts.") for k in form.errors):
        form.fail("contacts", N_("Give at least one contact: phone, fax, e-mail or web site."))
    return found


def _web_site(value) -> str:
    value = normalise.text(value, required=False, max_length=200)
    if value and not _WEB_SITE.match(value):
        raise FieldError(N_("This web address is not valid."))
    return value


def _identifiers(value, form: FieldCollector) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 10:
        form.fail("identifiers", N_("This value is not valid."))
        return []
    found, keys = [], set()
    for n, item in enumerate(value):
        name = f"identifiers.{n}"
        if not isinstance(item, dict) or set(item) != {"type", "value"}:
            form.fail(name, N_("An identifier has a type and a value."))
            continue
        if item["type"] not in IDENTIFIER_TYPES:
            form.fail(f"{name}.type", N_("This value is not one of the choices."))
            continue
        check = eori if item["type"] == EORI else (
            lambda v: normalise.text(v, required=True, max_length=50))
        checked = form.check(f"{name}.value", check, item["value"])
        if not checked:
            continue
        key = identifier_key(item["type"], checked)
        if key in keys:
            form.fail(f"{name}.value", N_("This identifier is given twice."))
            continue
        keys.add(key)
        found.append({"type": item["type"], "value": checked})
    return found


def _coordinates(value, form: FieldCollector):
    if value is None:
        return None
    ok = (isinstance(value, dict) and set(value) == {"latitude", "longitude"}
          and all(isinstance(value[k], (int, float)) and not isinstance(value[k], bool) for k in value))
    if not ok or not -90 <= value["latitude"] <= 90 or not -180 <= value["longitude"] <= 180:
        form.fail("coordinates", N_("Give a latitude (-90 to 90) and a longitude (-180 to 180)."))
        return None
    return {"latitude": str(value["latitude"]), "longitude": str(value["longitude"])}


def _date(value):
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise FieldError(N_("Give a date as YYYY-MM-DD.")) from None


# What the admin command may leave out (SPEC 9: it is given no address nor contact, and a city and
# postal code only optionally), as the reference organisations do.
MAY_BE_UNKNOWN = frozenset({"city", "postal_code", "address", "contacts"})


def check(kind: str, data: dict, ref: Reference, unknown: frozenset = frozenset()) -> dict:
    """Every rule of SPEC 2.1 on the complete set of an organisation's fields; all problems at once
    (Invalid). Returns the normalised fields (absent optional ones as None). The fields named in
    `unknown` (some of MAY_BE_UNKNOWN) may be absent; a value given for them is checked."""
    form = FieldCollector()

    def missing(name: str) -> bool:
        return name in unknown and data.get(name) in (None, "", {}, [])

    out = {}
    out["name"] = form.check("name", normalise.text, data.get("name"), required=True, max_length=200)
    country = data.get("country")
    country = country.strip().upper() if isinstance(country, str) else None
    if country not in ref.countries:
        form.fail("country", N_("Choose a country from the list."))
    out["country"] = country
    out["region"] = form.check("region", normalise.text, data.get("region"), required=False,
                               max_length=100) or None
    out["city"] = None if missing("city") else form.check(
        "city", normalise.text, data.get("city"), required=True, max_length=100)
    out["postal_code"] = None if missing("postal_code") else form.check(
        "postal_code", normalise.postal_code, data.get("postal_code"))
    if country == "FR" and out["postal_code"] and not jurisdiction.departement(out["postal_code"]):
        form.fail("postal_code", N_("A French postal code has five digits."))
    out["address"] = None if missing("address") else form.check(
        "address", normalise.text, data.get("address"), required=True, max_length=300)
    out["coordinates"] = _coordinates(data.get("coordinates"), form)
    out["contacts"] = _contacts(data.get("contacts"), form, required=not missing("contacts"))
    out["identifiers"] = _identifiers(data.get("identifiers"), form)
    activities = _choices(data.get("activities"), ref.activities, form, "activities")
    sections = _choices(data.get("sections"), ref.sections, form, "sections")
    sections |= {ref.activities[a] for a in activities}  # an activity belongs to its section
    out["activities"], out["sections"] = activities or None, sections or None
    out["valid_from"] = form.check("valid_from", _date, data.get("valid_from"))
    out["valid_to"] = form.check("valid_to", _date, data.get("valid_to"))
    if out["valid_from"] and out["valid_to"] and out["valid_to"] < out["valid_from"]:
        form.fail("valid_to", N_("The end of validity comes before its start."))
    if kind == OPERATOR:
        _operator(data, out, activities, ref, form)
    elif kind == CONTROL_BODY:
        _control_body(data, out, ref, form)
    elif kind == AUTHORITY:
        _authority(data, out, ref, form)
    form.raise_if_any()
    return out


def is_organic(activities) -> bool:
    return any(a.startswith(f"{ORGANIC}_") for a in activities or ())


def _operator(data, out, activities, ref: Reference, form: FieldCollector):
    if ORGANIC_IMPORTER in activities and not any(i["type"] == EORI for i in out["identifiers"]):
        form.fail("identifiers", N_("An organic importer needs its EORI number."))
    control_body = data.get("control_body_id")
    if control_body in (None, ""):
        if is_organic(activities):
            form.fail("control_body_id", N_("An organic operator names the control body that "
                                            "certifies it."))
        out["control_body_id"] = None
        return
    if not isinstance(control_body, str) or control_body not in ref.control_bodies:
        form.fail("control_body_id", N_("This control body is not in the directory."))
    elif out["country"] and ref.control_bodies[control_body] and \
            out["country"] not in ref.control_bodies[control_body]:
        form.fail("control_body_id", N_("This control body does not certify in this country."))
    out["control_body_id"] = control_body


def _control_body(data, out, ref: Reference, form: FieldCollector):
    code = form.check("code", control_body_code, data.get("code"))
    if code and out["country"] and not code.startswith(f"{out['country']}-"):
        form.fail("code", N_("The code starts with the country of the control body."))
    out["code"] = code
    countries = _choices(data.get("certifies_in"), ref.countries, form, "certifies_in")
    if not countries and "certifies_in" not in form.errors:
        form.fail("certifies_in", N_("Give the countries it certifies in."))
    out["certifies_in"] = countries or None


def _authority(data, out, ref: Reference, form: FieldCollector):
    out["code"] = form.check("code", normalise.text, data.get("code"), required=True, max_length=40)
    role = data.get("role")
    if role not in AUTHORITY_ROLES:
        form.fail("role", N_("This value is not one of the choices."))
    out["role"] = role
    out["competence"] = _choices(data.get("competence"), ref.sections, form, "competence") or None
    regions = data.get("jurisdiction_regions")
    if regions is not None and (not isinstance(regions, list) or len(regions) > 200 or not all(
            isinstance(r, str) and 0 < len(r.strip()) <= 100 for r in regions)):
        form.fail("jurisdiction_regions", N_("This value is not valid."))
        regions = None
    out["jurisdiction_regions"] = {r.strip() for r in regions} if regions else None


@dataclass(frozen=True)
class Place:
    """What decides who validates an organisation's roles."""

    kind: str
    country: str
    postal_code: str = ""
    activities: frozenset = frozenset()
    sections: frozenset = frozenset()
    control_body_id: str | None = None


INAO = "FR-INAO"


def competent_validator(place: Place, departements: dict, authorities) -> str:
    """The organisation (authority or control body) that validates roles in `place` when it has no
    administrator (SPEC 2.2): for an operator in France, INAO if organic, else the DD(CS)PP of its
    département; elsewhere in the EU the central competent authority; outside the EU its control
    body; for a control body or an authority, the system administration."""
    if place.kind != OPERATOR:
        return jurisdiction.SYSTEM_ADMINISTRATION
    organic = is_organic(place.activities) or ORGANIC in (place.sections or ())
    if place.country == "FR":
        return INAO if organic else jurisdiction.competent_authority(
            "FR", place.postal_code or "", departements, authorities)
    if place.country in EU_MEMBER_STATES:
        return jurisdiction.competent_authority(place.country, place.postal_code or "",
                                                departements, authorities)
    return place.control_body_id or jurisdiction.SYSTEM_ADMINISTRATION


def validator_of_request(organisation_id: str, administrator_count: int, competent: str) -> str:
    """Whose list a new request lands in: the organisation's administrators if it has any, else
    its competent validator."""
    if administrator_count and administrator_count > 0:
        return ADMINISTRATORS.format(organisation_id=organisation_id)
    return competent
