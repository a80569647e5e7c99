"""E-mail confirmation (SPEC 1.2): single-use link, 90 minutes, resend."""
from datetime import timedelta

import time_machine

from tests.api.conftest import T0, audit_actions, error_code, stored, subjects
from tests.conftest import account_id, registration

EMAIL = "marie.dupont@bio-lyon.fr"
CONFIRMATION = "Demande de confirmation"


def register(api, mailbox, email_address=EMAIL) -> str:
    """Registers and returns the token of the link SES received."""
    assert api.post("/api/accounts", registration(email_address)).status_code == 202
    return mailbox.token(email_address)


def test_the_link_of_the_email_points_to_the_confirmation_page_of_the_site(api, mailbox):
    register(api, mailbox)
    text = mailbox.text(mailbox.last(EMAIL))
    assert f"https://traces.test/fr/confirm.html?token={mailbox.token(EMAIL)}" in text


def test_the_token_of_the_email_confirms_the_account(api, mailbox, authority):
    token = register(api, mailbox)
    response = api.post("/api/accounts/confirm", {"token": token})
    assert (response.status_code, response.json_body) == (200, {"status": "confirmed"})
    found = authority.get(f"/api/authority/accounts?email={EMAIL}").json_body
    assert found[0]["status"] == "confirmed"


def test_reusing_the_token_answers_404_and_changes_nothing(api, mailbox, authority):
    token = register(api, mailbox)
    assert api.post("/api/accounts/confirm", {"token": token}).status_code == 200
    before = stored(EMAIL)
    again = api.post("/api/accounts/confirm", {"token": token})
    assert again.status_code == 404
    assert error_code(again) == "invalid_token"
    after = stored(EMAIL)
    assert (after.status, after.confirmed_at) == (before.status, before.confirmed_at)
    assert audit_actions(after.id) == ["register", "confirm"]


def test_the_token_still_works_at_89_minutes(api, mailbox):
    with time_machine.travel(T0, tick=False) as clock:
        token = register(api, mailbox)
        clock.move_to(T0 + timedelta(minutes=89))
        assert api.post("/api/accounts/confirm", {"token": token}).json_body == {"status": "confirmed"}


def test_the_token_has_expired_at_91_minutes(api, mailbox):
    with time_machine.travel(T0, tick=False) as clock:
        token = register(api, mailbox)
        clock.move_to(T0 + timedelta(minutes=91))
        response = api.post("/api/accounts/confirm", {"token": token})
        assert response.status_code == 410
        assert error_code(response) == "link_expired"
        assert stored(EMAIL).status == "new"
        # Opening the page says so too.
        assert api.get(f"/api/accounts/confirm?token={token}").status_code == 410


def test_resend_gives_a_new_working_link_after_the_first_expired(api, mailbox):
    with time_machine.travel(T0, tick=False) as clock:
        first = register(api, mailbox)
        clock.move_to(T0 + timedelta(hours=3))
        response = api.post("/api/accounts/confirm/resend", {"email": EMAIL})
        assert response.status_code == 202
        assert subjects(mailbox, EMAIL) == [CONFIRMATION, CONFIRMATION]
        second = mailbox.token(EMAIL)
        assert second != first
        assert api.post("/api/accounts/confirm", {"token": first}).status_code == 410
        assert api.post("/api/accounts/confirm", {"token": second}).json_body == {"status": "confirmed"}


def test_resend_for_an_unknown_email_answers_the_same_and_sends_nothing(api, mailbox):
    register(api, mailbox)
    known = api.post("/api/accounts/confirm/resend", {"email": EMAIL})
    unknown = api.post("/api/accounts/confirm/resend", {"email": "nobody@bio-lyon.fr"})
    malformed = api.post("/api/accounts/confirm/resend", {"email": "not an address"})
    assert (unknown.status_code, unknown.json_body) == (known.status_code, known.json_body) == (202, {})
    assert (malformed.status_code, malformed.json_body) == (202, {})
    assert mailbox.messages("nobody@bio-lyon.fr") == []
    assert len(mailbox.messages()) == 2


