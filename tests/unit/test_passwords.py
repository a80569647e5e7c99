import pytest

from chalicelib.domain import passwords

GOOD = "Grenoble-Alpes-2026!"


def test_a_password_meeting_every_rule_is_accepted():
    assert passwords.violations(GOOD, "marie@bio.fr") == []


@pytest.mark.parametrize("password, rule", [
    ("Short-1!a", "at least 10 characters"),
    ("lowercase-only-1!", "upper-case letter"),
    ("No-Digits-Here!", "digit"),
    ("NoSpecial12345", "special character"),
    ("Marie.Dupont-2026!", "e-mail address"),
    ("Azerty123!", "too well known"),
    ("A1!" + "x" * 126, "at most 128"),
])
def test_each_rule_has_its_failing_case(password, rule):
    found = passwords.violations(password, "marie.dupont@bio.fr" if "Dupont" in password else "marie@bio.fr")
    assert any(rule in message for message in found), found


def test_length_boundaries_are_ten_and_one_hundred_twenty_eight():
    assert passwords.violations("Rhodania1!", "") == []          # exactly 10
    assert passwords.violations("Abcdefg1!", "")                          # 9
    assert passwords.violations("A1!" + "y" * 125, "") == []             # exactly 128
    assert passwords.violations("A1!" + "y" * 126, "")                   # 129


def test_the_local_part_is_found_whatever_its_case():
    assert passwords.violations("xxMARIE.DUPONTxx-1A!", "marie.dupont@bio.fr")


def test_a_very_short_local_part_does_not_forbid_ordinary_passwords():
    assert passwords.violations("Grenoble-Alpes-2026!", "al@bio.fr") == []


def test_unicode_is_allowed_and_normalised():
    assert passwords.violations("Équinoxe-Été-2026!", "") == []
    assert passwords.normalise("ﬁ") == "fi"
