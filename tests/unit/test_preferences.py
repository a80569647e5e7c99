import pytest

from chalicelib.domain import preferences
from chalicelib.domain.normalise import FieldError


def test_only_the_digests_can_be_muted():
    assert preferences.muted({"role_requests": False, "user_creation_requests": True}) == {"role_requests"}
    with pytest.raises(FieldError):
        preferences.muted({"password_reset": False})
    with pytest.raises(FieldError):
        preferences.muted({"role_requests": 0})


def test_everything_is_on_by_default():
    assert all(preferences.notifications(None).values())


def test_time_zones_come_from_the_list():
    assert preferences.time_zone("Europe/Paris", frozenset({"Europe/Paris"})) == "Europe/Paris"
    with pytest.raises(FieldError):
        preferences.time_zone("Paris", frozenset({"Europe/Paris"}))


def test_each_digest_is_offered_to_those_it_concerns():
    assert preferences.applicable({"authority"}, False) == ("user_creation_requests", "role_requests")
    assert preferences.applicable({"control_body"}, False) == ("role_requests",)
    assert preferences.applicable({"operator"}, True) == ("role_requests",)
    assert preferences.applicable({"operator"}, False) == ()
    assert preferences.applicable((), False) == ()


def test_a_digest_not_offered_cannot_be_set():
    with pytest.raises(FieldError):
        preferences.muted({"user_creation_requests": False}, ("role_requests",))
    assert preferences.notifications({"role_requests"}, ("role_requests",)) == {"role_requests": False}
