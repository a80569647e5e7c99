"""Request and response schemas: one declaration per operation, used both to check what a
request sends and to describe it in /api/openapi.json (OpenAPI 3.1, whose schemas are JSON
Schema 2020-12).

A schema is a plain dict in JSON Schema's own words, written with the helpers below:

    NEW_ACCOUNT = obj({"email": string(254, format="email"), "language": choice("fr", "en")},
                      required=["email"])

and declared on the route (`route(bp, "/accounts", methods=["POST"], body=NEW_ACCOUNT)`).
`problems(schema, value)` checks the subset of JSON Schema the helpers write: type, properties,
required, additionalProperties, minLength, maxLength, pattern, enum, minimum, maximum, items,
maxItems, oneOf, anyOf, format. Its messages are the domain's msgids, translated at the edge: a
`format` names a check of the domain (FORMATS below), and its own message is the answer, so
that a field says what it said before it had a schema. It says what `jsonschema` says of every
schema the API declares (tests/unit/test_schema_checker.py), but for one deliberate difference: a
number written with a fraction, 1.0, is not an integer here (the domain counts with ints).

Why plain dicts and this small checker rather than a schema library: importing `app` is a Lambda
cold start, and the schemas of every route are built when it is imported. Importing pydantic
(about 110 ms) or jsonschema (about 190 ms) costs more than all of the project's own modules;
dicts cost nothing, are already the OpenAPI text, and the checks the API needs are a page of
code. The domain still checks every value itself (the schema
is the edge's first word, not the last).
"""
import re
from datetime import date

from ..domain.errors import N_

NOT_EXPECTED = N_("This field is not expected.")
REQUIRED = N_("This field is required.")
NOT_VALID = N_("This value is not valid.")
TOO_SHORT = N_("This value is too short.")
TOO_LONG = N_("This value is too long.")
NOT_A_CHOICE = N_("This value is not one of the choices.")
NOT_BLANK = r"\S"              # a pattern: some character other than a space
LONG_TEXT = 100_000        # the bound of the text formats' own checks (lengths are the schema's)


# --- helpers that write schemas ---------------------------------------------------------------

def _nullable(schema: dict, nullable: bool) -> dict:
    if nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:               # JSON Schema checks the enum of a null too
            schema["enum"].append(None)
    return schema


def or_null(schema: dict) -> dict:
    """`schema`, or null (in a PATCH, null clears a field)."""
    kinds = schema.get("type")
    if kinds is None or "null" in (kinds if isinstance(kinds, list) else [kinds]):
        return schema
    return {**schema, "type": [*(kinds if isinstance(kinds, list) else [kinds]), "null"]}


def string(max_length: int, *, min_length: int | None = None, format: str | None = None,  # noqa: A002 - JSON Schema's word
           pattern: str | None = None, nullable: bool = False, description: str | None = None) -> dict:
    """Text of at most `max_length` characters; with `min_length`, not blank either (the domain
    trims what people type)."""
    schema = {"type": "string", "maxLength": max_length}
    if min_length:
        schema["minLength"] = min_length
        pattern = pattern or NOT_BLANK
    if format:
        schema["format"] = format
    if pattern:
        schema["pattern"] = pattern
    if format and nullable:
        # Optional and checked by a format: empty is null or "" (what a form sends), which
        # JSON Schema can say only beside the format, not within it.
        return {"anyOf": [schema, {"enum": ["", None]}], **({"description": description} if description else {})}
    if description:
        schema["description"] = description
    return _nullable(schema, nullable)


def choice(*values, nullable: bool = False, description: str | None = None) -> dict:
    """One of `values` (strings)."""
    schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return _nullable(schema, nullable)


def integer(minimum: int | None = None, maximum: int | None = None, nullable: bool = False,
            description: str | None = None) -> dict:
    schema = {"type": "integer"}
    if description:
        schema["description"] = description
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return _nullable(schema, nullable)


def number(minimum: float | None = None, maximum: float | None = None) -> dict:
    schema = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def boolean(nullable: bool = False) -> dict:
    return _nullable({"type": "boolean"}, nullable)


