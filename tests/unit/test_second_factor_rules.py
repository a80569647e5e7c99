"""SPEC 1.9's rules in the domain: who must, the authenticator app's window and replay, the
passkey counter, recovery codes as typed, the fresh proof and the relying party."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import second_factor as rules
from chalicelib.domain.errors import Conflict, Forbidden, InvalidCredentials

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def codes(step: int) -> str:
    return f"{step % 1_000_000:06d}"


@pytest.mark.parametrize("kinds, required, must", [
    (["authority"], frozenset({"authority", "control_body"}), True),
    (["operator"], frozenset({"authority", "control_body"}), False),
    (["operator"], frozenset({"all"}), True),
    (["authority"], frozenset(), False),
    # customs are an authority of their member state (SPEC 2.1): `authority` covers them
    (["customs"], frozenset({"authority", "control_body"}), True),
    (["customs"], frozenset({"control_body"}), False),
    (["customs"], frozenset({"customs"}), True),
])
def test_who_must_have_a_second_factor(kinds, required, must):
    assert rules.must_have(kinds, required) is must


def test_the_setting_none_and_all_are_read_as_they_say():
    from chalicelib.config import load

    assert load({"TRACES_SECOND_FACTOR_REQUIRED": "none"}).second_factor_required == frozenset()
    assert load({}).second_factor_required == frozenset({"authority", "control_body"})


def test_a_code_is_accepted_one_step_either_way_and_only_after_the_last_accepted_step():
    step = rules.totp_step(NOW)
    assert rules.accepted_step(codes(step - 1), step, 0, codes) == step - 1
    assert rules.accepted_step(codes(step + 1), step, 0, codes) == step + 1
    with pytest.raises(InvalidCredentials) as wrong:
        rules.accepted_step(codes(step + 2), step, 0, codes)
    assert wrong.value.code == "invalid_code"
    with pytest.raises(InvalidCredentials) as replayed:
        rules.accepted_step(codes(step), step, step, codes)
    assert replayed.value.code == "code_already_used"


def test_a_passkey_counter_must_grow_unless_the_authenticator_keeps_none():
    assert rules.passkey_counter_ok(0, 0) and rules.passkey_counter_ok(4, 5)
    assert not rules.passkey_counter_ok(5, 5) and not rules.passkey_counter_ok(5, 0)


def test_a_recovery_code_is_read_whatever_the_case_spaces_and_dashes():
    assert rules.recovery_code_key(" ABCD-efgh jkmn ") == "abcdefghjkmn"
    assert rules.recovery_code_display("abcdefghjkmn") == "abcd-efgh-jkmn"


def test_a_proof_is_fresh_for_five_minutes():
    rules.require_fresh_proof(NOW, NOW + timedelta(minutes=4, seconds=59))
    with pytest.raises(Forbidden):
        rules.require_fresh_proof(NOW, NOW + timedelta(minutes=5))


def test_the_last_factor_of_a_person_who_must_have_one_stays():
    with pytest.raises(Conflict):
        rules.check_removal({"a": {}}, "a", must=True)
    rules.check_removal({"a": {}}, "a", must=False)
    rules.check_removal({"a": {}, "b": {}}, "a", must=True)


def test_the_relying_party_is_the_sites_host_and_localhost_for_a_loopback_address():
    assert rules.relying_party("https://traces.example.eu") == ("traces.example.eu", "https://traces.example.eu")
    assert rules.relying_party("http://127.0.0.1:8080") == ("localhost", "http://localhost:8080")
