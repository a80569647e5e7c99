"""Password policy (SPEC 1.1, seed 001): at least 10 characters with an upper-case letter, a digit
and a special character; at most 128; not containing the e-mail's local part; not a well-known
password. Unicode is allowed and NFKC-normalised before hashing."""
import unicodedata
from functools import lru_cache
from pathlib import Path

from .errors import N_

MIN_LENGTH, MAX_LENGTH = 10, 128
# A local part shorter than this would forbid ordinary passwords ("a@x.eu" would ban every "a").
MIN_LOCAL_PART = 3


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    lines = (Path(__file__).with_name("common_passwords.txt")).read_text("utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def violations(password: str, email: str = "") -> list[str]:
    """Every rule the password breaks, as untranslated messages (empty list: acceptable)."""
    p = normalise(password or "")
    found = []
    if len(p) < MIN_LENGTH:
        found.append(N_("The password must have at least 10 characters."))
    if len(p) > MAX_LENGTH:
        found.append(N_("The password must have at most 128 characters."))
    if not any(c.isupper() for c in p):
        found.append(N_("The password must contain an upper-case letter."))
    if not any(c.isdigit() for c in p):
        found.append(N_("The password must contain a digit."))
    if not any(not c.isalnum() for c in p):
        found.append(N_("The password must contain a special character."))
    local = email.rsplit("@", 1)[0].casefold() if email else ""
    if len(local) >= MIN_LOCAL_PART and local in p.casefold():
        found.append(N_("The password must not contain your e-mail address."))
    if p.casefold() in _common():
        found.append(N_("This password is too well known; choose another one."))
    return found
