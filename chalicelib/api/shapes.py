"""Schemas that several resources share: the fields of SPEC 1.1 and 2.1 as the API takes them, and
the shapes it answers with. Lengths are the domain's (domain/normalise.py, registration.py,
organisations.py)."""
from ..domain.vocabulary import AUTHORITY_ROLES, IDENTIFIER_TYPES
from .schema import array, choice, number, obj, string

EMAIL = string(254, min_length=1, format="email")
# The address of someone who logs in or asks for a link: any text is answered the same way as an
# unknown address, so that the answer tells nothing.
ADDRESS = string(254, min_length=1, description="an e-mail address")
OPTIONAL_EMAIL = string(254, format="email", nullable=True)
NAME = string(100, min_length=1, format="line")
PHONE = string(30, format="phone", nullable=True,
               description="international-looking: digits with + ( ) . - / and spaces, 6 to 15 digits")
INFORMATION = string(1000, format="multiline", nullable=True)
REASON = string(1000, format="multiline", nullable=True)
NEW_PASSWORD = string(128, min_length=10, format="password")
PASSWORD = string(1024, min_length=1)              # one to check, not to choose
CONFIRMATION = {"type": "string", "description": "the same again"}
SECRET_QUESTION = {"type": ["integer", "string"], "format": "secret-question",
                   "description": "the id of a question of GET /api/reference/secret-questions"}
SECRET_ANSWER = string(100, min_length=2, format="line")
LANGUAGE = choice("fr", "en")
NOTIFICATION_FORMAT = choice("html", "text")
COUNTRY = string(2, min_length=1, format="country",
                 description="ISO 3166-1 alpha-2 code, one of GET /api/reference/countries")
POSTAL_CODE = string(12, min_length=1, format="postal-code")
ID = string(64, min_length=1)
CURSOR = string(2000, description="`cursor` of the previous page")

# --- answers ----------------------------------------------------------------------------------
TEXT = {"type": "string"}
OPTIONAL_TEXT = {"type": ["string", "null"]}
TEXTS = {"type": "array", "items": TEXT}
STATUS = {"type": "object", "required": ["status"], "properties": {"status": TEXT}}
NOTHING = {"type": "object", "description": "an empty object"}
DECISION = {"type": "object", "required": ["id", "status", "administrator"],
            "properties": {"id": TEXT, "status": TEXT, "administrator": {"type": "boolean"}}}
CODES = {"type": "array", "items": {"type": "object", "properties": {"type": TEXT, "value": TEXT}}}
ORGANISATION_SUMMARY = {"type": "object", "required": ["id", "name", "kind", "status", "country"],
                        "properties": {"id": TEXT, "name": TEXT, "kind": TEXT, "status": TEXT,
                                       "address": OPTIONAL_TEXT, "postal_code": OPTIONAL_TEXT,
                                       "city": OPTIONAL_TEXT, "country": TEXT, "activities": TEXTS,
                                       "codes": CODES}}

# --- an organisation of the directory as one sends it (SPEC 2.1) ------------------------------
ORGANISATION_FIELDS = {
    "name": string(200, min_length=1, format="line"),
    "country": COUNTRY,
    "region": string(100, format="line", nullable=True),
    "city": string(100, min_length=1, format="line"),
    "postal_code": POSTAL_CODE,
    "address": string(300, min_length=1, format="line"),
    "coordinates": obj({"latitude": number(-90, 90), "longitude": number(-180, 180)},
                       required=["latitude", "longitude"], nullable=True),
    "contacts": obj({"phone": PHONE, "fax": PHONE, "email": OPTIONAL_EMAIL,
                     "web_site": string(200, format="line", nullable=True)}, nullable=True,
                    description="at least one of them"),
    "identifiers": array(obj({"type": choice(*IDENTIFIER_TYPES),
                              "value": string(50, min_length=1)}, required=["type", "value"]),
                         max_items=10, nullable=True),
    "sections": array(string(40), max_items=50, nullable=True),
    "activities": array(string(60), max_items=50, nullable=True),
    "valid_from": string(10, format="date", nullable=True),
    "valid_to": string(10, format="date", nullable=True),
}
OPERATOR_FIELDS = {"control_body_id": string(40, nullable=True,
                                             description="code of its control body (organic operators)")}
CONTROL_BODY_FIELDS = {"code": string(40, min_length=1), "certifies_in": array(COUNTRY, max_items=300, nullable=True)}
AUTHORITY_FIELDS = {"code": string(40, min_length=1),
                    "role": choice(*AUTHORITY_ROLES),
                    "competence": array(string(40), max_items=50, nullable=True),
                    "jurisdiction_regions": array(string(100), max_items=200, nullable=True)}

ORGANISATION = {
    "type": "object",
    "required": ["id", "name", "kind", "status", "country", "version"],
    "properties": {
        **ORGANISATION_SUMMARY["properties"],
        "region": OPTIONAL_TEXT, "coordinates": {"type": ["object", "null"]},
        "contacts": {"type": "object"}, "identifiers": CODES, "sections": TEXTS,
        "valid_from": OPTIONAL_TEXT, "valid_to": OPTIONAL_TEXT, "control_body_id": OPTIONAL_TEXT,
        "code": OPTIONAL_TEXT, "role": OPTIONAL_TEXT, "certifies_in": TEXTS, "competence": TEXTS,
        "jurisdiction_regions": TEXTS, "version": {"type": "integer"},
        "administrator_count": {"type": "integer"}, "validator_id": OPTIONAL_TEXT,
        "created_at": OPTIONAL_TEXT, "may_edit": {"type": "boolean"},
        "authorisation": {"type": "object", "properties": {"id": TEXT, "status": TEXT}},
    },
}


def listing(item: dict) -> dict:
    return {"type": "array", "items": item}


def page(item: dict) -> dict:
    """A page of a list: its items and the cursor of the next page (null on the last)."""
    return {"type": "object", "required": ["items", "cursor"],
            "properties": {"items": listing(item), "cursor": OPTIONAL_TEXT}}


# Why no more mail is sent to the address (SES reported a bounce or a complaint), or null.
MAIL_SUPPRESSED = {"type": ["object", "null"], "required": ["reason"], "properties": {
    "reason": {"enum": ["bounce", "complaint"]}, "since": OPTIONAL_TEXT}}
