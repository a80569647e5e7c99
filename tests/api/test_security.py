"""Security bars (SPEC 10, SPEC 5): secrets stored hashed, no enumeration, no mass assignment,
sessions that cannot be forged, and no 500 on bad input."""
import hashlib

import pytest

from tests.api.conftest import (NEW_PASSWORD, error_code, error_fields, logged_in, make_valid,
                                stored)
from tests.conftest import PASSWORD, registration

EMAIL = "marie.dupont@bio-lyon.fr"


def test_passwords_and_secret_answers_are_stored_as_argon2id_hashes(api, mailbox, authority):
    make_valid(api, mailbox, authority, EMAIL)
    account = stored(EMAIL)
    assert account.password_hash.startswith("$argon2id$")
    assert account.secret_answer_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash and "blanc" not in account.secret_answer_hash.lower()


def test_confirmation_tokens_are_stored_by_hash_only(api, mailbox):
    from chalicelib.store.tokens import Token

    api.post("/api/accounts", registration(EMAIL))
    token = mailbox.token(EMAIL)
    assert len(token) >= 22                                   # at least 128 random bits
    with pytest.raises(Token.DoesNotExist):
        Token.get(token)
    assert Token.get(hashlib.sha256(token.encode()).hexdigest()).kind == "confirmation"


def test_sessions_are_stored_by_hash_only(api, mailbox, authority):
    from chalicelib.store.sessions import Session

    make_valid(api, mailbox, authority, EMAIL)
    api.log_in(EMAIL)
    secret = api.cookie.split("=", 1)[1].split(".", 1)[1]
    with pytest.raises(Session.DoesNotExist):
        Session.get(secret)
    assert Session.get(hashlib.sha256(secret.encode()).hexdigest()).account_id == stored(EMAIL).id


