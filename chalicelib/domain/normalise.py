"""Normalisation of what people type: e-mails, secret answers, names, phone numbers."""
import re
import unicodedata

from .errors import N_

MAX_EMAIL = 254
MAX_LOCAL_PART = 64       # RFC 5321 4.5.3.1.1
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-/]*$")


class FieldError(ValueError):
    """One field's problem; the message is an untranslated msgid."""


def email(value: str) -> str:
    """Trimmed, domain lower-cased and IDNA-encoded (SPEC 1.1); at most 64 characters before the
    @ and 254 in all. The local part keeps its case."""
    if value is not None and not isinstance(value, str):
        raise FieldError(N_("This e-mail address is not valid."))
    value = (value or "").strip()
    if not value:
        raise FieldError(N_("This field is required."))
    if len(value) > MAX_EMAIL or _CONTROL.search(value):
        raise FieldError(N_("This e-mail address is not valid."))
    # Imported on first use: it is a large share of a Lambda cold start otherwise.
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise FieldError(N_("This e-mail address is not valid.")) from None
    normalised = checked.ascii_email or f"{checked.local_part}@{checked.ascii_domain}"
    if len(normalised) > MAX_EMAIL or len(checked.local_part) > MAX_LOCAL_PART:
        raise FieldError(N_("This e-mail address is not valid."))
    return normalised


def email_key(normalised_email: str) -> str:
    """What identifies an account: the normalised address compared case-insensitively as a whole
    (SPEC 1.1: `Alice@x.fr` and `alice@x.fr` are one account). The address itself is kept as
    typed for display and for sending."""
    return normalised_email.casefold()


def local_part(normalised_email: str) -> str:
    return normalised_email.rsplit("@", 1)[0]


def secret_answer(value: str) -> str:
    """NFKC, case-folded, accents removed, spaces collapsed: the person need not remember the
    exact capitalisation or accents they typed."""
    text = unicodedata.normalize("NFKC", value or "").casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.split())


def text(value, *, required: bool, max_length: int, min_length: int = 1) -> str:
    """A single-line text: trimmed, no control characters (they could reach e-mail headers)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(N_("This value is not valid."))
    value = unicodedata.normalize("NFC", value.strip())
    if not value:
        if required:
            raise FieldError(N_("This field is required."))
        return ""
    if _CONTROL.search(value):
        raise FieldError(N_("Control characters are not allowed."))
    if len(value) < min_length:
        raise FieldError(N_("This value is too short."))
    if len(value) > max_length:
        raise FieldError(N_("This value is too long."))
    return value


def multiline(value, *, max_length: int) -> str:
    """Free text where line breaks are allowed (additional information, reasons)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(N_("This value is not valid."))
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").strip())
    if re.search(r"[\x00-\x09\x0b-\x1f\x7f]", value):
        raise FieldError(N_("Control characters are not allowed."))
    if len(value) > max_length:
        raise FieldError(N_("This value is too long."))
    return value


def phone(value) -> str:
    """Optional; an international-looking number: digits with + ( ) . - / and spaces, 6 to 15
    digits (E.164 allows at most 15)."""
    value = text(value, required=False, max_length=30)
    if not value:
        return ""
    digits = sum(c.isdigit() for c in value)
    if not _PHONE.match(value) or not 6 <= digits <= 15:
        raise FieldError(N_("Enter a phone number such as +33 1 23 45 67 89."))
    return value


def postal_code(value) -> str:
    value = text(value, required=True, max_length=12)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 \-]*", value):
        raise FieldError(N_("This postal code is not valid."))
    return value.upper()