def test_resend_for_a_confirmed_account_sends_nothing(api, mailbox):
    token = register(api, mailbox)
    api.post("/api/accounts/confirm", {"token": token})
    assert api.post("/api/accounts/confirm/resend", {"email": EMAIL}).status_code == 202
    assert subjects(mailbox, EMAIL) == [CONFIRMATION]


def test_resend_normalises_the_email_as_registration_does(api, mailbox):
    register(api, mailbox)
    assert api.post("/api/accounts/confirm/resend", {"email": " marie.dupont@BIO-LYON.fr "}).status_code == 202
    assert subjects(mailbox, EMAIL) == [CONFIRMATION, CONFIRMATION]


def test_resend_sends_at_most_five_emails_an_hour(api, mailbox):
    with time_machine.travel(T0, tick=False) as clock:
        register(api, mailbox)
        for minute in range(7):
            clock.move_to(T0 + timedelta(minutes=minute))
            response = api.post("/api/accounts/confirm/resend", {"email": EMAIL})
            assert (response.status_code, response.json_body) == (202, {})
        assert subjects(mailbox, EMAIL) == [CONFIRMATION] * 6      # the registration's + 5
        clock.move_to(T0 + timedelta(minutes=61))
        api.post("/api/accounts/confirm/resend", {"email": EMAIL})
        assert len(mailbox.messages(EMAIL)) == 7
        # The last link works.
        assert api.post("/api/accounts/confirm", {"token": mailbox.token(EMAIL)}).status_code == 200


def test_opening_the_link_shows_the_request_and_does_not_confirm(api, mailbox, authority):
    token = register(api, mailbox)
    for _ in range(2):   # a mail scanner, then the person
        page = api.get(f"/api/accounts/confirm?token={token}")
        assert page.status_code == 200
        assert page.json_body == {"email": EMAIL, "first_name": "Marie", "last_name": "Dupont", "status": "new"}
    assert stored(EMAIL).status == "new"
    assert authority.get(f"/api/authority/accounts?email={EMAIL}").json_body[0]["status"] == "new"
    assert api.post("/api/accounts/confirm", {"token": token}).status_code == 200


def test_an_unknown_token_answers_404_and_a_malformed_one_400(api, mailbox):
    register(api, mailbox)
    unknown = api.post("/api/accounts/confirm", {"token": "A" * 43})
    assert (unknown.status_code, error_code(unknown)) == (404, "invalid_token")
    for bad in ({"token": "short"}, {"token": ""}, {"token": 12345}, {}, {"token": "x" * 43, "email": EMAIL}):
        assert api.post("/api/accounts/confirm", bad).status_code == 400, bad
    assert api.get("/api/accounts/confirm?token=short").status_code == 400
    assert stored(EMAIL).status == "new"


def test_a_confirmed_account_cannot_log_in_before_it_is_validated(api, mailbox):
    token = register(api, mailbox)
    api.post("/api/accounts/confirm", {"token": token})
    response = api.log_in(EMAIL)
    assert (response.status_code, error_code(response)) == (403, "account_not_valid")


def test_an_older_link_cannot_confirm_once_a_newer_one_did(api, mailbox, authority):
    first = register(api, mailbox)
    api.post("/api/accounts/confirm/resend", {"email": EMAIL})
    assert api.post("/api/accounts/confirm", {"token": mailbox.token(EMAIL)}).status_code == 200
    assert api.post("/api/accounts/confirm", {"token": first}).status_code == 404
    assert audit_actions(account_id(authority, EMAIL)) == ["register", "confirm"]


def test_the_link_of_a_deleted_request_confirms_nothing(api, mailbox, authority):
    token = register(api, mailbox)
    ident = account_id(authority, EMAIL)
    assert authority.delete(f"/api/authority/accounts/{ident}").status_code == 204
    assert api.post("/api/accounts/confirm", {"token": token}).status_code == 404
    assert stored(EMAIL).status == "deleted"