def array(items: dict, max_items: int | None = None, nullable: bool = False) -> dict:
    schema = {"type": "array", "items": items}
    if max_items is not None:
        schema["maxItems"] = max_items
    return _nullable(schema, nullable)


def obj(properties: dict, required=(), *, closed: bool = True, nullable: bool = False,
        description: str | None = None) -> dict:
    """An object with these properties; `closed` (the default for what a client sends) refuses
    any other, so that nobody sets `status` or `role` through a form."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return _nullable(schema, nullable)


def mapping(values: dict) -> dict:
    """An object whose keys are free and whose values follow `values`."""
    return {"type": "object", "additionalProperties": values}


def one_of(*schemas: dict, description: str | None = None) -> dict:
    schema = {"oneOf": list(schemas)}
    if description:
        schema["description"] = description
    return schema


EMPTY = obj({}, description="Nothing to send (an empty object, or no body).")


# --- the formats: checks of the domain, with its messages -------------------------------------

def _field(check, *args, **kwargs):
    """A format from a domain check that raises FieldError."""
    def run(value):
        from ..domain.normalise import FieldError

        try:
            check(value, *args, **kwargs)
        except FieldError as error:
            return str(error)
        return None

    return run


def _email(value):
    from ..domain import normalise

    return _field(normalise.email)(value)


def _password(value):
    from ..domain import passwords

    if not isinstance(value, str):
        return NOT_VALID
    broken = passwords.violations(value)
    return broken[0] if broken else None


def _phone(value):
    from ..domain import normalise

    return _field(normalise.phone)(value)


def _line(value):
    from ..domain import normalise

    return _field(normalise.text, required=False, max_length=LONG_TEXT)(value) if isinstance(value, str) else NOT_VALID


def _multiline(value):
    from ..domain import normalise

    return _field(normalise.multiline, max_length=LONG_TEXT)(value) if isinstance(value, str) else NOT_VALID


def _postal_code(value):
    from ..domain import normalise

    return _field(normalise.postal_code)(value)


def _date(value):
    try:
        if len(value) != 10:           # Python also reads 20261120; JSON Schema's date does not
            raise ValueError(value)
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return N_("Give a date as YYYY-MM-DD.")
    return None


def _country(value):
    from .. import reference

    if isinstance(value, str) and value.strip().upper() in reference.country_codes():
        return None
    return N_("Choose a country from the list.")


def _secret_question(value):
    from .. import reference
    from ..domain import registration

    return _field(registration.secret_question, reference.secret_question_ids())(value)


def _notifications(value):
    from ..domain import preferences

    return _field(preferences.muted)(value)


def _time_zone(value):
    from .. import reference
    from ..domain import preferences

    return _field(preferences.time_zone, reference.time_zones())(value)


def _coi(rule: str):
    """A format from a rule of the COI's boxes (domain/coi_values.py)."""
    def run(value):
        from ..domain import coi_values

        return _field(getattr(coi_values, rule))(value)

    return run


def _mrn(value):
    from ..domain import customs

    return _field(customs.mrn)(value)


def _member_state(value):
    from .. import reference
    from ..domain import coi_values

    return _field(coi_values.member_state, reference.country_codes())(value)


# format -> its check: the message of the problem, or None. The description of each is in the
# OpenAPI document's info (openapi.FORMATS).
FORMATS = {
    "email": _email, "password": _password, "phone": _phone, "line": _line,
    "multiline": _multiline, "postal-code": _postal_code, "date": _date, "country": _country,
    "secret-question": _secret_question, "time-zone": _time_zone, "notifications": _notifications,
    "organisation-id": _coi("organisation_id"), "cn-code": _coi("cn_code"), "weight": _coi("weight"),
    "packages": _coi("count"), "container": _coi("container"), "member-state": _member_state,
    "mrn": _mrn,
}


# --- the checker ------------------------------------------------------------------------------

