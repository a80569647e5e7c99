"""Login, locking and sessions (SPEC 1.6, SPEC 5 session and CSRF)."""
from datetime import timedelta

import time_machine

from tests.api.conftest import (T0, UNKNOWN_ID, audit_actions, error_code, logged_in, make_valid,
                                stored, subjects)
from tests.conftest import PASSWORD, account_id, register_and_confirm, registration

EMAIL = "marie.dupont@bio-lyon.fr"
WRONG = "Not-The-Password-1!"
LOCKED = "Votre compte a été verrouillé"


def fail(api, times: int, email_address=EMAIL):
    for _ in range(times):
        response = api.log_in(email_address, WRONG)
        assert (response.status_code, error_code(response)) == (401, "invalid_credentials")


def test_a_valid_account_logs_in_and_gets_a_csrf_token(api, mailbox, authority):
    ident = make_valid(api, mailbox, authority)
    response = api.log_in(EMAIL)
    assert response.status_code == 200
    body = response.json_body
    assert body["must_change_password"] is False
    assert len(body["csrf_token"]) >= 32
    assert body["user"]["id"] == ident
    assert (body["user"]["email"], body["user"]["first_name"]) == (EMAIL, "Marie")
    assert api.get("/api/me").json_body["csrf_token"] == body["csrf_token"]


def test_the_right_password_on_a_new_account_says_account_not_valid(api, mailbox):
    api.post("/api/accounts", registration(EMAIL))
    response = api.log_in(EMAIL)
    assert (response.status_code, error_code(response)) == (403, "account_not_valid")
    assert api.cookie is None


def test_the_right_password_on_a_confirmed_account_says_account_not_valid(api, mailbox):
    register_and_confirm(api, mailbox, EMAIL)
    response = api.log_in(EMAIL)
    assert (response.status_code, error_code(response)) == (403, "account_not_valid")


def test_a_wrong_password_on_an_account_awaiting_validation_is_just_invalid_credentials(api, mailbox):
    register_and_confirm(api, mailbox, EMAIL)
    response = api.log_in(EMAIL, WRONG)
    assert (response.status_code, error_code(response)) == (401, "invalid_credentials")


def test_wrong_password_unknown_email_locked_refused_and_deleted_accounts_get_identical_answers(
        api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, "valid@bio-lyon.fr")
    make_valid(api, mailbox, authority, "locked@bio-lyon.fr")
    fail(api, 5, "locked@bio-lyon.fr")
    register_and_confirm(api, mailbox, "refused@bio-lyon.fr")
    authority.post(f"/api/authority/accounts/{account_id(authority, 'refused@bio-lyon.fr')}/refuse",
                   {"reason": "Unknown operator."})
    deleted = make_valid(api, mailbox, authority, "deleted@bio-lyon.fr")
    assert authority.delete(f"/api/authority/accounts/{deleted}").status_code == 204

    answers = [
        new_api().log_in("valid@bio-lyon.fr", WRONG),
        new_api().log_in("nobody@bio-lyon.fr", PASSWORD),
        new_api().log_in("not an address", PASSWORD),
        new_api().log_in("locked@bio-lyon.fr", PASSWORD),
        new_api().log_in("refused@bio-lyon.fr", PASSWORD),
        new_api().log_in("deleted@bio-lyon.fr", PASSWORD),
    ]
    assert {r.status_code for r in answers} == {401}
    assert all(r.json_body == answers[0].json_body for r in answers)
    assert error_code(answers[0]) == "invalid_credentials"
    assert all(dict(r.headers) == dict(answers[0].headers) for r in answers)


