"""WebAuthn (passkeys and security keys, SPEC 1.9) through py_webauthn: the options a browser
needs, and the verification of what it answers. Imported on first use (it brings cryptography):
a login without a passkey never loads it."""
import json
from dataclasses import dataclass

from ..config import settings
from ..domain import second_factor as rules
from ..domain.errors import InvalidCredentials

RP_NAME = "TRACES"
TIMEOUT_MS = 120_000


def _party() -> tuple[str, str]:
    return rules.relying_party(settings.site_url)


def _descriptors(credential_ids):
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(ident)) for ident in credential_ids]


def _json(options) -> dict:
    from webauthn import options_to_json

    return json.loads(options_to_json(options))


def registration_options(account_id: str, email: str, display_name: str, known: list[str]) -> tuple[dict, str]:
    """(the options for navigator.credentials.create, the challenge to keep): a discoverable
    credential where the authenticator can keep one, user verification preferred, none of the
    person's known credentials again."""
    from webauthn import generate_registration_options
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.structs import (AuthenticatorSelectionCriteria, ResidentKeyRequirement,
                                          UserVerificationRequirement)

    rp_id, _ = _party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name=RP_NAME, user_id=bytes.fromhex(account_id), user_name=email,
        user_display_name=display_name, timeout=TIMEOUT_MS, exclude_credentials=_descriptors(known),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED))
    return _json(options), bytes_to_base64url(options.challenge)


def authentication_options(credential_ids: list[str]) -> tuple[dict, str]:
    """(the options for navigator.credentials.get, the challenge to keep); no credential ids: any
    passkey of this site (sign-in with a passkey alone)."""
    from webauthn import generate_authentication_options
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.structs import UserVerificationRequirement

    rp_id, _ = _party()
    options = generate_authentication_options(rp_id=rp_id, timeout=TIMEOUT_MS,
                                              allow_credentials=_descriptors(credential_ids),
                                              user_verification=UserVerificationRequirement.PREFERRED)
    return _json(options), bytes_to_base64url(options.challenge)


@dataclass(frozen=True)
class NewPasskey:
    credential_id: str      # base64url
    public_key: str         # base64url (COSE)
    sign_count: int


def _refused(error: Exception) -> InvalidCredentials:
    text = str(error)
    foreign = "origin" in text or "RP ID" in text
    return InvalidCredentials(rules.PASSKEY_FOREIGN if foreign else rules.PASSKEY_REFUSED,
                              code="passkey_wrong_site" if foreign else "passkey_refused")


def _errors():
    from webauthn.helpers.exceptions import WebAuthnException

    return (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


def verify_registration(credential: dict, challenge: str) -> NewPasskey:
    from webauthn import verify_registration_response
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

    rp_id, origin = _party()
    try:
        found = verify_registration_response(credential=credential, expected_challenge=base64url_to_bytes(challenge),
                                             expected_rp_id=rp_id, expected_origin=origin)
    except _errors() as error:
        raise _refused(error) from None
    return NewPasskey(bytes_to_base64url(found.credential_id), bytes_to_base64url(found.credential_public_key),
                      found.sign_count)


def credential_id(credential: dict) -> str:
    return str(credential.get("id") or "")


def user_handle(credential: dict) -> str | None:
    """The account id a discoverable credential names (its user handle), if any."""
    from webauthn.helpers import base64url_to_bytes

    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    try:
        return base64url_to_bytes(handle).hex() if isinstance(handle, str) and handle else None
    except ValueError:
        return None


def verify_assertion(credential: dict, challenge: str, stored: dict, user_verification: bool) -> int:
    """The new signature counter of a valid assertion by the stored passkey; refused if the
    signature, the site or the challenge is wrong, or if the counter went backwards."""
    from webauthn import verify_authentication_response
    from webauthn.helpers import base64url_to_bytes

    rp_id, origin = _party()
    try:
        # The counter is checked below (and in the write's condition), to say so.
        found = verify_authentication_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge), expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=base64url_to_bytes(stored["public_key"]),
            credential_current_sign_count=0, require_user_verification=user_verification)
    except _errors() as error:
        raise _refused(error) from None
    if not rules.passkey_counter_ok(int(stored.get("sign_count", 0)), found.new_sign_count):
        raise InvalidCredentials(rules.PASSKEY_COUNTER, code="passkey_counter_went_backwards")
    return found.new_sign_count
