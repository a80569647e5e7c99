import pytest

from chalicelib.domain import registration
from chalicelib.domain.errors import Invalid
from tests.conftest import registration as form_data

QUESTIONS, COUNTRIES = {1, 7, 14}, {"FR", "DE", "MA"}


def parse(**overrides):
    return registration.parse(form_data(**overrides), QUESTIONS, COUNTRIES)


def test_a_complete_form_parses_with_defaults():
    form = parse(language=None, notification_format=None)
    assert form.language == "fr" and form.notification_format == "html"
    assert form.new_organisation.postal_code == "69002"


def test_all_bad_fields_are_reported_together():
    with pytest.raises(Invalid) as error:
        parse(email="nope", password="short", secret_question_id=99, first_name="",
              organisation={"name": "", "address": "x", "postal_code": "123", "city": "Lyon", "country": "XX"})
    assert {"email", "password", "secret_question_id", "first_name", "organisation.name",
            "organisation.country"} <= set(error.value.fields)


def test_an_empty_password_and_confirmation_are_both_named():
    with pytest.raises(Invalid) as error:
        parse(password="", password_confirmation="")
    assert error.value.fields["password_confirmation"] == "This field is required."


def test_an_existing_organisation_is_picked_by_id_alone():
    assert parse(organisation={"id": "FR-BIO-01"}).organisation_id == "FR-BIO-01"
    with pytest.raises(Invalid):
        parse(organisation={"id": "FR-BIO-01", "status": "valid"})


def test_a_french_organisation_needs_a_five_digit_postal_code():
    with pytest.raises(Invalid) as error:
        parse(organisation={"name": "X", "address": "x", "postal_code": "6900", "city": "Lyon", "country": "FR"})
    assert "organisation.postal_code" in error.value.fields
