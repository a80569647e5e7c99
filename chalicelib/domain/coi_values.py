"""One value of a box of the COI (SPEC 3.1, seed 003 §3.1): the rule of each kind of field of the
box table (coi_table.py), and weights as thousandths for exact sums. Plain Python."""
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from . import iso6346, normalise
from .coi_table import (BOOLEAN, CHOICE, CN_CODE, CONTAINER, COUNT, COUNTRIES, COUNTRY, DATE,
                        MAX_PACKAGES, MEMBER_STATE, ORGANISATION, TEXT, WEIGHT, Field)
from .errors import N_
from .normalise import FieldError
from .organisations import EU_MEMBER_STATES
from .vocabulary import MAX_ORIGINS

MAX_WEIGHT = Decimal("1000000000")            # a billion of a unit: more is a typing error
_CN = re.compile(r"^\d{8}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ORG_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_CONTAINER = re.compile(r"^[A-Z]{4}\d{7}$")
_WEIGHT = re.compile(r"^\d{1,10}(\.\d{1,3})?$")

# --- one value ------------------------------------------------------------------------------

def organisation_id(value):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _ORG_ID.match(value):
        raise FieldError(N_("Choose an organisation from the directory."))
    return value


def country(value, countries: frozenset):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _COUNTRY.match(value.upper()) or \
            value.upper() not in countries:
        raise FieldError(N_("Choose a country from the list."))
    return value.upper()


def member_state(value, countries: frozenset):
    found = country(value, countries)
    if found and found not in EU_MEMBER_STATES:
        raise FieldError(N_("Choose a member state of the European Union."))
    return found


def cn_code(value):
    """Eight digits, spaces allowed on input; kept as "dddd dd dd"."""
    if value in (None, ""):
        return None
    digits = value.replace(" ", "") if isinstance(value, str) else ""
    if not _CN.match(digits):
        raise FieldError(N_("A CN code has 8 digits, such as 0804 10 00."))
    return f"{digits[:4]} {digits[4:6]} {digits[6:]}"


def weight(value):
    """A decimal string with at most 3 decimals (never a float), kept with exactly 3."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _WEIGHT.match(value.strip()):
        raise FieldError(N_("Give a weight such as 2400.5 (at most 3 decimals)."))
    amount = Decimal(value.strip())
    if amount <= 0 or amount >= MAX_WEIGHT:
        raise FieldError(N_("Give a weight such as 2400.5 (at most 3 decimals)."))
    return f"{amount:.3f}"


def count(value):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_PACKAGES:
        raise FieldError(N_("Give a whole number of packages."))
    return value


def choice(value, choices):
    if value in (None, ""):
        return None
    if value not in choices:
        raise FieldError(N_("This value is not one of the choices."))
    return value


def text(max_length: int):
    return lambda value: normalise.text(value, required=False, max_length=max_length) or None


def iso_date(value):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) and \
            len(value) == 10 else _bad_date()
    except ValueError:
        return _bad_date()


def _bad_date():
    raise FieldError(N_("Give a date as YYYY-MM-DD."))


def container(value):
    """ISO 6346: owner code (3 letters), category (U, J or Z), 6 digits, check digit."""
    value = text(20)(value)
    if value is None:
        return None
    value = value.replace(" ", "").upper()
    if not _CONTAINER.match(value):
        raise FieldError(N_("A container number is 4 letters and 7 digits, such as MSKU1234565."))
    if not _check_digit_ok(value):
        raise FieldError(N_("The last digit of this container number (its check digit) is wrong: "
                            "check the number on the container."))
    return value


def _check_digit_ok(code: str) -> bool:
    return iso6346.check_character(code[:10]) == code[10]


def boolean(value):
    if not isinstance(value, bool):
        raise FieldError(N_("This value is not valid."))
    return value


def origins(value, countries: frozenset):
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_ORIGINS:
        raise FieldError(N_("Choose countries from the list."))
    found = []
    for item in value:
        code = country(item, countries)
        if code and code not in found:
            found.append(code)
    return found


# kind -> its rule, made from the field (its size, its choices) and the countries known
_RULES = {
    ORGANISATION: lambda field, countries: organisation_id,
    TEXT: lambda field, countries: text(field.size),
    COUNTRY: lambda field, countries: partial(country, countries=countries),
    COUNTRIES: lambda field, countries: partial(origins, countries=countries),
    MEMBER_STATE: lambda field, countries: partial(member_state, countries=countries),
    BOOLEAN: lambda field, countries: boolean,
    WEIGHT: lambda field, countries: weight,
    COUNT: lambda field, countries: count,
    CHOICE: lambda field, countries: partial(choice, choices=field.choices),
    CN_CODE: lambda field, countries: cn_code,
    CONTAINER: lambda field, countries: container,
    DATE: lambda field, countries: iso_date,
}


def rule(field: Field, countries: frozenset):
    """The check of one value of `field`: the value normalised, or FieldError."""
    return _RULES[field.kind](field, countries)


# --- quantities of extracts -----------------------------------------------------------------

def milli(value: str | None) -> int:
    """A weight as an integer number of thousandths, for exact sums and conditional writes."""
    try:
        return int(Decimal(value or "0") * 1000)
    except InvalidOperation:
        return 0


def from_milli(value: int) -> str:
    return f"{Decimal(value) / 1000:.3f}"

