"""The anti-automation code (SPEC 1.1): six digits shown as a distorted image, with a spoken
version for people who cannot see it (both from the `captcha` library, no outside service).
Each challenge is single-use and expires after ten minutes."""
import base64
import hashlib
import secrets
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError

from ..config import settings
from ..domain.errors import Invalid, N_
from ..store import faults
from ..store.tokens import CAPTCHA, Token
from . import credentials

LIFETIME = timedelta(minutes=10)
DIGITS = 6


def _answer_hash(answer: str) -> str:
    return hashlib.sha256("".join(answer.split()).encode("utf-8")).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


def challenge(now: datetime) -> dict:
    from captcha.audio import AudioCaptcha
    from captcha.image import ImageCaptcha

    code = new_code()
    challenge_id = credentials.new_token()
    Token(credentials.token_hash(challenge_id), kind=CAPTCHA, answer_hash=_answer_hash(code),
          test_code=code if settings.captcha_test_hook else None,
          expires_at=now + LIFETIME, ttl=now + LIFETIME).save()
    image = ImageCaptcha(width=240, height=80).generate(code).getvalue()
    audio = bytes(AudioCaptcha().generate(code))
    return {"captcha_id": challenge_id,
            "image": "data:image/png;base64," + base64.b64encode(image).decode("ascii"),
            "audio": "data:audio/wav;base64," + base64.b64encode(audio).decode("ascii")}


def check(challenge_id, answer, now: datetime) -> None:
    """Consumes the challenge: right or wrong, it cannot be tried twice."""
    wrong = Invalid({"captcha_answer": N_("The code is not correct; type the new code.")})
    if not isinstance(challenge_id, str) or not isinstance(answer, str) or len(challenge_id) > 100:
        raise wrong
    item = Token(credentials.token_hash(challenge_id))
    try:
        item.delete(condition=(Token.kind == CAPTCHA) & (Token.answer_hash == _answer_hash(answer[:20]))
                    & (Token.expires_at > now))
    except DeleteError as error:
        faults.only_condition(error)
        item.delete()
        raise wrong from None
