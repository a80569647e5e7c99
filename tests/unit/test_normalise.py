import pytest
from hypothesis import given, strategies as st

from chalicelib.domain import normalise
from chalicelib.domain.normalise import FieldError


def test_email_is_trimmed_and_its_domain_lower_cased_and_idna_encoded():
    assert normalise.email("  Marie.Dupont@Bio-LYON.fr ") == "Marie.Dupont@bio-lyon.fr"
    assert normalise.email("marie@écolo.fr") == "marie@xn--colo-9oa.fr"


@pytest.mark.parametrize("value", ["", "no-at-sign", "a@b", "x" * 250 + "@bio.fr", "a@b.fr\r\nBcc: x@y.fr",
                                   "m" * 65 + "@bio.fr"])
def test_bad_emails_are_refused(value):
    with pytest.raises(FieldError):
        normalise.email(value)


def test_a_local_part_of_64_characters_is_the_most_allowed():
    assert normalise.email("m" * 64 + "@bio.fr") == "m" * 64 + "@bio.fr"


def test_the_email_key_is_the_whole_address_case_insensitively():
    assert normalise.email_key(normalise.email("Alice.Martin@Bio-Lyon.FR")) == "alice.martin@bio-lyon.fr"


def test_secret_answers_ignore_case_accents_and_spaces():
    assert normalise.secret_answer("  Mont   Blanc ") == normalise.secret_answer("mont blanc")
    assert normalise.secret_answer("Élodie") == normalise.secret_answer("elodie")
    assert normalise.secret_answer("STRASSE") == normalise.secret_answer("straße")


@given(st.text())
def test_secret_answer_normalisation_is_idempotent(text):
    once = normalise.secret_answer(text)
    assert normalise.secret_answer(once) == once


def test_text_refuses_control_characters_and_respects_lengths():
    with pytest.raises(FieldError):
        normalise.text("Marie\nDupont", required=True, max_length=100)
    with pytest.raises(FieldError):
        normalise.text("", required=True, max_length=100)
    with pytest.raises(FieldError):
        normalise.text("x" * 101, required=True, max_length=100)
    assert normalise.text("x" * 100, required=True, max_length=100) == "x" * 100


@pytest.mark.parametrize("value", ["+33 4 72 00 00 00", "04.72.00.00.00", "+1 (555) 123-4567"])
def test_sane_phone_numbers_are_accepted(value):
    assert normalise.phone(value) == value


@pytest.mark.parametrize("value", ["call me", "+33", "+33 4 72 00 00 00 00 00 00 00", "12345"])
def test_odd_phone_numbers_are_refused(value):
    with pytest.raises(FieldError):
        normalise.phone(value)
