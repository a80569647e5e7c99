from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import accounts as rules
from chalicelib.domain.errors import Conflict


@pytest.mark.parametrize("status, action, after", [
    ("new", "confirm", "confirmed"),
    ("confirmed", "activate", "valid"),
    ("confirmed", "refuse", "refused"),
    ("valid", "delete", "deleted"),
])
def test_legal_transitions(status, action, after):
    assert rules.next_status(status, action) == after


@pytest.mark.parametrize("status, action", [
    ("new", "activate"), ("valid", "activate"), ("valid", "refuse"), ("refused", "activate"),
    ("deleted", "delete"), ("deleted", "save"), ("confirmed", "confirm"), ("new", "unlock"),
])
def test_illegal_transitions_are_conflicts(status, action):
    with pytest.raises(Conflict):
        rules.next_status(status, action)


def test_lock_and_unlock_depend_on_the_flag():
    assert rules.next_status("valid", "lock", locked=False) == "valid"
    assert rules.next_status("valid", "unlock", locked=True) == "valid"
    with pytest.raises(Conflict):
        rules.next_status("valid", "lock", locked=True)
    with pytest.raises(Conflict):
        rules.next_status("valid", "unlock", locked=False)


def test_only_the_right_password_on_a_pending_account_is_told_so():
    assert rules.login_outcome("confirmed", False, True, False).error == "account_not_valid"
    assert rules.login_outcome("confirmed", False, False, False).error == "invalid_credentials"
    assert rules.login_outcome("new", False, True, False).error == "account_not_valid"


@pytest.mark.parametrize("status, locked", [("refused", False), ("deleted", False), ("valid", True)])
def test_locked_refused_and_deleted_answer_like_a_wrong_password(status, locked):
    assert rules.login_outcome(status, locked, True, False).error == "invalid_credentials"


def test_only_failures_on_usable_accounts_count():
    assert rules.login_outcome("valid", False, False, False).count_failure
    assert not rules.login_outcome("valid", True, False, False).count_failure
    assert not rules.login_outcome("confirmed", False, False, False).count_failure


def test_a_temporary_password_forces_a_change_and_opens_a_locked_account():
    outcome = rules.login_outcome("valid", True, False, True)
    assert outcome.error is None and outcome.must_change_password and outcome.unlock


def test_inactivity_counts_from_the_last_login_or_else_from_validation():
    validated = datetime(2026, 1, 1, tzinfo=timezone.utc)
    login = validated + timedelta(days=10)
    assert rules.active_since(None, validated) == validated
    assert rules.active_since(login, validated) == login
    now = validated + timedelta(days=91)
    assert rules.inactivity_cutoff(now, 90) == validated + timedelta(days=1)
