"""Public reference lists and the anti-automation challenge."""
from chalice import Blueprint

from .. import reference
from ..domain.errors import Invalid, N_
from .http import language, lazy, now, query, route
from .schema import obj, string
from .shapes import TEXT, TEXTS, listing

bp = Blueprint(__name__)
captcha = lazy("chalicelib.services.captcha")

NAMED = listing({"type": "object", "required": ["id", "name"], "properties": {"id": TEXT, "name": TEXT}})


@route(bp, "/reference/secret-questions",
       returns=listing({"type": "object", "required": ["id", "text"],
                        "properties": {"id": {"type": "integer"}, "text": TEXT}}))
def secret_questions():
    """The secret questions, in the request's language."""
    return reference.secret_questions(language(bp.current_request))


@route(bp, "/reference/countries",
       returns=listing({"type": "object", "required": ["code", "name"], "properties": {"code": TEXT, "name": TEXT}}))
def countries():
    """ISO 3166-1 countries, named in the request's language."""
    return reference.countries(language(bp.current_request))


@route(bp, "/reference/time-zones", returns=TEXTS)
def time_zones():
    """IANA time zones."""
    return sorted(reference.time_zones())


@route(bp, "/reference/sections", returns=NAMED)
def sections():
    """Sections of activity (organic...)."""
    return reference.sections(language(bp.current_request))


@route(bp, "/reference/activities",
       returns=listing({"type": "object", "required": ["id", "name", "section"],
                        "properties": {"id": TEXT, "name": TEXT, "section": TEXT}}))
def activities():
    """Activities, each in its section."""
    return reference.activities(language(bp.current_request))


@route(bp, "/reference/control-bodies",
       query=obj({"certifies_in": string(2, description="ISO 3166-1 alpha-2 code")}),
       returns=listing({"type": "object", "required": ["id", "code", "name", "country"],
                        "properties": {"id": TEXT, "code": TEXT, "name": TEXT, "country": TEXT,
                                       "certifies_in": TEXTS}}))
def control_bodies():
    """Organic control bodies; ?certifies_in=XX keeps those that certify in country XX."""
    params = query(bp.current_request)
    country = (params.get("certifies_in") or "").upper() or None
    if country and country not in reference.country_codes():
        raise Invalid({"certifies_in": N_("Choose a country from the list.")})
    return reference.control_bodies(country)


@route(bp, "/captcha", returns={
        "type": "object", "required": ["captcha_id", "image", "audio"],
        "properties": {"captcha_id": TEXT, "image": {"type": "string", "description": "a data: URL (PNG)"},
                       "audio": {"type": "string", "description": "a data: URL (WAV)"}}})
def new_captcha():
    """A new anti-automation challenge: six digits as an image and as speech."""
    return captcha.challenge(now())
