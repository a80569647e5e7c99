"""Reference data shipped as JSON files in data/ (each names its source), read once on demand."""
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@lru_cache(maxsize=None)
def items(name: str) -> list[dict]:
    return json.loads((DATA / f"{name}.json").read_text("utf-8"))["items"]


def secret_questions(language: str) -> list[dict]:
    return [{"id": q["id"], "text": q.get(language) or q["fr"]} for q in items("secret_questions")]


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """IANA time zones (the tzdata package, so that every platform has the same list)."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def sections(language: str) -> list[dict]:
    return [{"id": s["id"], "name": s.get(language) or s["fr"]} for s in items("sections")]


def activities(language: str) -> list[dict]:
    return [{"id": a["id"], "name": a.get(language) or a["fr"], "section": a["section"]}
            for a in items("activities")]


def control_bodies(certifies_in: str | None = None) -> list[dict]:
    """The organic control bodies (their code is their organisation id), optionally only those
    that certify in one country."""
    return [{"id": c["code"], "code": c["code"], "name": c["name"], "country": c["country"],
             "certifies_in": sorted(c.get("certifies_in") or [])}
            for c in items("control_bodies")
            if certifies_in is None or certifies_in in (c.get("certifies_in") or [])]


@lru_cache(maxsize=1)
def secret_question_ids() -> frozenset[int]:
    return frozenset(q["id"] for q in items("secret_questions"))


@lru_cache(maxsize=1)
def departement_authorities() -> dict[str, str]:
    """Département code -> code of its DD(CS)PP."""
    return {d["code"]: d["authority"]["code"] for d in items("departements")}


@lru_cache(maxsize=1)
def authority_codes() -> frozenset[str]:
    return frozenset(departement_authorities().values()) | {a["code"] for a in items("authorities")}


@lru_cache(maxsize=2)
def collation_key(name: str) -> tuple[str, str]:
    """Sorts names as a dictionary of French or English does (the Unicode collation of these
    languages): letters first, whatever their accents and case (Égypte before Espagne), then the
    accents. The site's pages agree with the browser's Intl.Collator (tests/browser)."""
    decomposed = unicodedata.normalize("NFD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold(), decomposed


def countries(language: str = "en") -> list[dict]:
    """ISO 3166-1 countries named in `language`, sorted by name in that language
    (data/countries.json, extracted from pycountry by dev/countries.py)."""
    return sorted(({"code": code, "name": name} for code, name in country_names(language).items()),
                  key=lambda c: collation_key(c["name"]))


@lru_cache(maxsize=32)
def country_names(language: str) -> dict[str, str]:
    """Code -> name in `language` (English where the data has no translation), for a look-up."""
    return {c["code"]: c.get(language) or c["en"] for c in items("countries")}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c["code"] for c in countries("en"))


def organisations() -> list[dict]:
    """Every reference organisation as the fields of an organisation record: the DD(CS)PP of each
    département, the other authorities, the customs of each member state and the organic control
    bodies."""
    found = []
    for d in items("departements"):
        a = d["authority"]
        found.append({"id": a["code"], "code": a["code"], "kind": "authority", "name": a["name"],
                      "country": "FR", "region": d["code"], "city": a.get("city"), "role": "DDPP",
                      "competence": {"veterinary", "food"}})
    for a in items("authorities"):
        found.append({"id": a["code"], "code": a["code"], "kind": "authority", "name": a["name"],
                      "country": a["country"], "city": a.get("city"), "role": a["role"],
                      "competence": set(a.get("competence") or []) or None})
    for c in items("customs"):
        code = f"{c['country']}-CUSTOMS"
        found.append({"id": code, "code": code, "kind": "customs", "name": c["name"],
                      "country": c["country"], "city": c.get("city")})
    for c in items("control_bodies"):
        found.append({"id": c["code"], "code": c["code"], "kind": "control_body", "name": c["name"],
                      "country": c["country"], "certifies_in": set(c.get("certifies_in") or []) or None,
                      "activities": None, "sections": {"organic"}})
    return found


@lru_cache(maxsize=1)
def organisation_rules():
    """The reference data the organisation rules need (domain.organisations.Reference)."""
    from ..domain.organisations import Reference

    return Reference(
        countries=country_codes(),
        sections=frozenset(s["id"] for s in items("sections")),
        activities={a["id"]: a["section"] for a in items("activities")},
        control_bodies={c["code"]: frozenset(c.get("certifies_in") or []) for c in items("control_bodies")})


def control_body_procedure(code: str | None) -> str | None:
    """`compliance` or `equivalence` where the reference data says how a control body is
    recognised (box 2 of the COI), else None."""
    return next((c.get("procedure") for c in items("control_bodies") if c["code"] == code), None)


def cn_digits(code) -> str | None:
    """A CN code as its 8 digits (spaces allowed on input: "0804 10 00", "08041000"); None when
    it is not 8 digits."""
    if not isinstance(code, str):
        return None
    digits = "".join(code.split())
    return digits if len(digits) == 8 and digits.isascii() and digits.isdigit() else None


@lru_cache(maxsize=1)
def _commodity_index() -> tuple[dict, list]:
    """CN codes by their digits, and (digits, folded French name, folded English name, item) in
    code order for the search."""
    from ..domain.organisations import folded

    by_digits, searchable = {}, []
    for item in items("cn_codes"):
        digits = cn_digits(item["code"])
        by_digits[digits] = item
        searchable.append((digits, folded(item["fr"]), folded(item["en"]), item))
    return by_digits, searchable


def cn_code(code) -> dict | None:
    """The CN code of the reference list, as {"code": "0804 10 00", "fr", "en"}; None if unknown
    or not 8 digits."""
    digits = cn_digits(code)
    found = _commodity_index()[0].get(digits) if digits else None
    return dict(found) if found else None


def commodities(q: str, language: str, limit: int = 50) -> list[dict]:
    """CN codes (SPEC 3: "products picked by name or CN code") in code order, named in
    `language`: those whose code starts with the digits of `q` (spaces ignored: "080410" and
    "0804 10" find "0804 10 00"), or whose French or English name holds every word of `q` (case
    and accents ignored: "dattes", "DATES", "cafe vert"). A blank `q` lists them all."""
    from ..domain.organisations import folded

    text = q if isinstance(q, str) else ""
    compact = "".join(text.split())
    words = folded(text).split()[:8]
    found = []
    for digits, french, english, item in _commodity_index()[1]:
        if len(found) >= max(0, limit):
            break
        if compact.isdigit() and compact.isascii():
            matches = digits.startswith(compact)
        else:
            matches = all(w in french for w in words) or all(w in english for w in words)
        if matches:
            found.append({"code": item["code"], "name": item.get(language) or item["fr"]})
    return found


@lru_cache(maxsize=1)
def equivalent_countries() -> frozenset[str]:
    """Third countries whose organic rules the EU recognises as equivalent (box 2 of the COI)."""
    return frozenset(items("equivalent_countries"))
