"""The schema checker of the API's edge (chalicelib/api/schema.py): JSON Schema's words, the
domain's messages."""
import pytest

from chalicelib.api import schema
from chalicelib.api.schema import array, boolean, choice, integer, obj, one_of, or_null, string

PERSON = obj({
    "email": string(254, min_length=1, format="email"),
    "name": string(10, min_length=1, format="line"),
    "age": integer(0, 150),
    "language": choice("fr", "en"),
    "phone": string(30, format="phone", nullable=True),
    "tags": array(choice("a", "b"), max_items=2),
    "subscribed": boolean(),
    "born": string(10, format="date", nullable=True),
    "unit": choice("kg", "l", nullable=True),
    "organisation": one_of(obj({"id": string(64, min_length=1)}, required=["id"]),
                           obj({"name": string(10, min_length=1), "city": string(10, min_length=1)},
                               required=["name", "city"])),
}, required=["email", "name"])
GOOD = {"email": "marie@bio-lyon.fr", "name": "Marie"}


@pytest.mark.parametrize("sent, expected", [
    (GOOD, {}),
    ({**GOOD, "status": "valid"}, {"status": "This field is not expected."}),
    ({"name": "Marie"}, {"email": "This field is required."}),
    ({**GOOD, "name": ""}, {"name": "This field is required."}),
    ({**GOOD, "name": "   "}, {"name": "This field is required."}),
    ({**GOOD, "name": "Marie-Claire Dupont"}, {"name": "This value is too long."}),
    ({**GOOD, "name": "Ma\x07rie"}, {"name": "Control characters are not allowed."}),
    ({**GOOD, "name": 5}, {"name": "This value is not valid."}),
    ({**GOOD, "email": "marie"}, {"email": "This e-mail address is not valid."}),
    ({**GOOD, "email": "m" * 65 + "@bio.fr"}, {"email": "This e-mail address is not valid."}),
    ({**GOOD, "age": 151}, {"age": "This value is not valid."}),
    ({**GOOD, "age": True}, {"age": "This value is not valid."}),
    ({**GOOD, "age": 3.5}, {"age": "This value is not valid."}),
    ({**GOOD, "language": "de"}, {"language": "This value is not one of the choices."}),
    ({**GOOD, "phone": None}, {}),
    ({**GOOD, "phone": ""}, {}),
    ({**GOOD, "phone": "call me"}, {"phone": "Enter a phone number such as +33 1 23 45 67 89."}),
    ({**GOOD, "tags": ["a", "c"]}, {"tags.1": "This value is not one of the choices."}),
    ({**GOOD, "tags": ["a", "b", "a"]}, {"tags": "This value is not valid."}),
    ({**GOOD, "subscribed": "yes"}, {"subscribed": "This value is not valid."}),
    ({**GOOD, "born": None}, {}),
    ({**GOOD, "born": ""}, {}),                  # an empty field of a form, as null
    ({**GOOD, "born": "20261120"}, {"born": "Give a date as YYYY-MM-DD."}),
    ({**GOOD, "unit": None}, {}),
    ({**GOOD, "unit": "lb"}, {"unit": "This value is not one of the choices."}),
    ({**GOOD, "name": "\ud800"}, {"name": "This value is not valid."}),
    ({**GOOD, "organisation": {"id": "FR-BIO-01"}}, {}),
    ({**GOOD, "organisation": {"name": "Bio"}}, {"organisation.city": "This field is required."}),
    ({**GOOD, "organisation": {"city": "Lyon", "status": "valid"}},
     {"organisation.name": "This field is required.", "organisation.status": "This field is not expected."}),
])
def test_each_problem_is_named_with_the_domains_message(sent, expected):
    assert schema.problems(PERSON, sent) == expected


def test_every_problem_is_found_at_once():
    found = schema.problems(PERSON, {"name": "", "age": -1, "language": "de", "x": 1})
    assert set(found) == {"email", "name", "age", "language", "x"}


def test_free_values_are_still_checked_for_lone_surrogates():
    assert schema.problems(obj({"free": {}}), {"free": {"a": ["ok", "\udc00"]}}) == {
        "free.a.1": "This value is not valid."}


def test_or_null_lets_a_patch_clear_a_field():
    field = string(10, min_length=1)
    assert schema.problems(obj({"f": or_null(field)}), {"f": None}) == {}
    assert schema.problems(obj({"f": field}), {"f": None}) == {"f": "This value is not valid."}
    assert or_null(or_null(field)) == or_null(field)


def test_an_optional_formatted_text_says_that_empty_is_null_or_nothing():
    """JSON Schema's `date` or `email` refuses "", which a form sends for an empty field."""
    assert string(10, format="date", nullable=True) == {
        "anyOf": [{"type": "string", "maxLength": 10, "format": "date"}, {"enum": ["", None]}]}


def test_a_nullable_choice_lists_null_among_its_values():
    """As JSON Schema reads it: the enum applies to null too."""
    assert choice("kg", "l", nullable=True) == {"type": ["string", "null"], "enum": ["kg", "l", None]}


@pytest.mark.parametrize("format_, value, expected", [
    ("cn-code", "0804 10 00", None), ("cn-code", "0804", "A CN code has 8 digits, such as 0804 10 00."),
    ("weight", "2400.5", None), ("weight", "1.2345", "Give a weight such as 2400.5 (at most 3 decimals)."),
    ("container", "MSKU1234565", None),
    ("container", "MSKU1234560", "The last digit of this container number (its check digit) is wrong: "
                                 "check the number on the container."),
    ("container", "MSKU123456", "A container number is 4 letters and 7 digits, such as MSKU1234565."),
    ("member-state", "FR", None), ("member-state", "MA", "Choose a member state of the European Union."),
    ("organisation-id", "FR-BIO-01", None), ("organisation-id", "<b>", "Choose an organisation from the directory."),
])
def test_the_cois_formats_are_the_rules_of_its_boxes(format_, value, expected):
    found = schema.problems(obj({"f": string(20, format=format_)}), {"f": value})
    assert found == ({"f": expected} if expected else {})
