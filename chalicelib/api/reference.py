"""Public reference lists and the anti-automation challenge."""
from chalice import Blueprint

from .. import reference
from ..services import captcha
from ..domain.errors import Invalid, N_
from .http import language, now, query, route

bp = Blueprint(__name__)


@route(bp, "/reference/secret-questions")
def secret_questions():
    return reference.secret_questions(language(bp.current_request))


@route(bp, "/reference/countries")
def countries():
    return reference.countries(language(bp.current_request))


@route(bp, "/reference/time-zones")
def time_zones():
    return sorted(reference.time_zones())


@route(bp, "/reference/sections")
def sections():
    return reference.sections(language(bp.current_request))


@route(bp, "/reference/activities")
def activities():
    return reference.activities(language(bp.current_request))


@route(bp, "/reference/control-bodies")
def control_bodies():
    """Organic control bodies; ?certifies_in=XX keeps those that certify in country XX."""
    params = query(bp.current_request, "certifies_in")
    country = (params.get("certifies_in") or "").upper() or None
    if country and country not in reference.country_codes():
        raise Invalid({"certifies_in": N_("Choose a country from the list.")})
    return reference.control_bodies(country)


@route(bp, "/captcha")
def new_captcha():
    return captcha.challenge(now())
