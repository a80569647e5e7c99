"""The COI's PDF and the public verification of a number (no login, nothing about persons)."""
from datetime import datetime, timedelta


from ...config import settings
from ...domain import coi as rules
from ...domain import languages
from ...domain.errors import N_, NotFound, TooManyRequests
from ...store import cois as store
from ...store.cois import Coi
from ..sessions import Current
from .access import load
from .views import view


PUBLIC_PER_MINUTE = 30        # public verifications per client and minute (SPEC 3.1: 429 past it)


def verify_url(number: str, language: str) -> str:
    from urllib.parse import quote

    return f"{settings.site_url}/{language}/verify.html?number={quote(number)}"


def pdf(current: Current, coi: Coi | None, language: str, lang: str | None = None) -> bytes:
    """The COI's PDF in an official language of the member state of box 9 (`lang` where it has
    several; before box 9 is filled, `lang` or the caller's `language`: SPEC 3.2); its link to
    the verification page in the caller's language (the site's). Sealed once issued; a COI
    never issued prints unsealed, marked as a draft without legal value."""
    from ...documents import coi_pdf

    access = load(current, coi)
    shown = view(access.coi, access.allowed)
    member_state = ((coi.boxes or {}).get("box9") or {}).get("member_state")
    written_in = languages.document_language(member_state, lang, language)
    url = verify_url(coi.number, language) if coi.number else settings.site_url
    document = coi_pdf.render(shown, coi.names or {}, written_in, url)
    if coi.issued_at is None:
        return document
    from ...documents import seal

    return seal.seal(document, coi.number, coi.status, coi.version)


def allow_public(client: str, now: datetime) -> None:
    """At most PUBLIC_PER_MINUTE public verifications (by number or of a PDF) per client and
    minute: 429 past it."""
    window = now.strftime("%Y%m%d%H%M")
    if not store.count_request(f"public#{client}#{window}", now + timedelta(minutes=2),
                               PUBLIC_PER_MINUTE):
        raise TooManyRequests(N_("Too many requests; wait a minute and try again."))


def public(number: str, client: str, now: datetime) -> dict:
    """GET /api/public/cois/{number}: the status and a summary, nothing about persons."""
    allow_public(client, now)
    number = (number or "").strip().upper()
    coi = store.by_number(number) if rules.is_number(number) else None
    if coi is None or coi.status == rules.DRAFT:
        raise NotFound(N_("There is no certificate with this number."))
    names = coi.names or {}
    issuer = (coi.boxes.get("box1") or {}).get("issuer")
    return {"number": coi.number, "status": coi.status,
            "issued_at": coi.issued_at.isoformat() if coi.issued_at else None,
            "issuer": {"name": (names.get(issuer) or {}).get("name"),
                       "code": (names.get(issuer) or {}).get("code")} if issuer else None,
            "country_of_export": (coi.boxes.get("box8") or {}).get("country_of_export"),
            "member_state": (coi.boxes.get("box9") or {}).get("member_state"),
            "products": [{"cn_code": line.get("cn_code"), "net_weight": line.get("net_weight"),
                          "unit": line.get("unit")} for line in coi.boxes.get("box13") or []]}
