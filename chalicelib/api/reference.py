"""Public reference lists and the anti-automation challenge."""
from chalice import Blueprint

from .. import reference
from ..services import captcha
from .http import language, now, route

bp = Blueprint(__name__)


@route(bp, "/reference/secret-questions")
def secret_questions():
    return reference.secret_questions(language(bp.current_request))


@route(bp, "/reference/countries")
def countries():
    return reference.countries(language(bp.current_request))


@route(bp, "/captcha")
def new_captcha():
    return captcha.challenge(now())
