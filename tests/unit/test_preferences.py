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