def test_the_fifth_failed_login_locks_the_account(api, mailbox, authority):
    ident = make_valid(api, mailbox, authority)
    fail(api, 4)
    assert stored(EMAIL).locked_reason is None
    fail(api, 1)
    account = stored(EMAIL)
    assert (account.locked_reason, account.failed_logins) == ("failed_logins", 5)
    assert subjects(mailbox, EMAIL)[-1] == LOCKED
    assert "cinq tentatives" in mailbox.text(mailbox.last(EMAIL))
    # Now even the right password is refused, with the same answer as a wrong one.
    response = api.log_in(EMAIL)
    assert (response.status_code, error_code(response)) == (401, "invalid_credentials")
    details = authority.get(f"/api/authority/accounts/{ident}").json_body
    assert (details["locked"], details["locked_reason"]) == (True, "failed_logins")
    assert "lock" in audit_actions(ident)


def test_four_failed_logins_do_not_lock(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    fail(api, 4)
    assert api.log_in(EMAIL).status_code == 200
    assert LOCKED not in subjects(mailbox, EMAIL)


def test_a_success_between_failures_resets_the_counter(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    fail(api, 4)
    logged_in(new_api, EMAIL)
    assert stored(EMAIL).failed_logins == 0
    fail(api, 4)
    logged_in(new_api, EMAIL)
    fail(api, 4)
    assert stored(EMAIL).locked_reason is None
    fail(api, 1)
    assert stored(EMAIL).locked_reason == "failed_logins"


def test_more_failures_on_a_locked_account_send_no_more_emails(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    fail(api, 8)
    assert subjects(mailbox, EMAIL).count(LOCKED) == 1
    assert stored(EMAIL).failed_logins == 5


def test_locking_ends_the_open_sessions(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    fail(api, 5)
    assert person.get("/api/me").status_code == 401


def test_logout_ends_the_session_on_the_server(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    api.log_in(EMAIL)
    cookie = api.cookie
    response = api.delete("/api/session")
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    assert api.cookie is None
    # The old cookie, replayed, opens nothing.
    replay = api.get("/api/me", headers={"Cookie": cookie})
    assert (replay.status_code, error_code(replay)) == (401, "not_authenticated")


def test_logout_ends_only_that_session(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    office, laptop = logged_in(new_api, EMAIL), logged_in(new_api, EMAIL)
    assert office.delete("/api/session").status_code == 204
    assert laptop.get("/api/me").status_code == 200


def test_each_login_gets_a_new_session(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    api.log_in(EMAIL)
    first = api.cookie, api.csrf
    api.log_in(EMAIL)
    assert api.cookie != first[0] and api.csrf != first[1]


def test_the_session_cookie_is_httponly_samesite_strict_for_the_api_path_and_not_secure_in_test(
        api, mailbox, authority):
    make_valid(api, mailbox, authority)
    cookie = api.log_in(EMAIL).headers["Set-Cookie"]
    attributes = [part.strip() for part in cookie.split(";")]
    assert attributes[0].startswith("traces_session=")
    assert {"HttpOnly", "SameSite=Strict", "Path=/api"} <= set(attributes)
    assert "Secure" not in attributes
    assert not any(a.lower().startswith("domain=") for a in attributes)


def test_state_changing_requests_without_the_csrf_header_are_refused(api, mailbox, authority, new_api):
    register_and_confirm(api, mailbox, "jean.martin@bio-lyon.fr")
    target = account_id(authority, "jean.martin@bio-lyon.fr")
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    token = person.csrf
    person.csrf = None
    authority.csrf, authority_token = None, authority.csrf
    attempts = [
        person.patch("/api/me", {"first_name": "Mallory"}),
        person.delete("/api/session"),
        person.post("/api/password/change", {"current_password": PASSWORD, "new_password": "Vercors-2027?!",
                                             "new_password_confirmation": "Vercors-2027?!",
                                             "secret_answer": "Mont Blanc"}),
        authority.post(f"/api/authority/accounts/{target}/activate"),
        authority.post(f"/api/authority/accounts/{target}/activate", headers={"X-CSRF-Token": token}),
        authority.post(f"/api/authority/accounts/{target}/activate", headers={"X-CSRF-Token": "x" * 43}),
    ]
    assert [(r.status_code, error_code(r)) for r in attempts] == [(403, "csrf_failed")] * len(attempts)
    person.csrf, authority.csrf = token, authority_token
    assert person.get("/api/me").json_body["first_name"] == "Marie"
    assert authority.get(f"/api/authority/accounts/{target}").json_body["status"] == "confirmed"
    assert person.log_in(EMAIL).status_code == 200          # the password did not change


def test_reading_needs_no_csrf_header(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority)
    person = logged_in(new_api, EMAIL)
    person.csrf = None
    assert person.get("/api/me").status_code == 200


def test_requests_without_a_session_get_401(api, mailbox):
    for response in (api.get("/api/me"), api.patch("/api/me", {"first_name": "X"}),
                     api.get("/api/authority/accounts"), api.delete("/api/session"),
                     api.get("/api/me", headers={"Cookie": f"traces_session={UNKNOWN_ID}.{'A' * 43}"}),
                     api.get("/api/me", headers={"Cookie": "traces_session=garbage"})):
        assert (response.status_code, error_code(response)) == (401, "not_authenticated")


def test_an_idle_session_ends_after_30_minutes(api, mailbox, authority, new_api):
    with time_machine.travel(T0, tick=False) as clock:
        make_valid(api, mailbox, authority)
        person = logged_in(new_api, EMAIL)
        clock.move_to(T0 + timedelta(minutes=29))
        assert person.get("/api/me").status_code == 200
        clock.move_to(T0 + timedelta(minutes=58))      # 29 minutes after the last request
        assert person.get("/api/me").status_code == 200
        clock.move_to(T0 + timedelta(minutes=89))      # 31 minutes after it
        response = person.get("/api/me")
        assert (response.status_code, error_code(response)) == (401, "not_authenticated")


def test_a_session_ends_after_12_hours_even_when_busy(api, mailbox, authority, new_api):
    with time_machine.travel(T0, tick=False) as clock:
        make_valid(api, mailbox, authority)
        person = logged_in(new_api, EMAIL)
        for step in range(1, 26):
            clock.move_to(T0 + timedelta(minutes=28 * step))
            assert person.get("/api/me").status_code == 200
        clock.move_to(T0 + timedelta(hours=12, minutes=1))
        assert person.get("/api/me").status_code == 401


def test_the_email_of_the_login_is_normalised(api, mailbox, authority):
    make_valid(api, mailbox, authority)
    assert api.log_in("  marie.dupont@BIO-LYON.FR ").status_code == 200


def test_login_needs_both_fields_as_text(api, mailbox):
    for body in ({}, {"email": EMAIL}, {"email": EMAIL, "password": 12345},
                 {"email": EMAIL, "password": PASSWORD, "remember": True}):
        assert api.post("/api/session", body).status_code == 400, body


def test_every_login_costs_one_hash_verification_whatever_the_outcome(api, mailbox, authority, new_api, monkeypatch):
    """Equal timing for every outcome with one argon2id verification each (not two): unknown
    e-mail, wrong password, right password, a temporary password, right or wrong, a locked account."""
    from argon2 import PasswordHasher

    verifications = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, *a: verifications.append(1) or real(self, *a))

    def costs(email_address, password):
        verifications.clear()
        new_api().log_in(email_address, password)
        return len(verifications)

    make_valid(api, mailbox, authority)
    assert costs("nobody@bio-lyon.fr", WRONG) == 1
    assert costs(EMAIL, WRONG) == 1
    assert costs(EMAIL, PASSWORD) == 1
    assert costs(EMAIL, "TR000000000000") == 1         # no temporary password issued
    api.post("/api/password/forgot", {"email": EMAIL})
    temporary = mailbox.temporary_password(EMAIL)
    assert costs(EMAIL, PASSWORD) == 1                 # the old password still works
    assert costs(EMAIL, temporary) == 1
    fail(new_api(), 5)
    assert costs(EMAIL, PASSWORD) == 1                 # locked