def problems(schema: dict, value) -> dict[str, str]:
    """Every field of `value` that `schema` refuses: {"field.sub.0": msgid}, one message a field
    (the first found); "" names `value` itself."""
    found: dict[str, str] = {}
    _check(schema, value, "", found, required=True)
    return found


def _join(path: str, name) -> str:
    return f"{path}.{name}" if path else str(name)


def _types(schema: dict) -> list:
    kinds = schema.get("type")
    return kinds if isinstance(kinds, list) else [kinds] if kinds else []


def _is(kind: str, value) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return kind == "null" and value is None


def _is_text(value: str) -> bool:
    """False if the string holds a lone surrogate: JSON can write "\\ud800", but it is no
    character, and nothing downstream (UTF-8, DynamoDB, a hash) can store it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(schema: dict, value, path: str, found: dict, required: bool) -> None:
    for alternatives in ("oneOf", "anyOf"):
        if alternatives in schema:
            _check_one_of(schema[alternatives], value, path, found, required)
            return
    kinds = _types(schema)
    if value is None and "null" in kinds:
        return
    if isinstance(value, str) and not _is_text(value):
        found.setdefault(path, NOT_VALID)
        return
    check = FORMATS.get(schema.get("format"))
    if check and (value is not None or required):
        message = check(value)
        if message:
            found.setdefault(path, message)
            return
    if kinds and not any(_is(kind, value) for kind in kinds):
        found.setdefault(path, NOT_VALID)
        return
    if "enum" in schema and value not in schema["enum"]:
        found.setdefault(path, NOT_A_CHOICE)
        return
    if isinstance(value, str):
        _check_string(schema, value, path, found)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if ("minimum" in schema and value < schema["minimum"]) or \
                ("maximum" in schema and value > schema["maximum"]):
            found.setdefault(path, NOT_VALID)
    elif isinstance(value, dict):
        _check_object(schema, value, path, found)
    elif isinstance(value, list):
        if len(value) > schema.get("maxItems", len(value)):
            found.setdefault(path, NOT_VALID)
            return
        items = schema.get("items", {})
        for index, item in enumerate(value):
            _check(items, item, _join(path, index), found, required=True)


def _check_one_of(choices: list, value, path: str, found: dict, required: bool) -> None:
    """`value` must be one of the `choices` (oneOf's are exclusive by their fields, anyOf's need
    not be): the problems are those of the choice it comes
    closest to (the fewest fields it does not expect, then the fewest problems; the first of
    equals)."""
    outcomes = []
    for choice_schema in choices:
        problems_of_choice: dict = {}
        _check(choice_schema, value, path, problems_of_choice, required)
        outcomes.append(problems_of_choice)
    closest = min(outcomes, key=lambda found: (sum(m == NOT_EXPECTED for m in found.values()), len(found)))
    for field, message in closest.items():
        found.setdefault(field, message)


def _check_string(schema: dict, value: str, path: str, found: dict) -> None:
    if schema.get("minLength") and not value.strip():
        found.setdefault(path, REQUIRED)
    elif len(value) < schema.get("minLength", 0):
        found.setdefault(path, TOO_SHORT)
    elif len(value) > schema.get("maxLength", len(value)):
        found.setdefault(path, TOO_LONG)
    elif "pattern" in schema and not re.search(schema["pattern"], value):
        found.setdefault(path, NOT_VALID)


def _check_object(schema: dict, value: dict, path: str, found: dict) -> None:
    properties = schema.get("properties", {})
    others = schema.get("additionalProperties", True)
    wanted = set(schema.get("required", ()))
    for name, item in value.items():
        if not _is_text(name):
            found.setdefault(path, NOT_VALID)
        elif name in properties:
            _check(properties[name], item, _join(path, name), found, required=name in wanted)
        elif others is False:
            found.setdefault(_join(path, name), NOT_EXPECTED)
        else:
            _check(others if isinstance(others, dict) else {}, item, _join(path, name), found, required=True)
    for name in sorted(wanted - set(value)):
        found.setdefault(_join(path, name), REQUIRED)
