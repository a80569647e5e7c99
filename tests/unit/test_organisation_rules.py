"""Organisation and authorisation rules (SPEC 2.1, 2.2), without AWS."""
import pytest

from chalicelib import reference
from chalicelib.domain import authorisations as roles
from chalicelib.domain import organisations as rules
from chalicelib.domain.errors import Conflict, Forbidden, Invalid
from chalicelib.domain.normalise import FieldError


@pytest.mark.parametrize("value, expected", [
    ("FR123456789", "FR123456789"), ("fr 1234 5678 9", "FR123456789"), ("BED479168518", "BED479168518"),
    ("DE1", "DE1"), ("MA" + "1" * 15, "MA" + "1" * 15),
])
def test_valid_eori_numbers(value, expected):
    assert rules.eori(value) == expected


@pytest.mark.parametrize("value", ["", "F1", "123456789", "FR", "FR" + "1" * 16, "FR12-34", "F1234", None])
def test_invalid_eori_numbers(value):
    with pytest.raises(FieldError):
        rules.eori(value)


@pytest.mark.parametrize("code", ["FR-BIO-01", "MA-BIO-154", "BE-BIO-03", "ID-BIO-168", "fr-eco-1"])
def test_control_body_codes(code):
    assert rules.control_body_code(code) == code.upper()


@pytest.mark.parametrize("code", ["FR-BIO", "FRA-BIO-01", "FR-BIOS-01", "FR-BIO-1234", "FR BIO 01"])
def test_bad_control_body_codes(code):
    with pytest.raises(FieldError):
        rules.control_body_code(code)


def importer(**overrides):
    data = {"name": "Vaysse Import", "country": "FR", "city": "Toulouse", "postal_code": "31300",
            "address": "Rue Imaginaire", "contacts": {"web_site": "www.vaysse.fr"},
            "identifiers": [{"type": "eori", "value": "FR123"}], "activities": ["organic_importer"],
            "control_body_id": "FR-BIO-01"}
    data.update(overrides)
    return data


def test_an_organic_importer_needs_an_eori_but_another_operator_does_not():
    ref = reference.organisation_rules()
    with pytest.raises(Invalid) as error:
        rules.check("operator", importer(identifiers=[{"type": "vat", "value": "FR00123"}]), ref)
    assert "identifiers" in error.value.fields
    checked = rules.check("operator", importer(identifiers=[], activities=["organic_first_consignee"]), ref)
    assert checked["sections"] == {"organic"}


def test_at_least_one_contact():
    with pytest.raises(Invalid) as error:
        rules.check("operator", importer(contacts={}), reference.organisation_rules())
    assert set(error.value.fields) == {"contacts"}


def test_the_control_body_must_certify_in_the_operators_country():
    with pytest.raises(Invalid) as error:
        rules.check("operator", importer(control_body_id="MA-BIO-154"), reference.organisation_rules())
    assert "control_body_id" in error.value.fields


def test_a_control_body_code_starts_with_its_country():
    ref = reference.organisation_rules()
    data = {**importer(activities=[], identifiers=[]), "code": "MA-BIO-154", "certifies_in": ["MA"]}
    data.pop("control_body_id")
    with pytest.raises(Invalid) as error:
        rules.check("control_body", data, ref)
    assert "code" in error.value.fields


@pytest.mark.parametrize("a, b, similar", [
    ("Vaysse Import", "VAYSSE IMPORT SARL", True), ("Bio Import Lyon", "Bio Import", True),
    ("Bio Import Lyon", "Biolyon", False), ("Café Noir", "cafe noir", True), ("Acme", "Zenith", False),
])
def test_similar_names(a, b, similar):
    assert rules.similar_names(a, b) is similar


def place(**overrides):
    values = {"kind": "operator", "country": "FR", "postal_code": "69002"}
    values.update(overrides)
    return rules.Place(**values)


