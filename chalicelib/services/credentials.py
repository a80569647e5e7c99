"""Secrets: argon2id hashes for passwords and secret answers, random tokens stored by hash, and
temporary passwords (`TR` + 12 digits)."""
import hashlib
import hmac
import secrets
from functools import lru_cache


from ..config import settings
from ..domain import normalise, passwords

TEMPORARY_DIGITS = 12


def _hasher():
    """The hasher of the current stage's profile."""
    return _hasher_of(settings.password_hash_profile)


@lru_cache(maxsize=3)
def _hasher_of(profile_name: str):
    import dataclasses

    from argon2 import PasswordHasher, profiles  # on first use: keeps the cold start small

    # RFC 9106's low-memory recommendation (argon2id, t=3, 64 MiB) with 4 lanes, or with one lane
    # ("_p1") where the hash runs on less than one vCPU (the API Lambda at 1024 MB): the same
    # memory and passes, so the same cost to an attacker, without four threads sharing a
    # fraction of a core. The test stage uses argon2's cheapest profile so the suite stays fast.
    # A stored hash carries its own parameters: changing the profile never breaks a login.
    choices = {"cheapest": profiles.CHEAPEST, "rfc9106_low_memory": profiles.RFC_9106_LOW_MEMORY,
               "rfc9106_low_memory_p1": dataclasses.replace(profiles.RFC_9106_LOW_MEMORY, parallelism=1)}
    return PasswordHasher.from_parameters(choices[profile_name])


def hash_password(password: str) -> str:
    return _hasher().hash(passwords.normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash: unknown users cost the same as known ones."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored_hash or _dummy_hash(), passwords.normalise(password or "")) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    return _dummy_hash_of(settings.password_hash_profile)


@lru_cache(maxsize=2)
def _dummy_hash_of(profile_name: str) -> str:
    return _hasher_of(profile_name).hash(secrets.token_urlsafe(16))


def hash_answer(answer: str) -> str:
    return _hasher().hash(normalise.secret_answer(answer))


def verify_answer(stored_hash: str, answer: str) -> bool:
    return verify_password(stored_hash, normalise.secret_answer(answer or ""))


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def temporary_password() -> str:
    return "TR" + "".join(secrets.choice("0123456789") for _ in range(TEMPORARY_DIGITS))


def is_temporary_password(password: str | None) -> bool:
    """Shaped as a temporary password: `TR` + 12 digits, which no chosen password can be (the
    policy asks for a special character)."""
    typed = passwords.normalise(password or "")
    return len(typed) == 2 + TEMPORARY_DIGITS and typed.startswith("TR") and typed[2:].isdecimal()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