def test_a_session_secret_cannot_be_moved_to_another_account(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    victim = make_valid(api, mailbox, authority, "jean.martin@bio-lyon.fr")
    api.log_in(EMAIL)
    secret = api.cookie.split("=", 1)[1].split(".", 1)[1]
    response = api.get("/api/me", headers={"Cookie": f"traces_session={victim}.{secret}"})
    assert (response.status_code, error_code(response)) == (401, "not_authenticated")


def test_the_csrf_token_of_one_session_does_not_work_for_another(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    mine, other = logged_in(new_api, EMAIL), logged_in(new_api, EMAIL)
    mine.csrf = other.csrf
    response = mine.patch("/api/me", {"first_name": "Mallory"})
    assert (response.status_code, error_code(response)) == (403, "csrf_failed")


def test_the_person_cannot_set_status_roles_or_email_through_the_profile(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    for body in ({"status": "valid"}, {"valid_roles": {"FR-DDPP-69": "authority"}}, {"roles": ["authority"]},
                 {"email": "other@bio-lyon.fr"}, {"password_hash": "x"},
                 {"first_name": "Marie", "administrator": True}):
        response = person.patch("/api/me", body)
        assert response.status_code == 400, body
        assert set(body) - set(error_fields(response)) <= {"first_name"}
    me = person.get("/api/me").json_body
    assert (me["email"], me["status"], me["first_name"]) == (EMAIL, "valid", "Marie")
    assert person.get("/api/authority/accounts").status_code == 403


def test_the_profile_edits_only_the_persons_own_fields(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    response = person.patch("/api/me", {"first_name": "Marie-Claire", "phone": "+33 6 12 34 56 78"})
    assert response.status_code == 200
    assert (response.json_body["first_name"], response.json_body["phone"]) == ("Marie-Claire", "+33 6 12 34 56 78")
    assert "password_hash" not in response.json_body and "secret_answer_hash" not in response.json_body


def test_the_profile_shows_no_secrets(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    text = str(logged_in(new_api, EMAIL).get("/api/me").json_body).lower()
    for secret in ("hash", "argon2", "mont blanc", "password_history"):
        assert secret not in text


@pytest.mark.parametrize("path, body", [
    ("/api/accounts", registration(EMAIL, email=123)),
    ("/api/accounts", registration(EMAIL, email={"$ne": ""}, email_confirmation={"$ne": ""})),
    ("/api/accounts", registration(EMAIL, password=["x"], password_confirmation=["x"])),
    ("/api/accounts", registration(EMAIL, secret_question_id=[7])),
    ("/api/accounts", registration(EMAIL, secret_question_id={"id": 7})),
    ("/api/accounts", registration(EMAIL, secret_question_id=7.5)),
    ("/api/accounts", registration(EMAIL, secret_question_id=10 ** 40)),
    ("/api/accounts", registration(EMAIL, secret_answer=["Mont", "Blanc"])),
    ("/api/accounts", registration(EMAIL, language=["fr"], notification_format={"html": 1})),
    ("/api/accounts", registration(EMAIL, phone=33472000000, fax=True, additional_info=["x"])),
    ("/api/accounts", registration(EMAIL, organisation="Bio Import Lyon")),
    ("/api/accounts", registration(EMAIL, organisation={"id": ["x"]})),
    ("/api/accounts", registration(EMAIL, organisation={"name": 1, "address": None, "postal_code": 69002,
                                                        "city": [], "country": {"FR": 1}})),
    ("/api/accounts", registration(EMAIL, first_name="\ud800")),
    ("/api/accounts", registration(EMAIL, secret_answer="Mont \udc00 Blanc")),
    ("/api/accounts", registration(EMAIL, password="Grenoble-Alpes-2026!\ud800",
                                   password_confirmation="Grenoble-Alpes-2026!\ud800")),
    ("/api/accounts/confirm/resend", {"email": "marie\ud800@bio-lyon.fr"}),
    ("/api/session", {"email": EMAIL, "password": "\ud800"}),
    ("/api/accounts/confirm", {"token": ["x" * 43]}),
    ("/api/accounts/confirm", {"token": "x" * 100_00}),
    ("/api/accounts/confirm/resend", {"email": 42}),
    ("/api/accounts/confirm/resend", {"email": "a" * 5000 + "@bio-lyon.fr"}),
    ("/api/password/forgot", {"email": None}),
    ("/api/password/forgot", {"email": "a" * 5000 + "@bio-lyon.fr"}),
    ("/api/session", {"email": ["x"], "password": {"p": 1}}),
    ("/api/session", {"email": "a" * 5000 + "@bio-lyon.fr", "password": PASSWORD}),
    ("/api/session", {"email": EMAIL, "password": "x" * 10_000}),
])
def test_bad_input_never_yields_a_500(api, mailbox, path, body):
    response = api.post(path, body)
    assert response.status_code in (202, 400, 401, 404), response.json_body


def test_bad_input_of_a_logged_in_person_never_yields_a_500(api, mailbox, authority, new_api):
    ident = make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    for body in ({"first_name": 5}, {"language": ["en"]}, {"phone": {"a": 1}}, {"additional_info": 3.5}):
        assert person.patch("/api/me", body).status_code == 400, body
    for body in ({"current_password": 5, "new_password": [], "new_password_confirmation": {},
                  "secret_answer": None}, {"secret_question_id": "x"}):
        assert person.post("/api/password/change", body).status_code == 400, body
    for body in ({"reason": 5}, {"reason": ["x"]}, {"reason": None}):
        assert authority.post(f"/api/authority/accounts/{ident}/refuse", body).status_code in (400, 409), body
    for query in ("status=%00", "name=" + "x" * 101, "email=%F0%9F%98%80", "postal_code=", "organisation=%25"):
        assert authority.get(f"/api/authority/accounts?{query}").status_code in (200, 400), query
    for path in ("/api/authority/accounts/%00", f"/api/authority/accounts/{'f' * 1000}",
                 "/api/authority/accounts/..%2F..%2Fetc"):
        assert authority.get(path).status_code in (403, 404), path


def test_wrong_answers_on_recovery_confirmation_and_registration_reveal_nothing(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    for path in ("/api/password/forgot", "/api/accounts/confirm/resend"):
        known = api.post(path, {"email": EMAIL})
        unknown = api.post(path, {"email": "nobody@bio-lyon.fr"})
        assert (known.status_code, known.json_body) == (unknown.status_code, unknown.json_body)
    known = api.post("/api/accounts", registration(EMAIL))
    unknown = api.post("/api/accounts", registration("nobody@bio-lyon.fr"))
    assert (known.status_code, known.json_body) == (unknown.status_code, unknown.json_body)


def test_responses_are_never_cached(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    for response in (person.get("/api/me"), authority.get("/api/authority/accounts"),
                     api.post("/api/password/forgot", {"email": EMAIL}), api.log_in(EMAIL, "wrong-Password-1"),
                     person.log_in(EMAIL)):
        assert response.headers["Cache-Control"] == "no-store"


def test_a_password_change_with_a_wrong_answer_leaves_the_password(api, mailbox, authority, new_api):
    make_valid(api, mailbox, authority, EMAIL)
    person = logged_in(new_api, EMAIL)
    person.post("/api/password/change", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                         "new_password_confirmation": NEW_PASSWORD, "secret_answer": "Everest"})
    assert logged_in(new_api, EMAIL, PASSWORD)
    assert new_api().log_in(EMAIL, NEW_PASSWORD).status_code == 401


@pytest.mark.parametrize("method, path", [
    ("patch", "/api/me"), ("post", "/api/password/change"),
    ("patch", "/api/authority/accounts/0123456789abcdef0123456789abcdef"),
    ("post", "/api/authority/accounts/0123456789abcdef0123456789abcdef/refuse"),
])
def test_a_request_without_a_session_is_told_to_log_in_before_its_body_is_judged(api, method, path):
    response = api.call(method.upper(), path, {"status": "valid"})
    assert response.status_code == 401