@pytest.mark.parametrize("where, validator", [
    (place(activities=frozenset({"organic_importer"})), "FR-INAO"),
    (place(sections=frozenset({"organic"})), "FR-INAO"),
    (place(), "FR-DDPP-69"),
    (place(postal_code="20100"), "FR-DDPP-2A"),
    (place(country="DE", postal_code="10115"), "DE-CCA"),
    (place(country="MA", postal_code="20000", control_body_id="MA-BIO-154"), "MA-BIO-154"),
    (place(country="MA", postal_code="20000"), "EU-COMMISSION"),
    (place(kind="control_body"), "EU-COMMISSION"),
    (place(kind="authority"), "EU-COMMISSION"),
])
def test_who_validates(where, validator):
    assert rules.competent_validator(where, reference.departement_authorities(),
                                     reference.authority_codes()) == validator


def test_requests_go_to_the_administrators_when_there_are_some():
    assert rules.validator_of_request("o1", 2, "FR-INAO") == "admins:o1"
    assert rules.validator_of_request("o1", 0, "FR-INAO") == "FR-INAO"


@pytest.mark.parametrize("status, action, after", [
    ("requested", "validate", "valid"), ("requested", "reject", "rejected"),
    ("requested", "withdraw", "withdrawn"), ("valid", "suspend", "suspended"),
    ("suspended", "reinstate", "valid"),
])
def test_transitions(status, action, after):
    assert roles.next_status(status, action) == after


@pytest.mark.parametrize("status, action", [
    ("valid", "validate"), ("rejected", "validate"), ("valid", "withdraw"), ("requested", "suspend"),
    ("withdrawn", "reinstate"), ("suspended", "reject"),
])
def test_illegal_transitions(status, action):
    with pytest.raises(Conflict):
        roles.next_status(status, action)


def test_one_role_type():
    roles.check_role_kind("operator", True, "operator")
    roles.check_role_kind(None, False, "authority")
    roles.check_role_kind("operator", False, "authority")  # nothing held or asked for yet
    with pytest.raises(Conflict) as error:
        roles.check_role_kind("operator", True, "control_body")
    assert error.value.code == "one_role_type"


def test_who_may_decide():
    decide = roles.check_may_decide
    decide("admin", "someone", {"o1"}, {}, "o1", "FR-INAO", "validate")
    decide("agent", "someone", set(), {"FR-INAO": "authority"}, "o1", "FR-INAO", "suspend")
    with pytest.raises(Forbidden):
        decide("agent", "someone", set(), {"FR-DDPP-69": "authority"}, "o1", "FR-INAO", "validate")
    with pytest.raises(Forbidden) as own:
        decide("admin", "admin", {"o1"}, {}, "o1", "FR-INAO", "validate")
    assert own.value.code == "own_request"
    decide("someone", "someone", set(), {}, "o1", None, "withdraw")
    with pytest.raises(Forbidden):
        decide("admin", "someone", {"o1"}, {}, "o1", None, "withdraw")


def test_the_admin_command_may_leave_out_address_place_and_contacts_but_what_it_gives_is_checked():
    ref = reference.organisation_rules()
    bare = importer(city=None, postal_code=None, address=None, contacts=None)
    with pytest.raises(Invalid) as refused:
        rules.check(rules.OPERATOR, bare, ref)
    assert set(refused.value.fields) == {"city", "postal_code", "address", "contacts"}
    fields = rules.check(rules.OPERATOR, bare, ref, unknown=rules.MAY_BE_UNKNOWN)
    assert fields["city"] is None and fields["address"] is None and fields["contacts"] == {}
    with pytest.raises(Invalid) as refused:
        rules.check(rules.OPERATOR, {**bare, "postal_code": "313", "contacts": {"phone": "x"}}, ref,
                    unknown=rules.MAY_BE_UNKNOWN)
    assert set(refused.value.fields) == {"postal_code", "contacts.phone"}
    with pytest.raises(Invalid) as refused:
        rules.check(rules.OPERATOR, {**bare, "identifiers": []}, ref, unknown=rules.MAY_BE_UNKNOWN)
    assert set(refused.value.fields) == {"identifiers"}  # the other rules stand
